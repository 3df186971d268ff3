"""The recursive walks of the referral tree (edges: `Partner.referred_by_id`), built with SQLAlchemy.
Both run unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import String, cast, literal, select
from sqlalchemy.orm import Session, aliased

from app.models import Partner

# Depth limit of the walks that draw and list the tree (a real referral chain is far shallower): a
# safety net for pages. The walks the rules and the stored stats rely on pass max_depth=None and are
# bounded by the path-string cycle guard alone.
MAX_DEPTH = 100


def _slashed(column):
    return literal("/").concat(cast(column, String)).concat("/")


def descendants_cte(workspace_id: int, start_ids, max_depth: int | None = MAX_DEPTH, name: str = "descendants"):
    """Recursive CTE of the start partners and everything below them.

    Columns: id, parent_id, start_id (the start node the row descends from), depth (0 = start), path.
    The path string ("/1/7/42/") guards against cycles in bad data; max_depth (None: none) bounds the walk.
    """
    anchor = select(
        Partner.id.label("id"),
        Partner.referred_by_id.label("parent_id"),
        Partner.id.label("start_id"),
        literal(0).label("depth"),
        _slashed(Partner.id).label("path"),
    ).where(Partner.workspace_id == workspace_id, Partner.id.in_(start_ids))
    cte = anchor.cte(name, recursive=True)
    child = aliased(Partner, name="child")
    conditions = [
        child.referred_by_id == cte.c.id,
        child.workspace_id == workspace_id,
        ~cte.c.path.contains(_slashed(child.id)),
    ]
    if max_depth is not None:
        conditions.append(cte.c.depth < max_depth)
    return cte.union_all(
        select(
            child.id,
            child.referred_by_id,
            cte.c.start_id,
            cte.c.depth + 1,
            cte.c.path.concat(cast(child.id, String)).concat("/"),
        ).where(*conditions)
    )


def ancestors_cte(
    workspace_id: int,
    start_ids,
    stop_at: int | None = None,
    name: str = "ancestors",
    max_depth: int | None = MAX_DEPTH,
):
    """Recursive CTE walking up from the start partners: id, parent_id, start_id, up (0 = start), path.

    With stop_at, the walk does not go above that partner; max_depth (None: none) bounds it, the path
    string guards against cycles in bad data.

    The walk carries each row's workspace and checks it on the row it climbs from, and the rows
    handed out are filtered once more: a condition on the parent row itself makes SQLite (with
    ANALYZE statistics) build a Bloom filter over the whole partner table at every step. Measured on
    the benchmark's data at 50,000 partners, a 45-generation breadcrumb takes 1.7 ms this way and
    5.3 ms the plain way with statistics (1.7 ms and 1.5 ms without them)."""
    anchor = select(
        Partner.id.label("id"),
        Partner.referred_by_id.label("parent_id"),
        Partner.id.label("start_id"),
        literal(0).label("up"),
        _slashed(Partner.id).label("path"),
        Partner.workspace_id.label("workspace_id"),
    ).where(Partner.workspace_id == workspace_id, Partner.id.in_(start_ids))
    walk = anchor.cte(f"{name}_walk", recursive=True)
    parent = aliased(Partner, name="parent")
    conditions = [
        parent.id == walk.c.parent_id,
        walk.c.workspace_id == workspace_id,
        ~walk.c.path.contains(_slashed(parent.id)),
    ]
    if max_depth is not None:
        conditions.append(walk.c.up < max_depth)
    if stop_at is not None:
        conditions.append(walk.c.id != stop_at)
    walk = walk.union_all(
        select(
            parent.id,
            parent.referred_by_id,
            walk.c.start_id,
            walk.c.up + 1,
            walk.c.path.concat(cast(parent.id, String)).concat("/"),
            parent.workspace_id,
        ).where(*conditions)
    )
    return (
        select(walk.c.id, walk.c.parent_id, walk.c.start_id, walk.c.up, walk.c.path)
        .where(walk.c.workspace_id == workspace_id)
        .cte(name)
    )


def ancestor_ids(session: Session, workspace_id: int, partner_id: int) -> list[int]:
    """Ids from the partner up to its root (partner first), however deep: what the loop check and
    the stored stats rely on, so no depth limit. One query."""
    cte = ancestors_cte(workspace_id, [partner_id], max_depth=None)
    return list(session.scalars(select(cte.c.id).order_by(cte.c.up)))
