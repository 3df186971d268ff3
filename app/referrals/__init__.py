"""Referrals: the forest of referral branches, a tree per partner, the report, and the partner's
Referrals tab. The rules live in app.services.referral_tree."""

from datetime import UTC, datetime

from flask import Blueprint
from sqlalchemy import event
from sqlalchemy.orm import Session

bp = Blueprint("referrals", __name__)


@event.listens_for(Session, "before_flush")
def _keep_tree_right_on_delete(session, flush_context, instances):
    """A deleted partner's referrals become roots and its branch leaves its referrer's stats, in the
    same transaction as the delete (whichever feature deletes it)."""
    from app.models import Partner
    from app.services.referral_tree import forget_partner

    deleted = [obj for obj in session.deleted if isinstance(obj, Partner)]
    for partner in deleted:
        forget_partner(session, partner, datetime.now(UTC))


from app.referrals import routes  # noqa: E402,F401
