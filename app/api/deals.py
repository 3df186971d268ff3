"""Deals over the API: the deals list (the deals page's filters), create, read, edit, delete, stage
moves (the pipeline board's), and the win-win assessment. The page's forms check the input and the
deal services apply it, as on the pages."""

from __future__ import annotations

from flask import g, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf

from app.api.auth import ApiBlueprint
from app.api.forms import ID, overlay, validate_with
from app.api.pagination import keyset_page, list_args, page_schema
from app.api.partners import sort_columns
from app.api.problems import problem
from app.api.writing import committing
from app.deals.forms import STAGE_LABELS, DealForm, MoveForm
from app.extensions import db
from app.models import Deal, Partner
from app.models.deal import STAGES, VALUE_SCALE
from app.representations import DealSchema, represent
from app.services import deals as deal_service
from app.services.accounts import workspace_members
from app.services.deals import DealFilters
from app.tenancy import get_or_404_in_workspace, scoped
from app.web import now_utc

bp = ApiBlueprint(
    "api_deals", __name__, url_prefix="/api/v1", description="Deals, their stages and the win-win assessment."
)

SORTS = {"updated": Deal.updated_at, "created": Deal.created_at, "amount": Deal.amount}


DealListArgs = list_args(
    "DealListArgs",
    tuple(SORTS),
    "-updated",
    q=fields.String(validate=Length(max=200), metadata={"description": "Title or partner name contains"}),
    stage=fields.String(validate=OneOf(STAGES)),
    owner_id=fields.Integer(validate=ID),
    partner_id=fields.Integer(validate=ID),
    currency=fields.String(validate=Length(equal=3)),
    quadrant=fields.String(validate=OneOf(deal_service.QUADRANTS)),
    closed_from=fields.Date(),
    closed_to=fields.Date(),
)


_VALUE = {"allow_none": True, "strict": True, "validate": OneOf(VALUE_SCALE), "metadata": {"description": "−2 … +2"}}


class AssessmentIn(Schema):
    value_to_us = fields.Integer(**_VALUE)
    value_to_us_note = fields.String(allow_none=True, validate=Length(max=300))
    value_to_partner = fields.Integer(**_VALUE)
    value_to_partner_note = fields.String(allow_none=True, validate=Length(max=300))


class DealPatch(AssessmentIn):
    title = fields.String(validate=Length(max=200))
    amount = fields.String(metadata={"description": 'Decimal text, e.g. "4800.00"'})
    currency = fields.String(metadata={"description": "ISO 4217 code, e.g. EUR"})
    stage = fields.String(validate=OneOf(STAGES))
    expected_close_on = fields.Date(allow_none=True)
    owner_id = fields.Integer(allow_none=True, validate=ID)
    lost_reason = fields.String(allow_none=True, validate=Length(max=2000))
    notes = fields.String(allow_none=True, validate=Length(max=10000))


class DealIn(DealPatch):
    partner_id = fields.Integer(required=True, validate=ID)
    title = fields.String(required=True, validate=Length(max=200))


class StageIn(Schema):
    stage = fields.String(required=True, validate=OneOf(STAGES))
    lost_reason = fields.String(allow_none=True, validate=Length(max=2000))
    closed_on = fields.Date(metadata={"description": "Won or lost only: the day it closed (today when left out)"})
    from_stage = fields.String(
        validate=OneOf(STAGES),
        metadata={"description": "The stage you saw: the move is refused (409) when someone moved the deal meanwhile"},
    )


class AssessmentSchema(AssessmentIn):
    deal_id = fields.Integer()
    quadrant = fields.String(allow_none=True, validate=OneOf(deal_service.QUADRANTS))
    compromise = fields.Boolean()
    warning = fields.String(allow_none=True)


def _deal(deal_id: int) -> Deal:
    return get_or_404_in_workspace(Deal, deal_id)


def _setup(partner: Partner | None):
    members = workspace_members(db.session, g.workspace.id)

    def setup(form):
        form.set_owner_choices(members)
        form.partner_id.choices = [(partner.id, partner.name)] if partner else []

    return setup


def _edit(deal: Deal, payload: dict) -> Deal:
    """PATCH semantics: the deal as it is, with the payload's fields over it, through the page's form."""
    form = validate_with(DealForm, overlay(represent(deal), payload), setup=_setup(deal.partner))
    with committing():
        deal_service.update_deal(db.session, deal, form.data_for_service(), now_utc())
    return deal


@bp.route("/deals")
class Deals(MethodView):
    @bp.arguments(DealListArgs, location="query")
    @bp.response(200, page_schema(DealSchema))
    def get(self, args):
        """The deals, with the deals page's filters"""
        filters = DealFilters(
            q=args.get("q", ""),
            stage=args.get("stage", ""),
            owner_id=args.get("owner_id"),
            currency=args.get("currency", "").upper(),
            quadrant=args.get("quadrant", ""),
            closed_from=args.get("closed_from"),
            closed_to=args.get("closed_to"),
        )
        stmt = scoped(Deal).where(deal_service.deal_where(g.workspace.id, filters))
        if args.get("partner_id"):
            stmt = stmt.where(Deal.partner_id == args["partner_id"])
        if args["updated_since"] is not None:
            stmt = stmt.where(Deal.updated_at >= args["updated_since"])
        rows, next_cursor = keyset_page(
            db.session, stmt, sort_columns=sort_columns(args["sort"], SORTS), cursor=args["cursor"], limit=args["limit"]
        )
        return {"data": rows, "next_cursor": next_cursor}

    @bp.arguments(DealIn)
    @bp.response(201, DealSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, payload):
        """Add a deal"""
        partner = db.session.scalar(scoped(Partner).where(Partner.id == payload["partner_id"]))
        if partner is None:
            problem(422, errors={"partner_id": [_("Choose the partner this deal is with.")]})
        form = validate_with(DealForm, {"stage": "lead", "amount": "0", **payload}, setup=_setup(partner))
        with committing():
            outcome = deal_service.create_deal(db.session, partner, form.data_for_service(), g.user.id, now_utc())
        return outcome.deal, 201, {"Location": url_for("api_deals.DealItem", deal_id=outcome.deal.id)}


@bp.route("/deals/<int:deal_id>")
class DealItem(MethodView):
    @bp.response(200, DealSchema)
    def get(self, deal_id):
        """One deal"""
        return _deal(deal_id)

    @bp.arguments(DealPatch(partial=True))
    @bp.response(200, DealSchema)
    def patch(self, payload, deal_id):
        """Change a deal (the fields sent; a won deal's commissions follow)"""
        return _edit(_deal(deal_id), payload)

    @bp.response(204)
    def delete(self, deal_id):
        """Delete a deal (refused while it has entries in the commission ledger)"""
        deal = _deal(deal_id)
        with committing():
            deal_service.delete_deal(db.session, deal)


@bp.route("/deals/<int:deal_id>/stage", methods=["POST"])
@bp.arguments(StageIn)
@bp.response(200, DealSchema)
def move(payload, deal_id):
    """Move a deal to another stage (as on the pipeline board)"""
    deal = _deal(deal_id)
    form = validate_with(MoveForm, payload)
    with committing():
        try:
            deal_service.move_deal(
                db.session,
                deal,
                form.stage.data,
                now_utc(),
                form.lost_reason.data,
                from_stage=form.from_stage.data or None,
                closed_on=payload.get("closed_on"),
            )
        except deal_service.MovedMeanwhile as moved:
            db.session.rollback()
            problem(
                409,
                detail=_(
                    "Someone moved this deal to %(stage)s meanwhile. Look again before moving it.",
                    stage=STAGE_LABELS[moved.stage],
                ),
            )
    return deal


def _assessment(deal: Deal) -> dict:
    found = deal_service.assess(deal.value_to_us, deal.value_to_partner)
    return {
        "deal_id": deal.id,
        "value_to_us": deal.value_to_us,
        "value_to_us_note": deal.value_to_us_note,
        "value_to_partner": deal.value_to_partner,
        "value_to_partner_note": deal.value_to_partner_note,
        "quadrant": found.quadrant,
        "compromise": found.compromise,
        "warning": _(found.warning) if found.warning else None,
    }


@bp.route("/deals/<int:deal_id>/assessment")
class Assessment(MethodView):
    @bp.response(200, AssessmentSchema)
    def get(self, deal_id):
        """The win-win assessment of a deal: each side's value, the quadrant and its warning"""
        return _assessment(_deal(deal_id))

    @bp.arguments(AssessmentIn)
    @bp.response(200, AssessmentSchema)
    def put(self, payload, deal_id):
        """Assess a deal (a value left out is cleared)"""
        values = {name: payload.get(name) for name in AssessmentIn._declared_fields}
        return _assessment(_edit(_deal(deal_id), values))
