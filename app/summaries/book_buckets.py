"""BookBucket: the partners the neglect rules apply to, counted by when they are due, per owner,
tier, source and effective cadence (app/models/report.py), for the Tiers and Account managers
reports — so "how many partners, against which cadences, and how many not yet neglected" is a sum
over a bounded number of rows instead of a count over every partner.

A partner's contribution is read from its activity row (app/summaries/partner_activity.py, which
runs first in every flush) and its source: one to the month and one to the day it is due, if the
rules apply to it. Every flush that changes a partner or its touches, contacts or deals adds the
touched partners' differences (`PartnerDeltas`); a change of the workspace's cadence defaults,
which moves every partner's due moment, derives the workspace's rows again.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import BookBucket, Partner, PartnerActivity
from app.summaries.partner_activity import workspaces_with_new_defaults
from app.summaries.partner_deltas import PARTNER_ROWS, PartnerDeltas
from app.summaries.registry import Summary
from app.summaries.sql import upsert

TABLE = BookBucket.__table__
KEY = ["workspace_id", "grain", "day", "owner_id", "tier", "source", "cadence_days"]


def due_day(due_s: int) -> date:
    """The UTC day of a due moment (seconds since the epoch)."""
    return datetime.fromtimestamp(due_s, UTC).date()


def contributions(connection, workspace_id: int, partner_ids) -> Counter:
    """{(grain, day, owner, tier, source, cadence): partners} of these partners (None: all)."""
    pa = PartnerActivity
    stmt = (
        select(pa.due_s, pa.owner_id, pa.tier, Partner.source, pa.cadence_days)
        .join(Partner, Partner.id == pa.partner_id)
        .where(pa.workspace_id == workspace_id, pa.eligible.is_(True))
    )
    if partner_ids is not None:
        stmt = stmt.where(pa.partner_id.in_(partner_ids))
    counts: Counter = Counter()
    for due_s, owner_id, tier, source, cadence in connection.execute(stmt.execution_options(yield_per=20_000)):
        day = due_day(due_s)
        rest = (owner_id or 0, tier, source, cadence)
        counts[("m", day.replace(day=1), *rest)] += 1
        counts[("d", day, *rest)] += 1
    return counts


def _write(connection, workspace_id: int, counts: Counter) -> int:
    rows = [
        {"workspace_id": workspace_id, **dict(zip(KEY[1:], key, strict=True)), "partners": n}
        for key, n in sorted(counts.items())
    ]
    for start in range(0, len(rows), 2000):
        upsert(connection, TABLE, rows[start : start + 2000], KEY, add=["partners"])
    return len(rows)


DELTAS = PartnerDeltas("orchard_book_buckets", PARTNER_ROWS, contributions, _write)


def rebuild(session: Session, workspace_id: int) -> int:
    connection = session.connection()
    connection.execute(delete(TABLE).where(TABLE.c.workspace_id == workspace_id))
    return _write(connection, workspace_id, contributions(connection, workspace_id, None))


def after_flush(session: Session) -> None:
    DELTAS.after_flush(session)
    for workspace_id in workspaces_with_new_defaults(session):
        rebuild(session, workspace_id)


def stored(session: Session, workspace_id: int) -> dict:
    key = [TABLE.c[name] for name in KEY[1:]]
    rows = session.execute(
        select(*key, func.sum(TABLE.c.partners)).where(TABLE.c.workspace_id == workspace_id).group_by(*key)
    )
    return {tuple(row[:-1]): int(row[-1]) for row in rows if row[-1]}


def expected(session: Session, workspace_id: int) -> dict:
    return dict(contributions(session.connection(), workspace_id, None))


SUMMARY = Summary(
    name="book_buckets",
    description="eligible partners by due month and day, owner, tier, source and cadence (Tiers, Account managers)",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=DELTAS.before_flush,
    after_flush=after_flush,
)
