"""/api/v1/partners: the partner book — list (the page's filters), create, read, change, archive,
restore, delete (typed name, owners), and the partner's flags and health score."""

from __future__ import annotations

from flask import g, url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.auth import ApiBlueprint
from app.api.forms import overlay, validate_with
from app.api.pagination import keyset_page, list_args, page_schema
from app.api.problems import problem
from app.api.writing import committing
from app.extensions import db
from app.models import Partner
from app.models.partner import KINDS, SOURCES, STATUSES, TIERS
from app.partners.forms import PartnerForm
from app.representations import PartnerSchema, represent
from app.services import partners as partner_service
from app.services.accounts import workspace_members
from app.services.neglect import partner_status
from app.services.partners import PartnerFilters, filtered_partners
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc

bp = ApiBlueprint("api_partners", __name__, url_prefix="/api/v1/partners", description="The partner book.")

SORT_COLUMNS = {"name": Partner.name_key, "created": Partner.created_at, "updated": Partner.updated_at}

PartnerListArgs = list_args(
    "PartnerListArgs",
    tuple(SORT_COLUMNS),
    "name",
    status=fields.String(validate=validate.OneOf(STATUSES)),
    tier=fields.String(validate=validate.OneOf(TIERS)),
    owner_id=fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
    source=fields.String(validate=validate.OneOf(SOURCES)),
    archived=fields.String(
        load_default="no",
        validate=validate.OneOf(("no", "only", "all")),
        metadata={"description": "no (default): current partners; only: archived ones; all."},
    ),
    q=fields.String(validate=validate.Length(max=200), metadata={"description": "Name, contact name or email."}),
)


class PartnerInput(Schema):
    """What a program sends to create or change a partner (the rules are the partner form's)."""

    name = fields.String(metadata={"description": "Required to create."})
    kind = fields.String(load_default=KINDS[0], validate=validate.OneOf(KINDS))
    status = fields.String(load_default=STATUSES[0], validate=validate.OneOf(STATUSES))
    tier = fields.String(load_default="B", validate=validate.OneOf(TIERS))
    owner_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "A member's user id; by default the token's user."},
    )
    source = fields.String(load_default="direct", validate=validate.OneOf(SOURCES))
    website = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    no_prospects = fields.Boolean()
    no_prospects_reason = fields.String(allow_none=True)


class PartnerPatch(PartnerInput):
    """The fields to change; those left out keep their values."""


class HealthComponentSchema(Schema):
    key = fields.String()
    label = fields.String()
    points = fields.Float()
    max_points = fields.Integer()
    explanation = fields.String()


class PartnerHealthSchema(Schema):
    partner_id = fields.Integer()
    eligible = fields.Boolean(metadata={"description": "False when the partner is never flagged (e.g. ended)."})
    flags = fields.Dict(keys=fields.String(), values=fields.Boolean())
    active_flags = fields.List(fields.String())
    score = fields.Integer(metadata={"description": "Health score, 0 to 100."})
    components = fields.List(fields.Nested(HealthComponentSchema))
    cadence = fields.Integer(metadata={"description": "Days between touches expected."})
    days_since = fields.Integer(metadata={"description": "Days since the last touch (or since added)."})
    last_touch_at = fields.DateTime(allow_none=True)
    touch_count = fields.Integer()
    our_count = fields.Integer()
    their_count = fields.Integer()
    contacts = fields.Integer()


class ConfirmNameArgs(Schema):
    confirm_name = fields.String(
        required=True, metadata={"description": "The partner's name, typed exactly, as on the delete page."}
    )


def _setup(form: PartnerForm) -> None:
    form.set_owner_choices(workspace_members(db.session, g.workspace.id))


def load_partner(partner_id: int) -> Partner:
    return get_or_404_in_workspace(Partner, partner_id)


def sort_columns(sort: str, table) -> list:
    """The (column, descending) pairs of a `sort` argument, the id last as the tie-break."""
    descending = sort.startswith("-")
    column = table[sort.lstrip("-")]
    return [(column, descending), (column.class_.id, descending)]


@bp.route("")
class Partners(MethodView):
    @bp.arguments(PartnerListArgs, location="query", as_kwargs=True)
    @bp.response(200, page_schema(PartnerSchema))
    def get(self, limit, cursor, sort, updated_since, archived, **filters):
        """List partners (the partner page's filters), in pages."""
        where = filtered_partners(
            g.workspace.id,
            PartnerFilters(
                q=filters.get("q", ""),
                status=filters.get("status", ""),
                tier=filters.get("tier", ""),
                owner_id=filters.get("owner_id"),
                source=filters.get("source", ""),
                archived=archived,
            ),
            db.session.get_bind().dialect.name,
        )
        stmt = select(Partner).where(where)
        if updated_since is not None:
            stmt = stmt.where(Partner.updated_at >= updated_since)
        rows, next_cursor = keyset_page(
            db.session, stmt, sort_columns=sort_columns(sort, SORT_COLUMNS), cursor=cursor, limit=limit
        )
        return {"data": rows, "next_cursor": next_cursor}

    @bp.arguments(PartnerInput)
    @bp.response(201, PartnerSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, payload):
        """Create a partner."""
        payload.setdefault("owner_id", g.membership.user_id)
        form = validate_with(PartnerForm, payload, setup=_setup)
        with committing():
            partner = partner_service.create_partner(db.session, g.workspace.id, form.data_for_service(), now_utc())
        return partner, 201, {"Location": url_for("api_partners.Partner", partner_id=partner.id)}


@bp.route("/<int:partner_id>", endpoint="Partner")
class PartnerResource(MethodView):
    @bp.response(200, PartnerSchema)
    def get(self, partner_id):
        """One partner."""
        return load_partner(partner_id)

    @bp.arguments(PartnerPatch(partial=True))
    @bp.response(200, PartnerSchema)
    def patch(self, payload, partner_id):
        """Change some of a partner's fields (those left out keep their values)."""
        partner = load_partner(partner_id)
        form = validate_with(PartnerForm, overlay(represent(partner), payload), setup=_setup)
        with committing():
            partner_service.update_partner(db.session, partner, form.data_for_service(), now_utc())
        return partner

    @bp.arguments(ConfirmNameArgs, location="query", as_kwargs=True)
    @bp.response(204)
    def delete(self, partner_id, confirm_name):
        """Delete a partner for good (owners only; never one with paid commission entries)."""
        partner = load_partner(partner_id)
        if not g.membership.is_owner:
            problem(403, detail=_l("Only a workspace owner can do that."))
        with committing():
            partner_service.delete_partner(db.session, partner, confirm_name)
        return None


@bp.route("/<int:partner_id>/archive", methods=["POST"])
@bp.response(200, PartnerSchema)
def archive(partner_id):
    """Archive a partner: hidden from lists (archived=only finds it)."""
    partner = load_partner(partner_id)
    with committing():
        partner_service.archive_partner(partner, now_utc())
    return partner


@bp.route("/<int:partner_id>/restore", methods=["POST"])
@bp.response(200, PartnerSchema)
def restore(partner_id):
    """Bring an archived partner back."""
    partner = load_partner(partner_id)
    with committing():
        partner_service.restore_partner(partner)
    return partner


@bp.route("/<int:partner_id>/health")
@bp.response(200, PartnerHealthSchema)
def health(partner_id):
    """The partner's flags (neglected, waiting on us, …) and health score with its components."""
    partner = load_partner(partner_id)
    return partner_status(db.session, partner, now_utc())
