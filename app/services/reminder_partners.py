"""The reminder form's partner picker (re-exported by app.services.reminders)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Partner
from app.services.text_search import like_pattern

PARTNER_MATCHES = 20


def partner_choices(session: Session, workspace_id: int, selected_id: int | None, q: str) -> list[Partner]:
    """The reminder form's partner picker: the selected partner (if it is in this workspace) and up
    to PARTNER_MATCHES current partners whose name contains `q`."""
    partners = []
    if selected_id:
        partner = session.scalar(select(Partner).where(Partner.workspace_id == workspace_id, Partner.id == selected_id))
        if partner is not None:
            partners.append(partner)
    q = (q or "").strip()[:100]
    if q:
        matches = session.scalars(
            select(Partner)
            .where(
                Partner.workspace_id == workspace_id,
                Partner.archived_at.is_(None),
                Partner.name_key.like(like_pattern(q), escape="\\"),
            )
            .order_by(Partner.name_key)
            .limit(PARTNER_MATCHES)
        )
        partners += [p for p in matches if not partners or p.id != partners[0].id]
    return partners
