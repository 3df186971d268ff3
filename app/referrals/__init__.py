"""Referrals: the forest of referral branches, a tree per partner, the report, and the partner's
Referrals tab. The rules live in app.services.referral_tree; the stored tree stats are the
referral_stats summary (app.summaries.referral_stats)."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)


from app.referrals import routes  # noqa: E402,F401
