"""The rows the referral functions hand to the pages, and the columns they are read from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from app.models import Partner
from app.models.referral import Referral


@dataclass
class Node:
    id: int
    name: str
    status: str
    archived: bool
    parent_id: int | None
    depth: int = 0  # generation relative to the node a walk started from (or absolute generation)
    subtree_size: int = 1
    subtree_depth: int = 0
    direct_count: int = 0

    @property
    def descendants(self) -> int:
        return self.subtree_size - 1

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "p": self.parent_id,
            "n": self.name,
            "s": self.status,
            "a": self.archived,
            "g": self.depth,
            "z": self.subtree_size,
            "d": self.subtree_depth,
            "c": self.direct_count,
        }


@dataclass
class Summary:
    """A partner's place in the genealogy, for the partner page."""

    partner_id: int
    ancestors: list[Node]  # root first, the partner itself last; depth == generation
    subtree_size: int = 1
    subtree_depth: int = 0
    direct_count: int = 0
    # the recorded details of its referral
    contact_id: int | None = None
    contact_name: str | None = None
    referred_on: date | None = None
    note: str | None = None

    @property
    def generation(self) -> int:
        return len(self.ancestors) - 1

    @property
    def root(self) -> Node:
        return self.ancestors[0]

    @property
    def referrer(self) -> Node | None:
        return self.ancestors[-2] if len(self.ancestors) > 1 else None

    @property
    def in_tree(self) -> bool:
        return self.generation > 0 or self.subtree_size > 1


def node_columns():
    """What a Node is read from: the partner and its stored tree stats (outer-joined: a lone partner
    has no Referral row)."""
    return (
        Partner.id,
        Partner.name,
        Partner.status,
        Partner.archived_at,
        Partner.referred_by_id,
        func.coalesce(Referral.subtree_size, 1),
        func.coalesce(Referral.subtree_depth, 0),
        func.coalesce(Referral.direct_count, 0),
    )


def to_node(row, depth: int) -> Node:
    pid, name, status, archived_at, parent_id, size, sdepth, direct = row[:8]
    return Node(
        id=pid,
        name=name,
        status=status,
        archived=archived_at is not None,
        parent_id=parent_id,
        depth=depth,
        subtree_size=size,
        subtree_depth=sdepth,
        direct_count=direct,
    )
