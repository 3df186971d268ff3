"""A partner's agreed terms over the API: the current version with its ETag, a change with
`If-Match` (the page's optimistic lock: the version you saw, or 412 with the page's message), and
every version."""

from __future__ import annotations

import re

from flask import g, request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields
from marshmallow.validate import Length
from sqlalchemy import select

from app.api.auth import ApiBlueprint
from app.api.forms import ID, validate_with
from app.api.pagination import keyset_page, list_args, page_schema
from app.api.partners import load_partner, sort_columns
from app.api.problems import problem
from app.api.writing import committing
from app.extensions import db
from app.models import TermsVersion
from app.representations import TermsVersionSchema
from app.services import ServiceError
from app.services import terms as terms_service
from app.terms.forms import TermsForm
from app.web import now_utc

bp = ApiBlueprint(
    "api_terms",
    __name__,
    url_prefix="/api/v1",
    description="A partner's agreed terms: each change is a new version; a change names the version it replaces.",
)

VERSION_SORTS = {"version": TermsVersion.version}
VersionListArgs = list_args("TermsVersionListArgs", tuple(VERSION_SORTS), "-version")
_ETAG = re.compile(r'^\s*(?:W/)?"v(\d{1,9})"\s*$')
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": 'The ETag of the version you are changing, e.g. "v3" ("v0" for a partner without terms)',
}


class TermsIn(Schema):
    commission_rate = fields.String(allow_none=True, validate=Length(max=10), metadata={"description": "Percent"})
    payment_terms_days = fields.Integer(allow_none=True)
    response_time_days = fields.Integer(allow_none=True)
    cadence_days = fields.Integer(allow_none=True)
    review_on = fields.Date(allow_none=True)
    agreed_by_contact_id = fields.Integer(allow_none=True, validate=ID)
    agreed_on = fields.Date(allow_none=True)
    clauses = fields.String(allow_none=True, validate=Length(max=20000))


def etag(number: int) -> str:
    return f'"v{number}"'


def _expected_version() -> int:
    header = request.headers.get("If-Match")
    if not header:
        problem(
            428,
            detail=_('Send If-Match with the ETag of the terms you are changing (GET them first; "v0" when none).'),
        )
    found = _ETAG.match(header)
    return int(found.group(1)) if found else -1


@bp.route("/partners/<int:partner_id>/terms")
class CurrentTerms(MethodView):
    @bp.response(200, TermsVersionSchema, headers={"ETag": {"schema": {"type": "string"}}})
    def get(self, partner_id):
        """The partner's current terms (ETag: the version)"""
        partner = load_partner(partner_id)
        terms, version = terms_service.current(db.session, partner.id)
        if version is None:
            problem(
                404,
                detail=_('No terms are recorded for this partner yet: PUT them with If-Match: "v0".'),
                headers={"ETag": etag(0)},
            )
        return version, {"ETag": etag(terms.version)}

    @bp.doc(parameters=[IF_MATCH])
    @bp.arguments(TermsIn)
    @bp.response(200, TermsVersionSchema, headers={"ETag": {"schema": {"type": "string"}}})
    @bp.alt_response(412, description="Changed by someone else since the version you sent")
    @bp.alt_response(428, description="If-Match is missing")
    def put(self, payload, partner_id):
        """Record new terms (a new version), on top of the version in If-Match"""
        partner = load_partner(partner_id)
        expected = _expected_version()
        shown = terms_service.current(db.session, partner.id)[1]
        agreed_id = shown.agreed_by_contact_id if shown is not None else None
        choices = terms_service.contact_choices(db.session, partner.id, agreed_id)
        form = validate_with(TermsForm, payload, setup=lambda f: f.set_contact_choices(choices))
        with committing():
            try:
                version = terms_service.save_terms(
                    db.session, partner, form.data_for_service(), expected, g.user.id, now_utc()
                )
            except ServiceError as error:
                if error.field != "version":
                    raise
                db.session.rollback()  # the page's optimistic lock refused it: the version moved on
                problem(412, detail=error.message)
        return version, {"ETag": etag(version.version)}


@bp.route("/partners/<int:partner_id>/terms/versions")
@bp.arguments(VersionListArgs, location="query")
@bp.response(200, page_schema(TermsVersionSchema))
def versions(args, partner_id):
    """Every version of the partner's terms, newest first"""
    partner = load_partner(partner_id)
    stmt = select(TermsVersion).where(TermsVersion.partner_id == partner.id)
    if args["updated_since"] is not None:
        stmt = stmt.where(TermsVersion.changed_at >= args["updated_since"])
    rows, next_cursor = keyset_page(
        db.session,
        stmt,
        sort_columns=sort_columns(args["sort"], VERSION_SORTS),
        cursor=args["cursor"],
        limit=args["limit"],
    )
    return {"data": rows, "next_cursor": next_cursor}
