"""What was recorded about a partner's referral: its details and every change of its referrer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, User
from app.models.referral import Referral, ReferralChange


def changes(session: Session, workspace_id: int, partner_id: int, limit: int = 50) -> list:
    """History of a partner's referrer, newest first, with the name of who changed it. One query."""
    return session.execute(
        select(ReferralChange, User.name.label("changed_by"))
        .outerjoin(User, User.id == ReferralChange.changed_by_id)
        .where(ReferralChange.workspace_id == workspace_id, ReferralChange.partner_id == partner_id)
        .order_by(ReferralChange.changed_at.desc(), ReferralChange.id.desc())
        .limit(limit)
    ).all()


def referral_details(session: Session, workspace_id: int, partner_id: int):
    """(Referral row or None, introducing Contact or None). One query."""
    row = session.execute(
        select(Referral, Contact)
        .outerjoin(Contact, Contact.id == Referral.contact_id)
        .where(Referral.workspace_id == workspace_id, Referral.partner_id == partner_id)
    ).first()
    return (row.Referral, row.Contact) if row else (None, None)
