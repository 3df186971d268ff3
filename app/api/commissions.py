"""The commission ledger over the API: its entries (the Ledger page's filters), one entry, and
marking an owed entry paid (the Ledger's "mark paid")."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf

from app.api.forms import validate_with
from app.api.pagination import ListArgs, keyset_page, page_schema
from app.api.problems import problem
from app.api.writing import committing
from app.commissions.forms import PayForm
from app.extensions import db
from app.models import Commission
from app.models.commission import STATUSES
from app.representations import CommissionSchema
from app.services import ServiceError
from app.services import commissions as commission_service
from app.tenancy import get_or_404_in_workspace, scoped

bp = Blueprint("api_commissions", __name__, url_prefix="/api/v1", description="The referral commission ledger.")

SORTS = {"earned_on": Commission.earned_on, "created_at": Commission.created_at, "id": Commission.id}


class CommissionListArgs(ListArgs):
    status = fields.String(validate=OneOf(STATUSES))
    referrer_id = fields.Integer(strict=True)
    deal_id = fields.Integer(strict=True)
    currency = fields.String(validate=Length(equal=3))
    earned_from = fields.Date(metadata={"description": "Earned on or after (the Ledger's period)"})
    earned_to = fields.Date(metadata={"description": "Earned on or before"})


class PayIn(Schema):
    paid_on = fields.Date(required=True)
    payment_reference = fields.String(allow_none=True, validate=Length(max=120))


@bp.route("/commissions")
@bp.arguments(CommissionListArgs, location="query")
@bp.response(200, page_schema(CommissionSchema))
def index(args):
    """Ledger entries, newest first, with the Ledger page's filters (updated_since: entries added since)"""
    filters = commission_service.LedgerFilters(
        status=args.get("status", ""),
        period_from=args.get("earned_from"),
        period_to=args.get("earned_to"),
        referrer_id=args.get("referrer_id"),
        currency=args.get("currency", "").upper(),
    )
    stmt = scoped(Commission).where(commission_service.ledger_where(g.workspace.id, filters))
    if args.get("deal_id"):
        stmt = stmt.where(Commission.deal_id == args["deal_id"])
    return keyset_page(db.session, stmt, args, sorts=SORTS, default="-earned_on", updated=Commission.created_at)


@bp.route("/commissions/<int:commission_id>")
class CommissionItem(MethodView):
    @bp.response(200, CommissionSchema)
    def get(self, commission_id):
        """One ledger entry"""
        return get_or_404_in_workspace(Commission, commission_id)


@bp.route("/commissions/<int:commission_id>/pay", methods=["POST"])
@bp.arguments(PayIn)
@bp.response(200, CommissionSchema)
@bp.alt_response(409, description="The entry is already paid")
def pay(payload, commission_id):
    """Mark an owed entry as paid"""
    entry = get_or_404_in_workspace(Commission, commission_id)
    form = validate_with(PayForm, payload)
    with committing():
        try:
            commission_service.mark_paid(
                db.session, g.workspace.id, [entry.id], form.paid_on.data, form.payment_reference.data, g.user.id
            )
        except ServiceError as error:
            if error.field != "ids":
                raise
            db.session.rollback()
            problem(409, detail=_("This commission is already paid."))
    return entry
