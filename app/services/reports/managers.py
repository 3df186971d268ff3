"""Account managers: per owner, the book they keep. Flask-free; `now` is passed in.

Per owner (the partners' current owner; "no owner" as owner 0):

* partners: their eligible partners (the ones the neglect rules apply to) and the neglected share
  now, from the book buckets (app/services/reports/book.py);
* touches against cadence: the touches with their partners in the period, over the touches their
  partners' cadences ask for in it (days ÷ each partner's effective cadence, summed);
* waiting-on-us episodes started in the period (app/summaries/owner_months.py), how many are still
  open, and the median answer time as the bucket of ANSWER_BUCKET_HOURS it falls in;
* won revenue per currency and the share of assessed won deals that are win-win.

The monthly aggregates count whole months: the period is read from the first day of its first
month (`Managers.since`). Five queries, whatever the book's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, select

from app.models import OwnerMoney, OwnerMonth
from app.models.report_weeks import ANSWER_COLUMNS
from app.services.accounts import workspace_members
from app.services.reports.book import book_counts
from app.services.reports.period import Period


@dataclass
class ManagerRow:
    owner_id: int  # 0: partners without an owner
    name: str | None  # None for "no owner" (0) and for someone no longer a member
    partners: int = 0
    neglected: int = 0
    touches: int = 0
    expected_touches: float = 0.0
    episodes: int = 0
    answered: int = 0
    answer_buckets: list[int] = field(default_factory=lambda: [0] * len(ANSWER_COLUMNS))
    revenue: dict[str, Decimal] = field(default_factory=dict)  # currency -> won amount
    won_deals: int = 0
    assessed: int = 0
    winwin: int = 0

    @property
    def open_episodes(self) -> int:
        return self.episodes - self.answered

    @property
    def cadence_kept(self) -> float | None:
        """Touches over the touches the cadences ask for (1.0: exactly as agreed)."""
        return self.touches / self.expected_touches if self.expected_touches else None

    @property
    def neglected_share(self) -> float | None:
        return self.neglected / self.partners if self.partners else None

    @property
    def winwin_share(self) -> float | None:
        return self.winwin / self.assessed if self.assessed else None

    @property
    def median_bucket(self) -> int | None:
        """The bucket (index into ANSWER_BUCKET_HOURS, the last open-ended) holding the median
        answer time (the lower median when the count is even); None before any answer."""
        if not self.answered:
            return None
        middle, seen = (self.answered + 1) // 2, 0
        for index, n in enumerate(self.answer_buckets):
            seen += n
            if seen >= middle:
                return index
        return len(self.answer_buckets) - 1


@dataclass(frozen=True)
class Reading:
    """Who keeps their cadences best and least (key "spread"), or the one row ("single")."""

    key: str
    best: ManagerRow
    worst: ManagerRow | None = None


@dataclass
class Managers:
    rows: list[ManagerRow]
    since: date  # the first day counted (the first of the period's first month)
    team: bool  # more than one member: the report is meant for teams
    reading: Reading | None


def month_start(day: date) -> date:
    return day.replace(day=1)


def managers_report(
    session, workspace_id: int, period: Period, now: datetime, *, only_owner: int | None = None
) -> Managers:
    """The rows of every member (and "no owner" when it has partners), or only `only_owner`'s."""
    since = month_start(period.start)
    days = (period.end - since).days + 1
    members = workspace_members(session, workspace_id)
    rows = {user.id: ManagerRow(user.id, user.name) for user in members}

    def row(owner_id) -> ManagerRow:
        owner_id = owner_id or 0
        if owner_id not in rows:
            rows[owner_id] = ManagerRow(owner_id, None)
        return rows[owner_id]

    only = SimpleNamespace(owner_id=only_owner)
    for owner_id, book in book_counts(session, workspace_id, now, "owner_id", only).items():
        r = row(owner_id)
        r.partners, r.neglected, r.expected_touches = book.partners, book.neglected, days * book.touches_per_day
    om = OwnerMonth
    sums = [
        func.sum(om.touches),
        func.sum(om.episodes),
        func.sum(om.answered),
        *(func.sum(om.__table__.c[c]) for c in ANSWER_COLUMNS),
    ]
    months = session.execute(
        select(om.owner_id, *sums)
        .where(
            om.workspace_id == workspace_id, om.month >= since, om.month <= period.end, *_only(om.owner_id, only_owner)
        )
        .group_by(om.owner_id)
    )
    for owner_id, touches, episodes, answered, *buckets in months:
        r = row(owner_id)
        r.touches, r.episodes, r.answered = int(touches), int(episodes), int(answered)
        r.answer_buckets = [int(n) for n in buckets]
    money = OwnerMoney
    won = session.execute(
        select(
            money.owner_id,
            money.currency,
            func.sum(money.amount),
            func.sum(money.won_deals),
            func.sum(money.assessed),
            func.sum(money.winwin),
        )
        .where(
            money.workspace_id == workspace_id,
            money.month >= since,
            money.month <= period.end,
            *_only(money.owner_id, only_owner),
        )
        .group_by(money.owner_id, money.currency)
        .order_by(money.currency)
    )
    for owner_id, currency, amount, deals, assessed, winwin in won:
        r = row(owner_id)
        if amount:
            r.revenue[currency] = Decimal(amount).quantize(Decimal("0.01"))
        r.won_deals += int(deals)
        r.assessed += int(assessed)
        r.winwin += int(winwin)
    shown = [
        r
        for r in rows.values()
        if (only_owner is None or r.owner_id == only_owner) and (r.name is not None or r.partners or r.touches)
    ]
    shown.sort(key=lambda r: (r.name is None, (r.name or "").casefold()))
    return Managers(shown, since, len(members) > 1, _reading(shown))


def _only(column, owner_id: int | None) -> tuple:
    return () if owner_id is None else (column == owner_id,)


def _reading(rows: list[ManagerRow]) -> Reading | None:
    measured = [r for r in rows if r.cadence_kept is not None and r.name is not None]
    if not measured:
        return None
    ordered = sorted(measured, key=lambda r: (-r.cadence_kept, r.name.casefold()))
    if len(ordered) == 1:
        return Reading("single", ordered[0])
    return Reading("spread", ordered[0], ordered[-1])
