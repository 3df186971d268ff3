"""Restore one item from the Trash, empty the Trash, purge what is older than TRASH_DAYS.

Each starts with one conditional DELETE of the entries concerned (RETURNING what they were): the
entry is the claim. Two restores of one item at once, or a restore and the purge, cannot both win:
the second DELETE finds no row and the second caller hears that the item is no longer in the
Trash, as a later try would. The items then change through the ORM, so the summaries (contact
counts, partner activity, touch weeks, search index) follow in the same flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.models import Contact, Interaction, Partner, Reminder, TrashEntry, User
from app.models.email_log import EmailMessage
from app.services import Gone, ServiceError
from app.services.locking import keep, locked
from app.services.row_values import decode_values
from app.services.trash.entries import TRASH_DAYS

BATCH = 500


class NotInTrash(ServiceError):
    """The entry is gone: restored already, emptied or purged, or its partner was deleted (the
    item went with it). Another workspace's entry reads the same."""

    def __init__(self):
        super().__init__("This item is no longer in the Trash.")


@dataclass(frozen=True)
class Restored:
    kind: str
    item_id: int
    partner_id: int | None
    label: str


def _claim(session: Session, where) -> list:
    return session.execute(
        delete(TrashEntry)
        .where(where)
        .returning(TrashEntry.kind, TrashEntry.item_id, TrashEntry.partner_id, TrashEntry.label, TrashEntry.payload)
        .execution_options(synchronize_session=False)
    ).all()


def _locked_one(session: Session, model, item_id: int):
    return session.scalars(locked(select(model).where(model.id == item_id))).one_or_none()


def _restore_contact(session: Session, item_id: int) -> None:
    contact = _locked_one(session, Contact, item_id)
    if contact is None:
        raise NotInTrash()
    if contact.removed_at is None:
        return
    if contact.is_primary:
        other = select(Contact.id).where(
            Contact.partner_id == contact.partner_id,
            Contact.id != contact.id,
            Contact.removed_at.is_(None),
            Contact.is_primary.is_(True),
        )
        if session.scalar(other.limit(1)) is not None:  # someone else became primary meanwhile
            contact.is_primary = False
    contact.removed_at = None


def _restore_interaction(session: Session, item_id: int) -> None:
    interaction = _locked_one(session, Interaction, item_id)
    if interaction is None:
        raise NotInTrash()
    interaction.deleted_at = None


def _restore_reminder(session: Session, workspace_id: int, payload: dict) -> int:
    values = decode_values(Reminder, payload)
    if values.get("partner_id") is not None:
        try:
            keep(session, Partner, values["partner_id"])
        except Gone:
            raise NotInTrash() from None
    people = {values.get("assignee_id"), values.get("created_by_id")} - {None}
    present = set(session.scalars(select(User.id).where(User.id.in_(people)))) if people else set()
    for name in ("assignee_id", "created_by_id"):
        if values.get(name) not in present:
            values[name] = None  # the account was deleted meanwhile
    values["workspace_id"] = workspace_id
    if session.scalar(select(Reminder.id).where(Reminder.id == values["id"])) is not None:
        del values["id"]  # SQLite gave the id to a new reminder meanwhile: this one comes back under a new one
    reminder = Reminder(**values)
    session.add(reminder)
    session.flush()
    return reminder.id


def restore(session: Session, workspace_id: int, entry_id: int) -> Restored:
    """Bring one item back where it was (a contact keeps its place: same row, same id)."""
    claimed = _claim(session, (TrashEntry.id == entry_id) & (TrashEntry.workspace_id == workspace_id))
    if not claimed:
        raise NotInTrash()
    kind, item_id, partner_id, label, payload = claimed[0]
    if kind == "contact":
        _restore_contact(session, item_id)
    elif kind == "interaction":
        _restore_interaction(session, item_id)
    else:
        item_id = _restore_reminder(session, workspace_id, payload)
    session.flush()
    return Restored(kind, item_id, partner_id, label)


def _destroy(session: Session, claimed: list) -> int:
    """Delete for good what the claimed entries held (still deleted: not brought back another way)."""
    for kind, model, mark in (
        ("contact", Contact, Contact.removed_at),
        ("interaction", Interaction, Interaction.deleted_at),
    ):
        ids = [item_id for entry_kind, item_id, *_ in claimed if entry_kind == kind]
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            if model is Interaction:
                _forget_mail_text(session, chunk)
            for item in session.scalars(select(model).where(model.id.in_(chunk), mark.is_not(None))):
                session.delete(item)
    session.flush()
    return len(claimed)  # reminders left their table when deleted: their entry was all there was


def _forget_mail_text(session: Session, interaction_ids: list[int]) -> None:
    """A logged email deleted for good keeps its message's claim, without the interaction and the
    text: the same message imported or synced again is a duplicate, not logged back."""
    session.execute(
        update(EmailMessage)
        .where(
            EmailMessage.interaction_id.in_(interaction_ids),
            select(Interaction.id)
            .where(Interaction.id == EmailMessage.interaction_id, Interaction.deleted_at.is_not(None))
            .exists(),
        )
        .values(interaction_id=None, snippet=None, body=None)
        .execution_options(synchronize_session=False)
    )


def empty_trash(session: Session, workspace_id: int) -> int:
    """Delete everything in the workspace's Trash for good (the route lets only owners); how many."""
    done = 0
    while True:
        batch = select(TrashEntry.id).where(TrashEntry.workspace_id == workspace_id).limit(BATCH)
        claimed = _claim(session, TrashEntry.id.in_(batch.scalar_subquery()))
        if not claimed:
            return done
        done += _destroy(session, claimed)


def purge_trash(session: Session, *, now: datetime, days: int = TRASH_DAYS) -> int:
    """Delete for good, in every workspace, what was deleted more than `days` days before `now`."""
    cutoff = now - timedelta(days=days)
    done = 0
    while True:
        batch = select(TrashEntry.id).where(TrashEntry.deleted_at < cutoff).limit(BATCH)
        claimed = _claim(session, TrashEntry.id.in_(batch.scalar_subquery()) & (TrashEntry.deleted_at < cutoff))
        if not claimed:
            return done
        done += _destroy(session, claimed)
