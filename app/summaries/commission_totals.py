"""Running totals of the commission ledger (CommissionTotal): count and amount per currency, status
and month earned, read by the Ledger page.

Kept in every flush: the entries the ORM adds, changes (attribute history gives the values they had)
or removes, and those a deleted deal or partner takes with it (a partner as referrer, or through its
deals: database cascades), move their keys by relative updates. Readers SUM over matching rows.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.models import Commission, CommissionTotal, Deal, Partner
from app.services.money import ZERO, as_money
from app.summaries.registry import Summary

# What an entry's totals key and amount are made of
FIELDS = ("workspace_id", "currency", "status", "earned_on", "amount")


def _key(values: dict) -> tuple:
    return (values["workspace_id"], values["currency"], values["status"], values["earned_on"].replace(day=1))


def _stored_values(session: Session, entries: list[Commission]) -> dict[Commission, dict]:
    """The values the entries have in the database (what the totals hold): from attribute history,
    or read back for those whose previous value was never loaded."""
    result, unknown = {}, []
    for entry in entries:
        state, values = inspect(entry), {}
        for name in FIELDS:
            history = state.attrs[name].history
            if history.deleted:
                values[name] = history.deleted[0]
            elif history.added:  # set without the old value loaded
                unknown.append(entry)
                break
            else:
                values[name] = getattr(entry, name)
        else:
            result[entry] = values
    if unknown:
        by_id = {e.id: e for e in unknown}
        columns = [getattr(Commission, name) for name in FIELDS]
        for row in session.execute(select(Commission.id, *columns).where(Commission.id.in_(list(by_id)))):
            result[by_id[row.id]] = dict(zip(FIELDS, row[1:], strict=True))
    return result


def _current_values(entry: Commission, *, new: bool = False) -> dict:
    """The values the entry will have once flushed (a new entry gets its columns' defaults)."""
    values = {name: getattr(entry, name) for name in FIELDS}
    if new:
        for name, value in values.items():
            default = Commission.__table__.c[name].default
            if value is None and default is not None and default.is_scalar:
                values[name] = default.arg
    return values


def _bump(session: Session, key: tuple, count: int, amount: Decimal) -> None:
    workspace_id, currency, status, month = key
    where = and_(
        CommissionTotal.workspace_id == workspace_id,
        CommissionTotal.currency == currency,
        CommissionTotal.status == status,
        CommissionTotal.month == month,
    )
    target = session.scalar(select(CommissionTotal.id).where(where).order_by(CommissionTotal.id).limit(1))
    if target is None:
        session.execute(
            insert(CommissionTotal).values(
                workspace_id=workspace_id,
                currency=currency,
                status=status,
                month=month,
                entry_count=count,
                amount=amount,
            )
        )
    else:  # an atomic increment: concurrent changes add up
        session.execute(
            update(CommissionTotal)
            .where(CommissionTotal.id == target)
            .values(entry_count=CommissionTotal.entry_count + count, amount=CommissionTotal.amount + amount)
            .execution_options(synchronize_session=False)
        )


def before_flush(session: Session) -> None:
    """Entries added, changed or removed move the running totals; so do the entries a deleted deal
    or partner takes with it (a partner as referrer, or through its deals)."""
    deltas: dict[tuple, list] = defaultdict(lambda: [0, ZERO])

    def add(values: dict, sign: int) -> None:
        bucket = deltas[_key(values)]
        bucket[0] += sign
        bucket[1] += Decimal(values["amount"]) * sign

    deleted = [o for o in session.deleted if isinstance(o, Commission)]
    for values in _stored_values(session, deleted).values():
        add(values, -1)
    gone = {e.id for e in deleted}
    partner_ids = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    deal_ids = [o.id for o in session.deleted if isinstance(o, Deal) and o.id is not None]
    if partner_ids or deal_ids:  # their entries go with them, as they are in the database
        columns = [getattr(Commission, name) for name in FIELDS]
        cascaded = session.execute(
            select(Commission.id, *columns)
            .outerjoin(Deal, Deal.id == Commission.deal_id)
            .where(
                or_(
                    Commission.referrer_id.in_(partner_ids),
                    Deal.partner_id.in_(partner_ids),
                    Commission.deal_id.in_(deal_ids),
                )
            )
        )
        for row in cascaded:
            if row.id not in gone:
                gone.add(row.id)
                add(dict(zip(FIELDS, row[1:], strict=True)), -1)
    for obj in session.new:
        if isinstance(obj, Commission):
            add(_current_values(obj, new=True), +1)
    changed = [o for o in session.dirty if isinstance(o, Commission) and o.id not in gone and session.is_modified(o)]
    for entry, old in _stored_values(session, changed).items():
        new = _current_values(entry)
        if old != new:
            add(old, -1)
            add(new, +1)
    for key, (count, amount) in deltas.items():
        if count or amount:
            _bump(session, key, count, amount)


def stored(session: Session, workspace_id: int) -> dict:
    """(currency, status, month) -> (count, amount), summed over the total rows."""
    rows = session.execute(
        select(
            CommissionTotal.currency,
            CommissionTotal.status,
            CommissionTotal.month,
            func.sum(CommissionTotal.entry_count),
            func.sum(CommissionTotal.amount),
        )
        .where(CommissionTotal.workspace_id == workspace_id)
        .group_by(CommissionTotal.currency, CommissionTotal.status, CommissionTotal.month)
    )
    result = {}
    for currency, status, month, count, amount in rows:
        if count or as_money(amount):
            result[(currency, status, month)] = (int(count), as_money(amount))
    return result


def expected(session: Session, workspace_id: int) -> dict:
    """(currency, status, month) -> (count, amount), from the entries."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    rows = session.execute(
        select(
            Commission.currency,
            Commission.status,
            Commission.earned_on,
            func.count(Commission.id),
            func.sum(Commission.amount),
        )
        .where(Commission.workspace_id == workspace_id)
        .group_by(Commission.currency, Commission.status, Commission.earned_on)
    )
    for currency, status, earned_on, count, amount in rows:
        bucket = sums[(currency, status, earned_on.replace(day=1))]
        bucket[0] += count
        bucket[1] += as_money(amount)
    return {key: (count, as_money(amount)) for key, (count, amount) in sums.items()}


def rebuild(session: Session, workspace_id: int) -> int:
    """Derive a workspace's ledger totals from its entries again. Returns the number of rows written."""
    values = [
        {
            "workspace_id": workspace_id,
            "currency": currency,
            "status": status,
            "month": month,
            "entry_count": count,
            "amount": amount,
        }
        for (currency, status, month), (count, amount) in expected(session, workspace_id).items()
    ]
    session.execute(delete(CommissionTotal).where(CommissionTotal.workspace_id == workspace_id))
    if values:
        session.execute(insert(CommissionTotal.__table__), values)
    return len(values)


SUMMARY = Summary(
    name="commission_totals",
    description="Running totals of the commission ledger per currency, status and month earned (Ledger page).",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
)
