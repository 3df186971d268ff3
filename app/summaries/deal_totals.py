"""Running totals of deals (DealTotal): count and amount per owner, stage, currency and month closed
(NULL while open), read by the pipeline and the deals list.

Kept in every flush: the deals added, changed (attribute history gives the values they had) and
deleted, and the deals a deleted partner takes with it (a database cascade), move their keys by
relative updates. Readers SUM over matching rows: two rows with one key (concurrent first inserts)
still add up right.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from app.models import Deal, DealTotal, Partner
from app.services.money import ZERO, as_money
from app.summaries.registry import Summary

# What a deal's totals key and amount are made of
FIELDS = ("workspace_id", "owner_id", "stage", "currency", "closed_on", "amount")


def month_of(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def _key(values: dict) -> tuple:
    return (
        values["workspace_id"],
        values["owner_id"],
        values["stage"],
        values["currency"],
        month_of(values["closed_on"]),
    )


def _stored_values(session: Session, deals: list[Deal]) -> dict[Deal, dict]:
    """The values the deals have in the database (what the totals hold): from attribute history,
    or read back for those whose previous value was never loaded."""
    result, unknown = {}, []
    for deal in deals:
        state, values = inspect(deal), {}
        for name in FIELDS:
            history = state.attrs[name].history
            if history.deleted:
                values[name] = history.deleted[0]
            elif history.added:  # set without the old value loaded
                unknown.append(deal)
                break
            else:
                values[name] = getattr(deal, name)
        else:
            result[deal] = values
    if unknown:
        by_id = {d.id: d for d in unknown}
        columns = [getattr(Deal, name) for name in FIELDS]
        for row in session.execute(select(Deal.id, *columns).where(Deal.id.in_(list(by_id)))):
            result[by_id[row.id]] = dict(zip(FIELDS, row[1:], strict=True))
    return result


def _current_values(deal: Deal, *, new: bool = False) -> dict:
    """The values the deal will have once flushed (a new deal gets its columns' defaults)."""
    values = {name: getattr(deal, name) for name in FIELDS}
    if new:
        for name, value in values.items():
            default = Deal.__table__.c[name].default
            if value is None and default is not None and default.is_scalar:
                values[name] = default.arg
    return values


def _bump(session: Session, key: tuple, count: int, amount: Decimal) -> None:
    workspace_id, owner_id, stage, currency, month = key
    where = and_(
        DealTotal.workspace_id == workspace_id,
        DealTotal.owner_id.is_not_distinct_from(owner_id),
        DealTotal.stage == stage,
        DealTotal.currency == currency,
        DealTotal.month.is_not_distinct_from(month),
    )
    target = session.scalar(select(DealTotal.id).where(where).order_by(DealTotal.id).limit(1))
    if target is None:
        session.execute(
            insert(DealTotal).values(
                workspace_id=workspace_id,
                owner_id=owner_id,
                stage=stage,
                currency=currency,
                month=month,
                deal_count=count,
                amount=amount,
            )
        )
    else:  # an atomic increment: concurrent changes add up
        session.execute(
            update(DealTotal)
            .where(DealTotal.id == target)
            .values(deal_count=DealTotal.deal_count + count, amount=DealTotal.amount + amount)
            .execution_options(synchronize_session=False)
        )


def before_flush(session: Session) -> None:
    """Deals added, changed or deleted (also with their partner) move the running totals."""
    deltas: dict[tuple, list] = defaultdict(lambda: [0, ZERO])

    def add(values: dict, sign: int) -> None:
        bucket = deltas[_key(values)]
        bucket[0] += sign
        bucket[1] += Decimal(values["amount"]) * sign

    deleted = [o for o in session.deleted if isinstance(o, Deal)]
    for values in _stored_values(session, deleted).values():
        add(values, -1)
    gone = {d.id for d in deleted}
    partner_ids = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    if partner_ids:  # their deals go with them, as they are in the database
        columns = [getattr(Deal, name) for name in FIELDS]
        for row in session.execute(select(Deal.id, *columns).where(Deal.partner_id.in_(partner_ids))):
            if row.id not in gone:
                gone.add(row.id)
                add(dict(zip(FIELDS, row[1:], strict=True)), -1)
    for obj in session.new:
        if isinstance(obj, Deal) and obj.partner_id not in partner_ids:
            add(_current_values(obj, new=True), +1)
    changed = [o for o in session.dirty if isinstance(o, Deal) and o.id not in gone and session.is_modified(o)]
    for deal, old in _stored_values(session, changed).items():
        new = _current_values(deal)
        if _key(old) != _key(new) or Decimal(old["amount"]) != Decimal(new["amount"]):
            add(old, -1)
            add(new, +1)
    for key, (count, amount) in deltas.items():
        if count or amount:
            _bump(session, key, count, amount)


def stored(session: Session, workspace_id: int) -> dict:
    """(owner, stage, currency, month) -> (count, amount), summed over the total rows."""
    rows = session.execute(
        select(
            DealTotal.owner_id,
            DealTotal.stage,
            DealTotal.currency,
            DealTotal.month,
            func.sum(DealTotal.deal_count),
            func.sum(DealTotal.amount),
        )
        .where(DealTotal.workspace_id == workspace_id)
        .group_by(DealTotal.owner_id, DealTotal.stage, DealTotal.currency, DealTotal.month)
    )
    result = {}
    for owner_id, stage, currency, month, count, amount in rows:
        if count or as_money(amount):
            result[(owner_id, stage, currency, month)] = (int(count), as_money(amount))
    return result


def expected(session: Session, workspace_id: int) -> dict:
    """(owner, stage, currency, month) -> (count, amount), from the deals."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    rows = session.execute(
        select(Deal.owner_id, Deal.stage, Deal.currency, Deal.closed_on, func.count(Deal.id), func.sum(Deal.amount))
        .where(Deal.workspace_id == workspace_id)
        .group_by(Deal.owner_id, Deal.stage, Deal.currency, Deal.closed_on)
    )
    for owner_id, stage, currency, closed_on, count, amount in rows:
        bucket = sums[(owner_id, stage, currency, month_of(closed_on))]
        bucket[0] += count
        bucket[1] += as_money(amount)
    return {key: (count, as_money(amount)) for key, (count, amount) in sums.items()}


def rebuild(session: Session, workspace_id: int) -> int:
    """Derive a workspace's running totals from its deals again. Returns the number of rows written."""
    values = [
        {
            "workspace_id": workspace_id,
            "owner_id": owner_id,
            "stage": stage,
            "currency": currency,
            "month": month,
            "deal_count": count,
            "amount": amount,
        }
        for (owner_id, stage, currency, month), (count, amount) in expected(session, workspace_id).items()
    ]
    session.execute(delete(DealTotal).where(DealTotal.workspace_id == workspace_id))
    if values:
        session.execute(insert(DealTotal.__table__), values)
    return len(values)


SUMMARY = Summary(
    name="deal_totals",
    description="Running totals of deals per owner, stage, currency and month closed (pipeline, deals list).",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
)
