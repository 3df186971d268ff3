"""Summaries made of each partner's contribution to a few counters (per week, per owner and month).

A flush that changes a partner, or a row that belongs to a partner (its touches, contacts, deals),
may move that partner's contribution from one counter row to another (a touch moved to another
month, a new owner, a deleted partner). `PartnerDeltas` works it out the same way for every such
summary: before the flush it locks the touched partners and computes their contributions from what
is stored; after the flush it computes them again, and adds the differences to the counter rows
with an upsert (atomic relative updates: concurrent writers add up). The contributions come from
one function, `contributions(connection, workspace_id, partner_ids)`, which the summary's rebuild
and check also use for the whole workspace (partner_ids None).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.models import Contact, Deal, Interaction, Partner

# {(key tuple, column name): amount}
Contributions = Counter


def _partner_ids(obj) -> set[int]:
    """The partner(s) a changed row belongs to, before and after the change."""
    if isinstance(obj, Partner):
        return {obj.id} if obj.id is not None else set()
    history = inspect(obj).attrs.partner_id.history
    ids = set(itertools.chain(history.added or (), history.deleted or (), history.unchanged or ()))
    partner = obj.__dict__.get("partner")
    if partner is not None and partner.id is not None:
        ids.add(partner.id)
    return {i for i in ids if i is not None}


def touched(session: Session, models) -> dict[int, set[int]]:
    """{workspace id: partner ids} changed in this flush through any of `models`."""
    found: dict[int, set[int]] = defaultdict(set)
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, models) and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            found[obj.workspace_id] |= _partner_ids(obj)
    return {ws: ids for ws, ids in found.items() if ids}


@dataclass(frozen=True)
class PartnerDeltas:
    name: str  # session.info key of the contributions computed before the flush
    models: tuple  # the row kinds whose changes move a partner's contribution
    contributions: Callable[[object, int, list[int] | None], Contributions]
    apply: Callable[[object, int, Contributions], None]  # add these differences to the counter rows

    def before_flush(self, session: Session) -> None:
        found = touched(session, self.models)
        if not found:
            return
        connection = session.connection()
        before = {}
        for workspace_id, ids in found.items():
            ids = sorted(ids)
            # FOR NO KEY UPDATE: writers of one partner queue here, but rows that only point at the
            # partner (a touch, a contact: their foreign-key check takes KEY SHARE) do not wait for
            # it — with FOR UPDATE two such writers could each hold KEY SHARE and wait for the other
            connection.execute(
                select(Partner.id).where(Partner.id.in_(ids)).order_by(Partner.id).with_for_update(key_share=True)
            )
            before[workspace_id] = (set(ids), self.contributions(connection, workspace_id, ids))
        session.info[self.name] = before

    def after_flush(self, session: Session) -> None:
        before = session.info.pop(self.name, {})
        found = touched(session, self.models)
        connection = session.connection()
        for workspace_id in set(found) | set(before):
            ids, old = before.get(workspace_id, (set(), Counter()))
            ids = sorted(ids | found.get(workspace_id, set()))
            new = self.contributions(connection, workspace_id, ids)
            delta = Counter(new)
            delta.subtract(old)
            delta = Counter({key: n for key, n in delta.items() if n})
            if delta:
                self.apply(connection, workspace_id, delta)


PARTNER_ROWS = (Partner, Interaction, Contact, Deal)
