"""The commission ledger over the API: its entries (the Ledger page's filters), one entry, and
marking an owed entry paid (the Ledger's "mark paid")."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf

from app.api.auth import ApiBlueprint
from app.api.forms import ID, validate_with
from app.api.pagination import keyset_page, list_args, page_schema
from app.api.partners import sort_columns
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

bp = ApiBlueprint("api_commissions", __name__, url_prefix="/api/v1", description="The referral commission ledger.")

SORTS = {"earned": Commission.earned_on, "created": Commission.created_at}


CommissionListArgs = list_args(
    "CommissionListArgs",
    tuple(SORTS),
    "-earned",
    status=fields.String(validate=OneOf(STATUSES)),
    referrer_id=fields.Integer(validate=ID),
    deal_id=fields.Integer(validate=ID),
    currency=fields.String(validate=Length(equal=3)),
    earned_from=fields.Date(metadata={"description": "Earned on or after (the Ledger's period)"}),
    earned_to=fields.Date(metadata={"description": "Earned on or before"}),
)


class PayIn(Schema):
    paid_on = fields.Date(required=True)
    payment_reference = fields.String(allow_none=True, validate=Length(max=120))


@bp.route("/commissions")
@bp.arguments(CommissionListArgs, location="query")
@bp.response(200, page_schema(CommissionSchema))
def index(args):
    """Ledger entries, newest first, with the Ledger page's filters (updated_since: entries added since;
    a payment changes no entry's time, so re-read owed ones to see them paid)"""
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
    if args["updated_since"] is not None:  # entries are added, and only their payment changes later
        stmt = stmt.where(Commission.created_at >= args["updated_since"])
    rows, next_cursor = keyset_page(
        db.session, stmt, sort_columns=sort_columns(args["sort"], SORTS), cursor=args["cursor"], limit=args["limit"]
    )
    return {"data": rows, "next_cursor": next_cursor}


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
            if db.session.get(Commission, entry.id) is None:
                problem(404)  # deleted meanwhile (with its deal's partner)
            problem(409, detail=_("This commission is already paid."))
    return entry
