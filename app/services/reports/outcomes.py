"""The Sources and Tiers reports: what the partners gained in a period became, per source or tier.

Everything is read from the `partner_outcomes` summary's buckets (app/models/report.py): a period is
its whole months (month buckets) and the days of its partial months (day buckets), so a report sums
a bounded number of rows whatever the number of partners. The measures, per group (source or tier),
over the partners *gained* (added) in the period:

* gained; the share that became active (status active now, or a deal won);
* days to the first won deal: from the first touch (or the day the partner was added, if earlier)
  to the close date of its first won deal, averaged over those that won one;
* won revenue (all their won deals so far) per currency, and per partner gained — never mixed;
* the win-win balance: the average value to us and to the partner of their assessed deals, and the
  share of those deals in the win-win quadrant (app/services/deals/assessment.py);
* still active after 12 months: of the partners gained in the same span one year earlier (every one
  of them has had its full year), the share touched, or with a deal won, 365 days or more after it
  was added;
* referrals made by them, and the referral multiplier = referrals made / partners gained;
* tiers only, cadence kept: of the partners the neglect rules apply to now, the share not neglected
  (app/services/neglect/rules.py), from the book buckets (app/services/reports/book.py).

The one-line reading is data (a key and its numbers); the route words it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models.partner import SOURCES, TIERS
from app.models.report import MEASURES, OutcomeBucket
from app.services.money import as_money
from app.services.reports.book import book_counts, filter_conditions
from app.services.reports.period import Period, months_back, next_month

GROUPS = {"source": SOURCES, "tier": TIERS}


@dataclass(frozen=True)
class Money:
    currency: str
    won: Decimal
    per_partner: Decimal | None


@dataclass
class GroupRow:
    key: str  # the source or tier
    gained: int = 0
    active_share: Decimal | None = None
    days_to_won: Decimal | None = None
    money: list[Money] = field(default_factory=list)  # largest revenue first
    to_us: Decimal | None = None  # average value to us of their assessed deals
    to_partner: Decimal | None = None
    win_win_share: Decimal | None = None
    retained_share: Decimal | None = None
    retention_base: int = 0  # partners gained a year before the period (the share's base)
    referrals: int = 0
    multiplier: Decimal | None = None
    cadence_kept: Decimal | None = None  # tiers only
    cadence_base: int = 0


@dataclass(frozen=True)
class Reading:
    """What the numbers say: `key` names the sentence, the rest fills it."""

    key: str  # "revenue_ratio" | "most_partners"
    best: str
    other: str | None = None
    ratio: Decimal | None = None
    currency: str | None = None
    count: int = 0
    total: int = 0


@dataclass
class OutcomeReport:
    group: str  # "source" | "tier"
    rows: list[GroupRow]
    before: dict[str, GroupRow] | None  # the period before, by key, when comparing
    currencies: list[str]  # every currency won, largest revenue first
    reading: Reading | None

    @property
    def empty(self) -> bool:
        return not any(row.gained or row.retention_base or row.cadence_base for row in self.rows)


def sources_report(session, workspace_id, period, filters, now, before=None) -> OutcomeReport:
    return _report(session, workspace_id, "source", period, before, filters, now)


def tiers_report(session, workspace_id, period, filters, now, before=None) -> OutcomeReport:
    return _report(session, workspace_id, "tier", period, before, filters, now)


# --- reading the buckets -----------------------------------------------------------------------------


def _months(start: date, end: date, last_day: date):
    """Whole calendar months inside [start, end], and the day ranges left over at either end. A month
    that `end` cuts counts as whole when nothing can be after `end` (end >= last_day, the last day
    any bucket can hold): today's month read from one row, not day by day."""
    months, days = [], []
    cursor = start if start.day == 1 else next_month(start)
    while next_month(cursor) - timedelta(days=1) <= end or (cursor <= end and end >= last_day):
        months.append(cursor)
        cursor = next_month(cursor)
    if not months:
        return [], [(start, end)]
    if start < months[0]:
        days.append((start, months[0] - timedelta(days=1)))
    if cursor <= end < last_day:
        days.append((cursor, end))
    return months, days


def _range_sums(
    session: Session, workspace_id: int, group: str, ranges, filters, last_day: date, counts_only=frozenset()
) -> list[dict]:
    """For each (start, end) of `ranges`: (key, currency) -> the measures summed over it, summed by
    the database (one statement: a UNION ALL of grouped sums, one per range's whole months and one
    per range's run of days, each an index range of its own). The ranges whose index is in
    `counts_only` read only the count rows (currency ""), not the money rows."""
    b = OutcomeBucket
    column = getattr(b, group)
    parts = []
    for index, (start, end) in enumerate(ranges):
        if start > end:
            continue
        months, days = _months(start, end, last_day)
        wanted = [and_(b.grain == "m", b.day.in_(months))] if months else []
        wanted += [and_(b.grain == "d", b.day.between(a, c)) for a, c in days]
        parts += [
            select(
                literal(index).label("range_index"),
                column.label("key"),
                b.currency,
                *(func.sum(getattr(b, n)).label(n) for n in MEASURES),
            )
            .where(
                b.workspace_id == workspace_id,
                rows,
                *filter_conditions(b, filters),
                *([b.currency == ""] if index in counts_only else []),
            )
            .group_by(column, b.currency)
            for rows in wanted
        ]
    sums: list[dict] = [{} for _ in ranges]
    if parts:
        for row in session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            into = sums[row.range_index].setdefault((row.key, row.currency), dict.fromkeys(MEASURES, 0))
            for n in MEASURES:
                into[n] += getattr(row, n) or 0
    return sums


def _share(part, whole) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def _average(total, count) -> Decimal | None:
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01")) if count else None


def _rows(group: str, now_sums: dict, year_before: dict) -> list[GroupRow]:
    rows = []
    for key in GROUPS[group]:
        counts = now_sums.get((key, ""), dict.fromkeys(MEASURES, 0))
        gained = int(counts["gained"])
        row = GroupRow(key, gained)
        row.active_share = _share(counts["active"], gained)
        row.days_to_won = _average(counts["days_to_won"], counts["won_partners"])
        row.to_us = _average(counts["to_us"], counts["assessed"])
        row.to_partner = _average(counts["to_partner"], counts["assessed"])
        row.win_win_share = _share(counts["win_win"], counts["assessed"])
        row.referrals = int(counts["referrals"])
        row.multiplier = _average(counts["referrals"], gained)
        cohort = year_before.get((key, ""), {})
        row.retention_base = int(cohort.get("gained", 0))
        row.retained_share = _share(cohort.get("retained", 0), row.retention_base)
        money = [
            Money(currency, as_money(sums["won_amount"]), _money_per(sums["won_amount"], gained))
            for (k, currency), sums in now_sums.items()
            if k == key and currency and sums["won_deals"]
        ]
        row.money = sorted(money, key=lambda m: (-m.won, m.currency))
        rows.append(row)
    return rows


def _money_per(amount, partners) -> Decimal | None:
    return (Decimal(amount) / partners).quantize(Decimal("0.01")) if partners else None


def _cadence(session: Session, workspace_id: int, filters, now: datetime) -> dict[str, tuple[int, int]]:
    """tier -> (partners the neglect rules apply to, those not neglected now), from the book buckets."""
    counts = book_counts(session, workspace_id, now, "tier", filters)
    return {tier: (c.partners, c.not_neglected) for tier, c in counts.items()}


def _report(session, workspace_id, group, period: Period, before: Period | None, filters, now) -> OutcomeReport:
    periods = [period] + ([before] if before else [])
    ranges = []
    for p in periods:  # the period, and the partners gained the same span a year earlier (retention)
        ranges += [(p.start, p.end), (months_back(p.start, 12), months_back(p.end, 12))]
    # a cohort a year earlier gives its retention: its counts, never its money
    cohorts = frozenset(range(1, len(ranges), 2))
    sums = _range_sums(session, workspace_id, group, ranges, filters, last_day=now.date(), counts_only=cohorts)
    built = [_rows(group, sums[2 * i], sums[2 * i + 1]) for i in range(len(periods))]
    current = built[0]
    if group == "tier":
        kept = _cadence(session, workspace_id, filters, now)
        for row in current:
            base, not_neglected = kept.get(row.key, (0, 0))
            row.cadence_base, row.cadence_kept = base, _share(not_neglected, base)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in current:
        for money in row.money:
            totals[money.currency] += money.won
    currencies = sorted(totals, key=lambda c: (-totals[c], c))
    previous = {row.key: row for row in built[1]} if before else None
    return OutcomeReport(group, current, previous, currencies, reading(current, currencies))


def reading(rows: list[GroupRow], currencies: list[str]) -> Reading | None:
    """The revenue per partner of the best group against the lowest that earned (main currency);
    with fewer than two groups earning, the group that brought the most partners."""
    if currencies:
        currency = currencies[0]
        earning = [
            (money.per_partner, row.key)
            for row in rows
            for money in row.money
            if money.currency == currency and money.per_partner
        ]
        if len(earning) >= 2:
            (top, best), (low, other) = max(earning), min(earning)
            return Reading("revenue_ratio", best, other, (top / low).quantize(Decimal("0.1")), currency)
    total = sum(row.gained for row in rows)
    if total:
        top = max(rows, key=lambda row: row.gained)
        return Reading("most_partners", top.key, count=top.gained, total=total)
    return None
