"""TouchWeek: touches per week (Monday 00:00 UTC) and author, for the dashboard's trend picture.

The flush hooks count each touch logged, edited (moved to another week, turned into a note),
deleted, restored, or taken away with its deleted partner, and add the differences with an upsert
on the row's unique key (workspace, week, author): concurrent first touches of a week add up in one
row. Author 0 is "nobody" (the author's user was removed, or it was never known).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session

from app.models import Interaction, Partner, TouchWeek
from app.services.clock import week_start
from app.summaries.registry import Summary
from app.summaries.sql import upsert

TABLE = TouchWeek.__table__
KEY = ["workspace_id", "week_start", "author_id"]
FIELDS = ("workspace_id", "occurred_at", "kind", "deleted_at", "created_by_id")
PENDING = "orchard_touch_weeks"  # session.info: deltas found before the flush, applied after it


def _key(values) -> tuple | None:
    """(workspace, week, author) a touch with these values counts for, or None (a note, deleted)."""
    if values["deleted_at"] is not None or values["kind"] == "note":
        return None
    return values["workspace_id"], week_start(values["occurred_at"]), values["created_by_id"] or 0


def _values(interaction: Interaction, *, before: bool) -> dict:
    state = inspect(interaction)
    values = {}
    for name in FIELDS:
        history = state.attrs[name].history
        values[name] = history.deleted[0] if before and history.deleted else getattr(interaction, name)
    return values


def before_flush(session: Session) -> None:
    """A deleted partner takes its interactions with it (the database cascades): count them out now."""
    gone = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    if not gone:
        return
    deltas = session.info.setdefault(PENDING, Counter())
    rows = session.execute(
        select(
            Interaction.workspace_id,
            Interaction.occurred_at,
            Interaction.kind,
            Interaction.deleted_at,
            Interaction.created_by_id,
        ).where(Interaction.partner_id.in_(gone))
    )
    for row in rows:
        key = _key(row._mapping)
        if key:
            deltas[key] -= 1


def after_flush(session: Session) -> None:
    deltas = session.info.pop(PENDING, Counter())
    for obj in session.new:
        if isinstance(obj, Interaction) and (key := _key(_values(obj, before=False))):
            deltas[key] += 1
    for obj in session.dirty:
        if isinstance(obj, Interaction) and session.is_modified(obj):
            old, new = _key(_values(obj, before=True)), _key(_values(obj, before=False))
            if old != new:
                if old:
                    deltas[old] -= 1
                if new:
                    deltas[new] += 1
    for obj in session.deleted:
        if isinstance(obj, Interaction) and (key := _key(_values(obj, before=True))):
            deltas[key] -= 1
    rows = [dict(zip(KEY, key, strict=True), touches=n) for key, n in sorted(deltas.items()) if n]
    if rows:
        upsert(session.connection(), TABLE, rows, KEY, add=["touches"])


def _expected_counts(session: Session, workspace_id: int) -> Counter:
    counts: Counter = Counter()
    rows = session.execute(
        select(Interaction.occurred_at, Interaction.created_by_id)
        .where(Interaction.workspace_id == workspace_id, Interaction.deleted_at.is_(None), Interaction.kind != "note")
        .execution_options(yield_per=20_000)
    )
    for occurred_at, author in rows:
        counts[(week_start(occurred_at), author or 0)] += 1
    return counts


def rebuild(session: Session, workspace_id: int) -> int:
    session.execute(delete(TouchWeek).where(TouchWeek.workspace_id == workspace_id))
    rows = [
        {"workspace_id": workspace_id, "week_start": week, "author_id": author, "touches": n}
        for (week, author), n in _expected_counts(session, workspace_id).items()
    ]
    if rows:
        session.execute(TABLE.insert(), rows)
    return len(rows)


def stored(session: Session, workspace_id: int) -> dict:
    rows = session.execute(
        select(TouchWeek.week_start, TouchWeek.author_id, func.sum(TouchWeek.touches))
        .where(TouchWeek.workspace_id == workspace_id)
        .group_by(TouchWeek.week_start, TouchWeek.author_id)
    )
    return {(week, author): (int(n),) for week, author, n in rows if n}


def expected(session: Session, workspace_id: int) -> dict:
    return {key: (n,) for key, n in _expected_counts(session, workspace_id).items()}


SUMMARY = Summary(
    name="touch_weeks",
    description="touches per week and author (the dashboard's trend)",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
    after_flush=after_flush,
)
