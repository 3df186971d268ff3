"""The one mechanism for derived data: a registry of summaries and the flush hooks that run them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import event
from sqlalchemy.orm import Session

# In the order their updates run: a summary may read one listed before it (activity copies contact counts).
MODULES: tuple[str, ...] = (
    "contact_counts",
    "partner_activity",
    "touch_weeks",
    "referral_stats",
    "deal_totals",
    "referral_revenue",  # after referral_stats (a partner's place) and with the deals
    "commission_totals",
    "health_weeks",
    "owner_months",
    "partner_outcomes",
    "book_buckets",  # after partner_activity: reads its rows
    "search_index",
)


@dataclass(frozen=True)
class Summary:
    name: str
    description: str
    rebuild: Callable[[Session, int], int]  # rows written
    stored: Callable[[Session, int], dict]  # key -> values, as kept
    expected: Callable[[Session, int], dict]  # key -> values, computed from the sources
    before_flush: Callable[[Session], None] | None = None
    after_flush: Callable[[Session], None] | None = None


@dataclass(frozen=True)
class Difference:
    summary: str
    key: object
    stored: object  # None when the row is missing
    expected: object  # None when the row should not exist


@cache
def all_summaries() -> tuple[Summary, ...]:
    return tuple(importlib.import_module(f"app.summaries.{name}").SUMMARY for name in MODULES)


def by_name(name: str) -> Summary:
    for summary in all_summaries():
        if summary.name == name:
            return summary
    raise KeyError(name)


def check(session: Session, workspace_id: int, summaries=None) -> list[Difference]:
    """Every difference between what is stored and what the sources give (empty: all right)."""
    session.flush()
    differences = []
    for summary in summaries or all_summaries():
        stored, expected = summary.stored(session, workspace_id), summary.expected(session, workspace_id)
        for key in sorted(set(stored) | set(expected), key=repr):
            if stored.get(key) != expected.get(key):
                differences.append(Difference(summary.name, key, stored.get(key), expected.get(key)))
    return differences


def rebuild(session: Session, workspace_id: int, summaries=None) -> dict[str, int]:
    """Rebuild the summaries of one workspace from their sources; rows written per summary."""
    session.flush()
    return {summary.name: summary.rebuild(session, workspace_id) for summary in summaries or all_summaries()}


def _before_flush(session: Session, flush_context, instances) -> None:
    for summary in all_summaries():
        if summary.before_flush is not None:
            summary.before_flush(session)


def _after_flush(session: Session, flush_context) -> None:
    for summary in all_summaries():
        if summary.after_flush is not None:
            summary.after_flush(session)


def install() -> None:
    """Hook the summaries into every session's flush (once, however many apps are created)."""
    all_summaries()
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
