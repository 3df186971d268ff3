"""Referral economics: does value decay down a branch, what referrers cost against what their
referrals bring, which branches grow and which referrers are dead ends.

Read from the summaries (app/summaries/referral_revenue.py, referral_stats): a fixed number of
queries, each reading a bounded number of rows (generations × currencies × months, or the top N by an
index), whatever the book's size. Numbers and keys only; the route words them.

* revenue per generation: won deals by month won inside the period (a month counts when it overlaps
  the period), per currency, with the generation's partners now (generation 0: nobody referred them),
  generations from the tenth down in one row;
* referrers: the top N per currency by the revenue their referrals brought (their branch below them,
  all time), with their own revenue and the commission paid and owed to them in that currency;
* growing branches: the roots whose branches gained the most referrals (by referral date) in the
  period, with the count of the period before;
* dead ends: referrers whose referrals referred nobody and who gained no referral in 12 months, the
  ones with the most referrals first (these two: app/services/reports/referral_branches.py).

The statements are built once per process, their values bound parameters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    bindparam,
    case,
    func,
    literal,
    literal_column,
    null,
    select,
)
from sqlalchemy.orm import Session

from app.models import Commission, Partner
from app.models.referral import Referral
from app.models.referral_revenue import BranchRevenue, ReferralGenerationSize, ReferralRevenueMonth
from app.services.money import ZERO, as_money
from app.services.referral_tree.reports import top_by
from app.services.reports.period import Period
from app.services.reports.referral_branches import DeadEnd, Growing, growing_and_dead

TOP = 10
DEEPEST = 10  # generations from the tenth down are one row: a long chain does not lengthen the report


@dataclass
class Generation:
    generation: int
    partners: int
    deeper: bool = False  # the row of generation DEEPEST holds the generations below it too
    revenue: dict[str, Decimal] = field(default_factory=dict)  # currency -> won in the period
    deals: dict[str, int] = field(default_factory=dict)

    def per_partner(self, currency: str) -> Decimal | None:
        if not self.partners:
            return None
        return (self.revenue.get(currency, ZERO) / self.partners).quantize(Decimal("0.01"))


@dataclass
class Referrer:
    partner_id: int
    name: str
    currency: str
    brought: Decimal  # won revenue of the partners below it (all time)
    own: Decimal
    paid: Decimal
    owed: Decimal
    direct: int
    branch_size: int  # itself included


@dataclass
class Reading:
    key: str  # "none" | "no_revenue" | "only_first" | "only_referred" | "compared"
    numbers: dict = field(default_factory=dict)


@dataclass
class Economics:
    has_referrals: bool
    currencies: list[str]  # of the period's won revenue, biggest first
    generations: list[Generation]
    referrers: list[Referrer]
    growing: list[Growing]
    dead_ends: list[DeadEnd]
    reading: Reading
    before: dict[int, Generation] | None = None  # generation -> the period before's revenue, when comparing


def _month(day: date) -> date:
    return day.replace(day=1)


@cache
def _generations_statement(compared: bool):
    """The statement of `_generations`, built once per shape (its values are bound parameters)."""
    month = ReferralRevenueMonth

    def shown(column):  # the constant written into the statement, so GROUP BY matches the select list
        deepest = literal_column(str(DEEPEST))
        return case((column >= deepest, deepest), else_=column)

    def won(kind: str):
        return (
            select(
                literal(kind).label("kind"),
                shown(month.generation).label("generation"),
                month.currency,
                func.sum(month.deal_count).label("count"),
                func.sum(month.amount).label("amount"),
                literal(0).label("deepest"),
            )
            .where(
                month.workspace_id == bindparam("ws"),
                month.month.between(bindparam(f"{kind}_start"), bindparam(f"{kind}_end")),
            )
            .group_by(shown(month.generation), month.currency)
        )

    size = ReferralGenerationSize
    sizes = (
        select(
            literal("size"),
            shown(size.generation),
            null(),
            func.sum(size.partner_count),
            literal(0),
            func.max(size.generation),
        )
        .where(size.workspace_id == bindparam("ws"))
        .group_by(shown(size.generation))
    )
    ever = (
        select(literal("ever"), literal(0), month.currency, func.sum(month.deal_count), literal(0), literal(0))
        .where(month.workspace_id == bindparam("ws"))
        .group_by(month.currency)
    )
    return won("won").union_all(sizes, ever, *([won("before")] if compared else []))


def _generations(session: Session, workspace_id: int, period: Period, before: Period | None):
    """Partners per generation and the won revenue per generation of the period (and of the period
    before, when comparing): one statement; generations from DEEPEST down summed in one row."""
    values = {"ws": workspace_id, "won_start": _month(period.start), "won_end": period.end}
    if before:
        values |= {"before_start": _month(before.start), "before_end": before.end}
    rows = session.execute(_generations_statement(before is not None), values).all()
    generations: dict[int, Generation] = {}
    earlier: dict[int, Generation] = {}
    totals, ever_won = defaultdict(lambda: ZERO), set()
    for kind, generation, currency, count, amount, deepest in rows:
        if kind == "ever":
            if count:
                ever_won.add(currency)
            continue
        if kind == "before":
            if not count:
                continue
            row = earlier.setdefault(generation, Generation(generation, 0))
            row.revenue[currency], row.deals[currency] = as_money(amount), int(count or 0)
            continue
        row = generations.setdefault(generation, Generation(generation, 0))
        if kind == "size":
            row.partners += int(count or 0)
            row.deeper = (deepest or 0) > DEEPEST
        elif count:
            row.revenue[currency] = as_money(amount)
            row.deals[currency] = int(count)
            totals[currency] += as_money(amount)
    listed = sorted((g for g in generations.values() if g.partners or g.deals), key=lambda g: g.generation)
    currencies = sorted(totals, key=lambda c: (-totals[c], c))
    for generation, row in earlier.items():  # per partner: the generation's partners now
        row.partners = generations[generation].partners if generation in generations else 0
    return listed, currencies, currencies + sorted(ever_won - set(currencies)), earlier


def _reading(generations: list[Generation], currencies: list[str], has_referrals: bool) -> Reading:
    if not has_referrals:
        return Reading("none")
    if not currencies:
        return Reading("no_revenue")
    currency = currencies[0]
    by_generation = {g.generation: g for g in generations}
    first, second = by_generation.get(0), by_generation.get(1)
    first_each = first.per_partner(currency) if first else None
    second_each = second.per_partner(currency) if second else None
    if not first_each:  # only referred partners won in this currency
        return Reading("only_referred", {"currency": currency})
    if not second_each:
        return Reading("only_first", {"currency": currency})
    return Reading("compared", {"currency": currency, "share": (second_each / first_each).quantize(Decimal("0.01"))})


@cache
def _referrer_statements():
    """The referrers' names, sizes and own revenue, and the commission paid and owed to them, for the
    ids bound as `ids`: built once."""
    people = (
        select(
            Partner.id,
            Partner.name,
            Referral.direct_count,
            Referral.subtree_size,
            BranchRevenue.currency,
            BranchRevenue.own_amount,
        )
        .join(Referral, Referral.partner_id == Partner.id)
        .join(BranchRevenue, BranchRevenue.partner_id == Partner.id)
        .where(Partner.workspace_id == bindparam("ws"), Partner.id.in_(bindparam("ids", expanding=True)))
    )
    money = (
        select(Commission.referrer_id, Commission.currency, Commission.status, func.sum(Commission.amount))
        .where(Commission.workspace_id == bindparam("ws"), Commission.referrer_id.in_(bindparam("ids", expanding=True)))
        .group_by(Commission.referrer_id, Commission.currency, Commission.status)
    )
    return people, money


def _referrers(session: Session, workspace_id: int, currencies: list[str], top: int) -> list[Referrer]:
    """The top referrers per currency by the revenue their referrals brought; names, sizes and
    commission in two more statements."""
    ranked = top_by(session, workspace_id, "referred_amount", False, top, currencies)
    ids = sorted({pid for pid, _c, _a in ranked}) or [-1]
    people_stmt, money_stmt = _referrer_statements()
    people, own = {}, {}
    for row in session.execute(people_stmt, {"ws": workspace_id, "ids": ids}).all():
        people[row.id] = row
        own[(row.id, row.currency)] = as_money(row.own_amount)
    money = defaultdict(lambda: ZERO)
    for referrer_id, currency, status, amount in session.execute(money_stmt, {"ws": workspace_id, "ids": ids}).all():
        money[(referrer_id, currency, status)] = as_money(amount)
    result = []
    for pid, currency, amount in ranked:
        person = people.get(pid)
        if person is None:
            continue
        result.append(
            Referrer(
                pid,
                person.name,
                currency,
                as_money(amount),
                own.get((pid, currency), ZERO),
                money[(pid, currency, "paid")],
                money[(pid, currency, "owed")],
                person.direct_count,
                person.subtree_size,
            )
        )
    order = {c: i for i, c in enumerate(currencies)}
    result.sort(key=lambda r: (order.get(r.currency, len(order)), -r.brought, r.name.lower(), r.partner_id))
    return result


def economics(
    session: Session, workspace_id: int, period: Period, today: date, before: Period | None = None, top: int = TOP
) -> Economics:
    """Every number of the Referral economics report, in six statements (`before`: the period to
    compare the revenue per generation with)."""
    generations, currencies, ever, earlier = _generations(session, workspace_id, period, before)
    has_referrals = any(g.generation > 0 and g.partners for g in generations)
    referrers = _referrers(session, workspace_id, ever, top)
    growing, dead_ends = growing_and_dead(session, workspace_id, period, today, top)
    return Economics(
        has_referrals=has_referrals,
        currencies=currencies,
        generations=generations,
        referrers=referrers,
        growing=growing,
        dead_ends=dead_ends,
        reading=_reading(generations, currencies, has_referrals),
        before=earlier if before else None,
    )
