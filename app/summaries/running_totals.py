"""The mechanics shared by the running totals (deal totals, ledger totals): count and amount of the
source rows per key, kept by relative updates in every flush.

A `RunningTotals` names the source model, the total model, the key (columns of the total table,
besides the workspace) and how a source row's values make its key. Its `before_flush` moves the key
of every row the flush adds, changes or deletes — and of the rows a deleted partner (or deal) takes
with it by a database cascade, as they are in the database. Old values come from attribute history,
or are read back for rows set without their old value loaded. Readers SUM over matching total rows:
two rows with one key (concurrent first inserts) still add up right.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from app.models import Deal, Partner
from app.services.money import ZERO, as_money


@dataclass(frozen=True)
class RunningTotals:
    source: type  # the model counted (Deal, Commission)
    total: type  # the model of the totals (DealTotal, CommissionTotal)
    fields: tuple[str, ...]  # the source's columns a key and amount are made of (workspace_id, amount included)
    key_columns: tuple[str, ...]  # the total's key columns besides workspace_id
    key_of: Callable[[dict], tuple]  # source values -> key (in key_columns' order)
    count_column: str  # the total's count column
    cascaded: Callable[[list[int], list[int]], object]  # (partner ids, deal ids) deleted -> WHERE of their rows

    # --- the update, in the flush --------------------------------------------------------------

    def _stored_values(self, session: Session, objects: list) -> dict:
        """The values the rows have in the database (what the totals hold)."""
        result, unknown = {}, []
        for obj in objects:
            state, values = inspect(obj), {}
            for name in self.fields:
                history = state.attrs[name].history
                if history.deleted:
                    values[name] = history.deleted[0]
                elif history.added:  # set without the old value loaded
                    unknown.append(obj)
                    break
                else:
                    values[name] = getattr(obj, name)
            else:
                result[obj] = values
        if unknown:
            by_id = {o.id: o for o in unknown}
            columns = [getattr(self.source, name) for name in self.fields]
            for row in session.execute(select(self.source.id, *columns).where(self.source.id.in_(list(by_id)))):
                result[by_id[row.id]] = dict(zip(self.fields, row[1:], strict=True))
        return result

    def _current_values(self, obj, *, new: bool = False) -> dict:
        """The values the row will have once flushed (a new row gets its columns' defaults)."""
        values = {name: getattr(obj, name) for name in self.fields}
        if new:
            for name, value in values.items():
                default = self.source.__table__.c[name].default
                if value is None and default is not None and default.is_scalar:
                    values[name] = default.arg
        return values

    def _bump(self, session: Session, workspace_id: int, key: tuple, count: int, amount: Decimal) -> None:
        total = self.total
        where = and_(
            total.workspace_id == workspace_id,
            *(getattr(total, c).is_not_distinct_from(v) for c, v in zip(self.key_columns, key, strict=True)),
        )
        target = session.scalar(select(total.id).where(where).order_by(total.id).limit(1))
        if target is None:
            values = dict(zip(self.key_columns, key, strict=True))
            session.execute(
                insert(total).values(workspace_id=workspace_id, **values, **{self.count_column: count}, amount=amount)
            )
        else:  # an atomic increment: concurrent changes add up
            counter = getattr(total, self.count_column)
            session.execute(
                update(total)
                .where(total.id == target)
                .values({self.count_column: counter + count, "amount": total.amount + amount})
                .execution_options(synchronize_session=False)
            )

    def before_flush(self, session: Session) -> None:
        deltas: dict[tuple, list] = defaultdict(lambda: [0, ZERO])

        def add(values: dict, sign: int) -> None:
            bucket = deltas[(values["workspace_id"], self.key_of(values))]
            bucket[0] += sign
            bucket[1] += Decimal(values["amount"]) * sign

        source = self.source
        deleted = [o for o in session.deleted if isinstance(o, source)]
        for values in self._stored_values(session, deleted).values():
            add(values, -1)
        gone = {o.id for o in deleted}
        partner_ids = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
        deal_ids = [o.id for o in session.deleted if isinstance(o, Deal) and o.id is not None]
        where = self.cascaded(partner_ids, deal_ids) if (partner_ids or deal_ids) else None
        if where is not None:  # they go with their partner or deal, as they are in the database
            columns = [getattr(source, name) for name in self.fields]
            for row in session.execute(select(source.id, *columns).where(where)):
                if row.id not in gone:
                    gone.add(row.id)
                    add(dict(zip(self.fields, row[1:], strict=True)), -1)
        for obj in session.new:
            if isinstance(obj, source) and getattr(obj, "partner_id", None) not in partner_ids:
                add(self._current_values(obj, new=True), +1)
        changed = [o for o in session.dirty if isinstance(o, source) and o.id not in gone and session.is_modified(o)]
        for obj, old in self._stored_values(session, changed).items():
            new = self._current_values(obj)
            if self.key_of(old) != self.key_of(new) or Decimal(old["amount"]) != Decimal(new["amount"]):
                add(old, -1)
                add(new, +1)
        for (workspace_id, key), (count, amount) in deltas.items():
            if count or amount:
                self._bump(session, workspace_id, key, count, amount)

    # --- rebuild and check -------------------------------------------------------------------------

    def stored(self, session: Session, workspace_id: int) -> dict:
        """key -> (count, amount), summed over the total rows; rows that came to zero left out."""
        total = self.total
        keys = [getattr(total, c) for c in self.key_columns]
        rows = session.execute(
            select(*keys, func.sum(getattr(total, self.count_column)), func.sum(total.amount))
            .where(total.workspace_id == workspace_id)
            .group_by(*keys)
        )
        result = {}
        for *key, count, amount in rows:
            if count or as_money(amount):
                result[tuple(key)] = (int(count), as_money(amount))
        return result

    def expected(self, session: Session, workspace_id: int) -> dict:
        """key -> (count, amount), from the source rows."""
        source = self.source
        columns = [getattr(source, name) for name in self.fields if name not in ("workspace_id", "amount")]
        sums: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
        rows = session.execute(
            select(*columns, func.count(source.id), func.sum(source.amount))
            .where(source.workspace_id == workspace_id)
            .group_by(*columns)
        )
        for *values, count, amount in rows:
            named = dict(zip([c.key for c in columns], values, strict=True))
            bucket = sums[self.key_of(named)]
            bucket[0] += count
            bucket[1] += as_money(amount)
        return {key: (count, as_money(amount)) for key, (count, amount) in sums.items()}

    def rebuild(self, session: Session, workspace_id: int) -> int:
        """Derive a workspace's totals from its source rows again; the number of rows written."""
        values = [
            {
                "workspace_id": workspace_id,
                **dict(zip(self.key_columns, key, strict=True)),
                self.count_column: count,
                "amount": amount,
            }
            for key, (count, amount) in self.expected(session, workspace_id).items()
        ]
        session.execute(delete(self.total).where(self.total.workspace_id == workspace_id))
        if values:
            session.execute(insert(self.total.__table__), values)
        return len(values)
