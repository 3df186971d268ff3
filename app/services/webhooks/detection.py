"""Which changes become webhook events: session hooks, registered once like app/summaries' hooks.

Every flush of every session (pages, API, CLI, imports, merges) records in `session.info` what
changed on the objects an event is about: created, which fields the payload shows changed, and, for
the fields that decide a transition (archived, referrer, stage, removed, paid), the value they had
when the transaction first changed them. Just before the transaction commits, the recorded changes
become events, written by `emit(...)` into the outbox in the same transaction, each with the
object's representation at that moment (`represent(obj)`, as the API shows it):

* one event per object and type per transaction, however many flushes it took (a partner created and
  then given a referrer in one request is `partner.created` + `referral.set`, each once);
* a transition is judged from the transaction's start to its end: archived then restored again
  within one transaction sends nothing; a deal moved lead → proposal → won sends one
  `deal.stage_changed` and one `deal.won`;
* `*.updated` only when a field the payload shows changed, other than `updated_at` and the fields of
  a transition sent on its own (the partner's `referred_by_id` is `referral.set/cleared`, a deal's
  stage with its `closed_on` and `lost_reason` is `deal.stage_changed`);
* a rolled-back transaction sends nothing (the outbox rows are part of it, and what was recorded is
  dropped when the transaction ends);
* rows written by bulk statements (backup restore into its new workspace, the import's referrer
  links, summary bookkeeping such as `contact_count`) bypass the flush and send nothing; an import's
  chunks are ORM flushes, so each partner, contact and deal it creates or updates sends what the
  page's action would;
* rows deleted outright send nothing (no event type says "deleted"; archive and remove do).

Time-based events (`reminder.due`, `flag.raised`) come from the periodic scan in flags.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.models import Commission, Contact, Deal, Interaction, Partner, TermsVersion, WebhookEndpoint
from app.models.base import utcnow
from app.representations import SCHEMAS, represent

PENDING = "orchard_webhook_changes"  # session.info: {(model name, id): Change}

# Fields of a representation computed from a column (schemas.py's fields.Function)
ALIASES = {"archived": "archived_at", "removed": "removed_at", "deleted": "deleted_at", "done": "completed_at"}
# Per model: the columns whose value at the start and at the end of the transaction decide an event
TRANSITIONS = {
    Partner: ("archived_at", "referred_by_id"),
    Contact: ("removed_at",),
    Deal: ("stage",),
    Commission: ("status",),
}
# Per model: payload columns whose change alone is no `*.updated`
QUIET = {
    Partner: {"updated_at", "archived_at", "referred_by_id", "contact_count"},
    Contact: {"updated_at", "removed_at"},
    Deal: {"updated_at", "stage"},
}
STAGE_FIELDS = {"closed_on", "lost_reason"}  # quiet when the stage changed with them
# The object's own moments, latest first preferred: when the change happened (the services set them
# from the `now` they are given)
MOMENTS = ("updated_at", "archived_at", "removed_at", "changed_at", "created_at")
WATCHED = (Partner, Contact, Deal, TermsVersion, Commission, Interaction)


def _payload_columns(model) -> frozenset[str]:
    columns = set(inspect(model).column_attrs.keys())
    names = {ALIASES.get(name, name) for name in SCHEMAS[model.__name__].fields}
    return frozenset(names & columns)


PAYLOAD = {model: _payload_columns(model) for model in WATCHED}


@dataclass
class Change:
    obj: object
    created: bool = False
    changed: set[str] = field(default_factory=set)
    before: dict[str, object] = field(default_factory=dict)  # transition column -> value at the start
    occurred_at: datetime | None = None


def _moment(obj, changed: set[str] | None) -> datetime | None:
    for name in MOMENTS:
        value = getattr(obj, name, None) if (changed is None or name in changed) else None
        if isinstance(value, datetime):
            return value
    return None


def _record(session: Session, obj, created: bool) -> None:
    model = type(obj)
    pending = session.info.setdefault(PENDING, {})
    change = pending.get((model.__name__, obj.id))
    if change is None:
        change = pending[(model.__name__, obj.id)] = Change(obj=obj, created=created)
    changed: set[str] = set()
    if not created:
        state = inspect(obj)
        for name in PAYLOAD[model]:
            history = state.attrs[name].history
            if history.has_changes():
                changed.add(name)
                if name in TRANSITIONS.get(model, ()) and name not in change.before:
                    change.before[name] = history.deleted[0] if history.deleted else None
        if not changed:
            return
        change.changed |= changed
    moment = _moment(obj, None if created else changed) or utcnow()
    if change.occurred_at is None or moment > change.occurred_at:
        change.occurred_at = moment


def _after_flush(session: Session, flush_context) -> None:
    for obj in session.new:
        if isinstance(obj, WATCHED):
            _record(session, obj, created=True)
    for obj in session.dirty:
        if isinstance(obj, WATCHED) and session.is_modified(obj):
            _record(session, obj, created=False)


def _moved(change: Change, name: str) -> tuple[object, object] | None:
    """(start, end) of a transition column when the transaction changed it, else None."""
    if change.created:
        return None
    if name not in change.before:
        return None
    start, end = change.before[name], getattr(change.obj, name)
    return None if start == end else (start, end)


def _updated(change: Change, prefix: str, quiet: set[str]) -> list[str]:
    return [f"{prefix}.updated"] if change.changed - quiet else []


def _partner(change: Change) -> list[str]:
    partner = change.obj
    if change.created:
        return ["partner.created"] + (["referral.set"] if partner.referred_by_id else [])
    types = _updated(change, "partner", QUIET[Partner])
    archived = _moved(change, "archived_at")
    if archived and (archived[0] is None) != (archived[1] is None):
        types.append("partner.archived" if archived[1] else "partner.restored")
    referrer = _moved(change, "referred_by_id")
    if referrer:
        types.append("referral.set" if referrer[1] else "referral.cleared")
    return types


def _contact(change: Change) -> list[str]:
    if change.created:
        return ["contact.created"]
    removed = _moved(change, "removed_at")
    if removed and removed[0] is None and removed[1] is not None:
        return ["contact.removed"]
    restored = bool(removed and removed[0] is not None and removed[1] is None)
    return ["contact.updated"] if restored or change.changed - QUIET[Contact] else []


def _deal(change: Change) -> list[str]:
    deal = change.obj
    closing = [f"deal.{deal.stage}"] if deal.stage in ("won", "lost") else []
    if change.created:
        return ["deal.created"] + closing
    stage = _moved(change, "stage")
    quiet = QUIET[Deal] | (STAGE_FIELDS if stage else set())
    return _updated(change, "deal", quiet) + (["deal.stage_changed"] + closing if stage else [])


def _commission(change: Change) -> list[str]:
    status = change.obj.status
    if change.created:
        return [f"commission.{status}"]
    moved = _moved(change, "status")
    return ["commission.paid"] if moved and status == "paid" else []


def _interaction(change: Change) -> list[str]:
    return ["interaction.logged"] if change.created and change.obj.deleted_at is None else []


def _terms(change: Change) -> list[str]:
    return ["terms.changed"] if change.created else []


EVENTS_OF = {
    Partner: _partner,
    Contact: _contact,
    Deal: _deal,
    Commission: _commission,
    Interaction: _interaction,
    TermsVersion: _terms,
}


def events_of(change: Change) -> list[str]:
    """The event types a transaction's change of one object sends (in this order)."""
    state = inspect(change.obj)
    if state.was_deleted or state.deleted or state.detached:
        return []
    return EVENTS_OF[type(change.obj)](change)


class Subscriptions:
    """The event types the enabled endpoints of some workspaces want: one query, so that changes in a
    workspace nobody listens to cost nothing more (emit is only called for a wanted type)."""

    def __init__(self, session: Session, workspace_ids):
        from app.services.webhooks.outbox import subscribed

        self._subscribed = subscribed
        self._lists: dict[int, list[str]] = {}
        ids = sorted(set(workspace_ids))
        if ids:
            rows = session.execute(
                select(WebhookEndpoint.workspace_id, WebhookEndpoint.event_types).where(
                    WebhookEndpoint.workspace_id.in_(ids), WebhookEndpoint.enabled.is_(True)
                )
            )
            for workspace_id, event_types in rows:
                self._lists.setdefault(workspace_id, []).append(event_types)

    def wanted(self, workspace_id: int, event_type: str) -> bool:
        return any(self._subscribed(types, event_type) for types in self._lists.get(workspace_id, ()))


def _before_commit(session: Session) -> None:
    session.flush()  # what is still unflushed is recorded too (commit would flush it after this hook)
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    from app.services.webhooks import emit

    sending = [(change, types) for change in pending.values() if (types := events_of(change))]
    if not sending:
        return
    subscriptions = Subscriptions(session, (change.obj.workspace_id for change, _ in sending))
    for change, all_types in sending:
        types = [t for t in all_types if subscriptions.wanted(change.obj.workspace_id, t)]
        if not types:
            continue
        data = represent(change.obj)
        for type_ in types:
            emit(
                session,
                workspace_id=change.obj.workspace_id,
                type=type_,
                data=data,
                occurred_at=change.occurred_at or utcnow(),
            )


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def install() -> None:
    """Hook the detection into every session (once, however many apps are created). Called after
    app.summaries.install(), so the summaries' hooks run first in each flush."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
