"""OwnerMonth and OwnerMoney: each account manager's book per month, for the account managers report.

Everything is counted for the partner's current owner (0 for none), so a partner handed to someone
else takes its history along. Per owner and month:

* touches: the touches (not notes, not deleted) with their partners in the month;
* episodes: waiting-on-us episodes started in the month. An episode starts with a touch from the
  partner when the touch before it was ours (or it is their first), and ends with our next touch:
  answered, after the time between the two; an episode with no touch of ours after it is still open;
* answered, and answer_0…answer_7: how many were answered, and how many within each bucket of
  ANSWER_BUCKET_HOURS (so a median is a walk over eight numbers, not a scan);

and per owner, month won and currency: the won deals of their partners, the amount, and how many
are assessed and win-win (app.services.deals.assessment.quadrant).

A partner's rows are derived from its touches and deals (`contributions`); every flush that changes
a partner, touch or deal adds the touched partners' differences (`PartnerDeltas`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from app.models import Deal, Interaction, OwnerMoney, OwnerMonth, Partner
from app.models.report_weeks import ANSWER_BUCKET_HOURS, ANSWER_COLUMNS
from app.services.deals.assessment import quadrant
from app.summaries.deal_totals import month_of
from app.summaries.partner_deltas import PartnerDeltas
from app.summaries.registry import Summary
from app.summaries.sql import not_by_index, upsert

MONTHS, MONEY = OwnerMonth.__table__, OwnerMoney.__table__
MONTH_KEY = ["workspace_id", "owner_id", "month"]
MONEY_KEY = ["workspace_id", "owner_id", "month", "currency"]
MONTH_COUNTS = ("touches", "episodes", "answered", *ANSWER_COLUMNS)
MONEY_COUNTS = ("won_deals", "amount", "assessed", "winwin")
CENT = Decimal("0.01")


def answer_bucket(seconds: float) -> str:
    hours = seconds / 3600
    for index, bound in enumerate(ANSWER_BUCKET_HOURS):
        if hours < bound:
            return ANSWER_COLUMNS[index]
    return ANSWER_COLUMNS[-1]


def _touch_contributions(counts: Counter, owner_of: dict, touches) -> None:
    waiting: dict[int, object] = {}  # partner id -> start of its open episode
    for partner_id, occurred_at, direction in touches:
        owner = owner_of.get(partner_id)
        if owner is None:
            continue
        counts[("month", owner, occurred_at.date().replace(day=1), "touches")] += 1
        start = waiting.get(partner_id)
        if direction == "theirs" and start is None:
            waiting[partner_id] = occurred_at
            counts[("month", owner, occurred_at.date().replace(day=1), "episodes")] += 1
        elif direction == "ours" and start is not None:
            month = start.date().replace(day=1)
            counts[("month", owner, month, "answered")] += 1
            counts[("month", owner, month, answer_bucket((occurred_at - start).total_seconds()))] += 1
            del waiting[partner_id]


def contributions(connection, workspace_id: int, partner_ids) -> Counter:
    """{(kind, owner, month, [currency,] column): amount} of these partners (None: all of the workspace)."""
    if partner_ids is None:
        partners = Partner.workspace_id == workspace_id
        touches = and_(Interaction.workspace_id == workspace_id, Interaction.deleted_at.is_(None))
        deals = and_(Deal.workspace_id == workspace_id, Deal.stage == "won")
    else:  # read by the partners' indexes, not by walking the workspace's (sql.not_by_index)
        partners = and_(not_by_index(Partner.workspace_id) == workspace_id, Partner.id.in_(partner_ids))
        touches = and_(
            not_by_index(Interaction.workspace_id) == workspace_id,
            Interaction.deleted_at.is_(None),
            Interaction.partner_id.in_(partner_ids),
        )
        deals = and_(
            not_by_index(Deal.workspace_id) == workspace_id,
            not_by_index(Deal.stage) == "won",
            Deal.partner_id.in_(partner_ids),
        )
    owner_of = {
        pid: owner or 0 for pid, owner in connection.execute(select(Partner.id, Partner.owner_id).where(partners))
    }
    counts: Counter = Counter()
    rows = connection.execute(
        select(Interaction.partner_id, Interaction.occurred_at, Interaction.direction)
        .where(touches, Interaction.kind != "note")
        .order_by(Interaction.partner_id, Interaction.occurred_at, Interaction.id)
        .execution_options(yield_per=20_000)
    )
    _touch_contributions(counts, owner_of, rows)
    won = connection.execute(
        select(
            Deal.partner_id, Deal.closed_on, Deal.currency, Deal.amount, Deal.value_to_us, Deal.value_to_partner
        ).where(deals)
    )
    for partner_id, closed_on, currency, amount, to_us, to_partner in won:
        owner, month = owner_of.get(partner_id), month_of(closed_on)
        if owner is None or month is None:
            continue
        q = quadrant(to_us, to_partner)
        key = ("money", owner, month, currency)
        counts[(*key, "won_deals")] += 1
        counts[(*key, "amount")] += Decimal(amount or 0)
        counts[(*key, "assessed")] += q is not None
        counts[(*key, "winwin")] += q == "win-win"
    return counts


def _grouped(counts: Counter) -> tuple[dict, dict]:
    months: dict = defaultdict(dict)
    money: dict = defaultdict(dict)
    for key, n in counts.items():
        kind, *rest, column = key
        (months if kind == "month" else money)[tuple(rest)][column] = n
    return months, money


def _write(connection, workspace_id: int, counts: Counter) -> int:
    months, money = _grouped(counts)
    month_rows = [
        {"workspace_id": workspace_id, "owner_id": o, "month": m, **{c: v.get(c, 0) for c in MONTH_COUNTS}}
        for (o, m), v in sorted(months.items())
    ]
    money_rows = [
        {
            "workspace_id": workspace_id,
            "owner_id": o,
            "month": m,
            "currency": cur,
            **{c: v.get(c, 0) for c in MONEY_COUNTS},
        }
        for (o, m, cur), v in sorted(money.items())
    ]
    if month_rows:
        upsert(connection, MONTHS, month_rows, MONTH_KEY, add=list(MONTH_COUNTS))
    if money_rows:
        upsert(connection, MONEY, money_rows, MONEY_KEY, add=list(MONEY_COUNTS))
    return len(month_rows) + len(money_rows)


DELTAS = PartnerDeltas("orchard_owner_months", (Partner, Interaction, Deal), contributions, _write)


def rebuild(session: Session, workspace_id: int) -> int:
    connection = session.connection()
    connection.execute(delete(MONTHS).where(MONTHS.c.workspace_id == workspace_id))
    connection.execute(delete(MONEY).where(MONEY.c.workspace_id == workspace_id))
    return _write(connection, workspace_id, contributions(connection, workspace_id, None))


def _normalised(months: dict, money: dict) -> dict:
    result = {}
    for (owner, month), values in months.items():
        row = tuple(int(values.get(c, 0)) for c in MONTH_COUNTS)
        if any(row):
            result[("month", owner, month)] = row
    for (owner, month, currency), values in money.items():
        row = tuple(
            Decimal(values.get(c, 0)).quantize(CENT) if c == "amount" else int(values.get(c, 0)) for c in MONEY_COUNTS
        )
        if any(row):
            result[("money", owner, month, currency)] = row
    return result


def stored(session: Session, workspace_id: int) -> dict:
    months, money = {}, {}
    for row in session.execute(
        select(MONTHS.c.owner_id, MONTHS.c.month, *(func.sum(MONTHS.c[c]).label(c) for c in MONTH_COUNTS))
        .where(MONTHS.c.workspace_id == workspace_id)
        .group_by(MONTHS.c.owner_id, MONTHS.c.month)
    ):
        months[(row.owner_id, row.month)] = {c: row._mapping[c] for c in MONTH_COUNTS}
    for row in session.execute(
        select(
            MONEY.c.owner_id, MONEY.c.month, MONEY.c.currency, *(func.sum(MONEY.c[c]).label(c) for c in MONEY_COUNTS)
        )
        .where(MONEY.c.workspace_id == workspace_id)
        .group_by(MONEY.c.owner_id, MONEY.c.month, MONEY.c.currency)
    ):
        money[(row.owner_id, row.month, row.currency)] = {c: row._mapping[c] for c in MONEY_COUNTS}
    return _normalised(months, money)


def expected(session: Session, workspace_id: int) -> dict:
    return _normalised(*_grouped(contributions(session.connection(), workspace_id, None)))


SUMMARY = Summary(
    name="owner_months",
    description="touches, waiting-on-us episodes, answer times and won deals per owner and month (account managers)",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=DELTAS.before_flush,
    after_flush=DELTAS.after_flush,
)
