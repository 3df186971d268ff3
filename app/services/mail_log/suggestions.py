""" "New contact?": unknown addresses at a partner's website domain, seen in mail. A user adds one
as a contact of that partner or dismisses it; either way it is not offered again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from app.models.email_log import MailSuggestion
from app.services import Gone, ServiceError
from app.services import contacts as contact_service


def open_suggestions(session: Session, workspace_id: int, *, limit: int = 100) -> list[MailSuggestion]:
    """The workspace's open suggestions with their partners (one query), newest first."""
    return list(
        session.scalars(
            select(MailSuggestion)
            .where(MailSuggestion.workspace_id == workspace_id, MailSuggestion.status == "open")
            .options(joinedload(MailSuggestion.partner))
            .order_by(MailSuggestion.last_seen_at.desc(), MailSuggestion.id.desc())
            .limit(limit)
        )
    )


def _take(session: Session, workspace_id: int, suggestion_id: int, status: str) -> MailSuggestion:
    """Move an open suggestion to `status` (a conditional update: of two clicks, one wins)."""
    suggestion = session.scalar(
        select(MailSuggestion).where(MailSuggestion.id == suggestion_id, MailSuggestion.workspace_id == workspace_id)
    )
    if suggestion is None:
        raise Gone()
    moved = session.execute(
        update(MailSuggestion)
        .where(MailSuggestion.id == suggestion_id, MailSuggestion.status == "open")
        .values(status=status)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise ServiceError("This suggestion was already added or dismissed.")
    session.refresh(suggestion)
    return suggestion


def add_as_contact(session: Session, workspace_id: int, suggestion_id: int, *, now: datetime):
    """The address becomes a contact of its partner; the contact."""
    suggestion = _take(session, workspace_id, suggestion_id, "added")
    # no real name in the mail: the whole address says who it is ("newguy" alone says less)
    name = suggestion.name or suggestion.email
    contact = contact_service.add_contact(session, suggestion.partner, {"name": name, "email": suggestion.email}, now)
    suggestion.contact_id = contact.id
    return contact


def dismiss(session: Session, workspace_id: int, suggestion_id: int) -> MailSuggestion:
    return _take(session, workspace_id, suggestion_id, "dismissed")
