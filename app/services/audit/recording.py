"""The one mechanism that writes the audit log: session hooks, installed once like app/summaries'.

In every flush of every session (pages, API, CLI, jobs) `after_flush` turns the audited objects the
flush inserted, changed or deleted (registry.py) into AuditEvent rows and writes them with ONE
multi-row INSERT in the same transaction — so a rolled-back change leaves no event, and an import's
chunk of a thousand rows costs one statement more, not a thousand. Values are read from the
objects' loaded state (no query); who did it comes from actor.py.

Changes made by bulk UPDATE/DELETE statements bypass the flush: the few services that change an
audited row that way call `record(...)` themselves (revoking an API token).

Append-only: `before_flush` refuses a changed or deleted AuditEvent, and `do_orm_execute` refuses
UPDATE/DELETE statements on the table, except the retention prune (`prune`, option PRUNE_OPTION).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import delete, event, insert, inspect
from sqlalchemy.orm import Session

from app.messages import Text, to_data
from app.models import AuditEvent, User, Workspace
from app.services.audit import actor as actors
from app.services.audit.registry import SPECS, Spec

PRUNE_OPTION = "orchard_audit_prune"
TABLE = AuditEvent.__table__
TEXT_LIMIT = 2000  # long texts (notes) are kept up to this many characters


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete recorded audit events."""


def _json(value):
    if isinstance(value, Text):  # kept as its template and params: read in the reader's language
        return to_data(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        return value[:TEXT_LIMIT] + "…"
    return value


def _value(spec: Spec, name: str, value, values: dict):
    if value is not None and name in spec.money:
        return f"{value} {values.get(spec.money[name]) or ''}".strip()
    return _json(value)


def _created(spec: Spec, values: dict) -> dict:
    return {n: [None, _value(spec, n, values[n], values)] for n in spec.fields if values.get(n) not in (None, "")}


def _deleted(spec: Spec, values: dict) -> dict:
    return {n: [_value(spec, n, values[n], values), None] for n in spec.fields if values.get(n) not in (None, "")}


def _updated(spec: Spec, state) -> dict:
    changes = {}
    values = state.dict
    for name in spec.fields:
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else values.get(name)
        if old == new:
            continue
        changes[name] = [_value(spec, name, old, values), _value(spec, name, new, values)]
    if changes:
        # a money value changed only in its currency still shows both sides with it
        for amount, currency in spec.money.items():
            if currency in changes and amount not in changes and values.get(amount) is not None:
                changes[amount] = [_value(spec, amount, values[amount], values)] * 2
    return changes


def _label(session: Session, spec: Spec, values: dict) -> str:
    if spec.object_type == "member":
        user = session.get(User, values.get("user_id")) if values.get("user_id") else None
        return user.name if user is not None else ""
    return (spec.label(values) or "")[:300]


def _row(session, spec, obj, action, changes, actor, gone, moment) -> dict | None:
    values = inspect(obj).dict
    workspace_id = spec.workspace_of(values)
    if workspace_id is None or workspace_id in gone["workspaces"]:
        return None
    return {
        "workspace_id": workspace_id,
        "occurred_at": moment,
        "actor_kind": actor.kind,
        "actor_user_id": None if actor.user_id in gone["users"] else actor.user_id,
        "actor_token_id": actor.token_id,
        "actor_label": actor.label,  # its column keeps a text as such, and cuts words to its length
        "object_type": spec.object_type,
        "object_id": values.get("id") if spec.object_type != "referral" else values.get("partner_id"),
        "object_label": _label(session, spec, values),
        "partner_id": spec.partner_of(values),
        "action": action,
        "changes": changes,
    }


def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly("audit events are never deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditLogIsAppendOnly("audit events are never changed")


def _after_flush(session: Session, flush_context) -> None:
    found = []
    for obj in session.new:
        spec = SPECS.get(type(obj))
        if spec is not None:
            changes = _created(spec, inspect(obj).dict)
            if changes or not spec.quiet_when_empty:
                found.append((spec, obj, "created", changes))
    for obj in session.dirty:
        spec = SPECS.get(type(obj))
        if spec is not None and session.is_modified(obj):
            changes = _updated(spec, inspect(obj))
            if changes:
                found.append((spec, obj, spec.action(changes), changes))
    deleted = [obj for obj in session.deleted if type(obj) in SPECS]
    gone = {
        "workspaces": {obj.id for obj in session.deleted if isinstance(obj, Workspace)},
        "users": {obj.id for obj in session.deleted if isinstance(obj, User)},
    }
    for obj in deleted:
        spec = SPECS[type(obj)]
        changes = _deleted(spec, inspect(obj).dict)
        if changes or not spec.quiet_when_empty:
            found.append((spec, obj, "deleted", changes))
    if found:
        write(session, found, gone)


def write(session: Session, found, gone=None) -> None:
    """Write the events of [(spec, obj, action, changes)] in one statement."""
    actor = actors.current_actor(session)
    moment = actors.now()
    gone = gone or {"workspaces": set(), "users": set()}
    rows = [row for item in found if (row := _row(session, *item, actor, gone, moment)) is not None]
    if rows:
        session.execute(insert(TABLE), rows)


def record(session: Session, obj, action: str, changes: dict) -> None:
    """Record a change made by a bulk statement (which no flush sees), e.g. a conditional UPDATE."""
    spec = SPECS[type(obj)]
    if inspect(obj).expired_attributes:  # e.g. after a rebuild expired it: the event reads its values
        session.refresh(obj)
    write(session, [(spec, obj, action, {k: [_json(a), _json(b)] for k, (a, b) in changes.items()})])


def _refuse_bulk_changes(orm_execute_state) -> None:
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    if getattr(table, "name", None) == TABLE.name and not orm_execute_state.execution_options.get(PRUNE_OPTION):
        raise AuditLogIsAppendOnly("audit events are never changed or deleted (only pruned by retention)")


def prune(session: Session, *, before: datetime) -> int:
    """Delete the events that occurred before `before` (the retention period); returns how many."""
    result = session.execute(
        delete(TABLE).where(TABLE.c.occurred_at < before).execution_options(**{PRUNE_OPTION: True})
    )
    return result.rowcount or 0


def _keep_old_value(target, value, *_old_and_initiator):
    return value


def _want_old_values() -> None:
    """A change of an audited column knows the value it replaces even when that was not loaded (an
    object expired by a commit, then changed): a set listener with active_history loads it first."""
    for model, spec in SPECS.items():
        for name in spec.fields:
            attribute = getattr(model, name)
            if not event.contains(attribute, "set", _keep_old_value):
                event.listen(attribute, "set", _keep_old_value, active_history=True, retval=True)


def install() -> None:
    """Hook the audit log into every session (once, however many apps are created)."""
    _want_old_values()
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _refuse_bulk_changes)
