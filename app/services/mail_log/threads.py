"""A thread marked "not a touch": its logged emails are removed (as a delete of each: undoable one
by one, and the summaries follow) and later messages of the thread are skipped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Interaction
from app.models.email_log import EmailMessage, EmailThreadMute
from app.services import Gone
from app.services import interactions as interaction_service
from app.services.mail_log.store import insert_ignoring_conflict


def mark_not_a_touch(
    session: Session, workspace_id: int, interaction_id: int, *, actor_id: int | None, now: datetime
) -> int:
    """Mute the thread of a logged email; how many of its touches were removed. Gone when the
    interaction is not a logged email of this workspace."""
    row = session.execute(
        select(EmailMessage.thread_key, Interaction.summary)
        .join(Interaction, Interaction.id == EmailMessage.interaction_id)
        .where(EmailMessage.workspace_id == workspace_id, EmailMessage.interaction_id == interaction_id)
    ).first()
    if row is None:
        raise Gone()
    thread_key, subject = row
    insert_ignoring_conflict(
        session,
        EmailThreadMute.__table__,
        {
            "workspace_id": workspace_id,
            "thread_key": thread_key,
            "subject": (subject or "")[:300] or None,
            "created_by_id": actor_id,
            "created_at": now,
        },
        ("workspace_id", "thread_key"),
    )
    touches = session.scalars(
        select(Interaction)
        .join(EmailMessage, EmailMessage.interaction_id == Interaction.id)
        .where(
            EmailMessage.workspace_id == workspace_id,
            EmailMessage.thread_key == thread_key,
            Interaction.deleted_at.is_(None),
        )
        .order_by(Interaction.id)
    ).all()
    for interaction in touches:
        interaction_service.delete_interaction(session, interaction, now=now, to_trash=False)
    return len(touches)


def muted_threads(session: Session, workspace_id: int, *, limit: int = 50) -> list[EmailThreadMute]:
    return list(
        session.scalars(
            select(EmailThreadMute)
            .where(EmailThreadMute.workspace_id == workspace_id)
            .order_by(EmailThreadMute.created_at.desc(), EmailThreadMute.id.desc())
            .limit(limit)
        )
    )


def count_again(session: Session, workspace_id: int, mute_id: int) -> int:
    """Undo "not a touch": the thread's touches it removed come back (as an undo of each delete)
    and its later messages are logged again; how many came back. Gone when there is no such mark
    (undone meanwhile, or another workspace's)."""
    mute = session.scalar(
        select(EmailThreadMute)
        .where(EmailThreadMute.id == mute_id, EmailThreadMute.workspace_id == workspace_id)
        .with_for_update()
    )
    if mute is None:
        raise Gone()
    removed = session.scalars(
        select(Interaction)
        .join(EmailMessage, EmailMessage.interaction_id == Interaction.id)
        .where(
            EmailMessage.workspace_id == workspace_id,
            EmailMessage.thread_key == mute.thread_key,
            Interaction.deleted_at == mute.created_at,
        )
        .order_by(Interaction.id)
    ).all()
    for interaction in removed:
        interaction_service.restore_interaction(session, interaction)
    session.delete(mute)
    return len(removed)
