"""The book a team keeps, now: per owner or tier, the partners the neglect rules apply to, how many
are not neglected yet (due later than now), and the touches their cadences ask for per day.

Read from the book_buckets summary (app/models/report.py `BookBucket`): all of a group's month rows
(every partner is in one), the not-yet-due months after this one, this month's days after today,
and — the one count over activity rows — the partners due later today (an index range over today's
due moments). A bounded number of rows whatever the size of the book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Float, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import BookBucket, Partner, PartnerActivity
from app.services.reports.period import next_month
from app.services.sqltime import seconds


@dataclass
class BookCount:
    partners: int = 0
    not_neglected: int = 0
    touches_per_day: float = 0.0  # the sum of 1 / cadence over the partners

    @property
    def neglected(self) -> int:
        return self.partners - self.not_neglected


def book_counts(session: Session, workspace_id: int, now: datetime, by: str, filters=None) -> dict:
    """{owner id or tier: BookCount}; `by` is "owner_id" or "tier"; `filters` may name an owner,
    tier or source (attributes owner_id, tier, source; None for any)."""
    b = BookBucket
    today = now.astimezone(UTC).date()
    group = getattr(b, by)
    conditions = [b.workspace_id == workspace_id, *filter_conditions(b, filters)]
    # two index ranges, one statement: every month row (the month after this one onwards not due
    # yet), and this month's days after today (not due yet either)
    months = (
        select(
            group.label("key"),
            func.sum(b.partners).label("partners"),
            func.sum(case((b.day > today.replace(day=1), b.partners), else_=0)).label("not_due"),
            func.sum(cast(b.partners, Float) / b.cadence_days).label("per_day"),
        )
        .where(*conditions, b.grain == "m")
        .group_by(group)
    )
    days = (
        select(group, literal(0), func.sum(b.partners), literal(0.0))
        .where(*conditions, b.grain == "d", b.day > today, b.day < next_month(today))
        .group_by(group)
    )
    counts: dict = {}
    for key, partners, not_due, per_day in session.execute(union_all(months, days)):
        count = counts.setdefault(key, BookCount())
        count.partners += int(partners or 0)
        count.not_neglected += int(not_due or 0)
        count.touches_per_day += float(per_day or 0)
    # the partners due later today: not neglected yet
    pa = PartnerActivity
    tomorrow = datetime.combine(today + timedelta(days=1), time(), UTC)
    column = func.coalesce(pa.owner_id, 0) if by == "owner_id" else pa.tier
    due_today = (
        select(column, func.count())
        .join(Partner, Partner.id == pa.partner_id)
        .where(
            pa.workspace_id == workspace_id,
            pa.eligible.is_(True),
            pa.due_s >= seconds(now),
            pa.due_s < seconds(tomorrow),
            *filter_conditions(pa, filters, owner=func.coalesce(pa.owner_id, 0), source=Partner.source),
        )
        .group_by(column)
    )
    for key, n in session.execute(due_today):
        counts.setdefault(key, BookCount()).not_neglected += int(n)
    return counts


def filter_conditions(model, filters, *, owner=None, source=None) -> list:
    """The report filters (`filters`: attributes owner_id, tier, source, None for any) as conditions
    on `model`'s columns, or on the `owner` and `source` expressions given for it."""
    found = []
    if getattr(filters, "owner_id", None) is not None:
        found.append((owner if owner is not None else model.owner_id) == filters.owner_id)
    if getattr(filters, "tier", None) is not None:
        found.append(model.tier == filters.tier)
    if getattr(filters, "source", None) is not None:
        found.append((source if source is not None else model.source) == filters.source)
    return found
