"""The dashboard's flags over the API: how many partners carry each flag and the first of each,
everyone's or the caller's own partners (the dashboard's "mine")."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields
from marshmallow.validate import OneOf, Range

from app.api.auth import ApiBlueprint
from app.extensions import db
from app.services import neglect
from app.services.dashboard import LIST_LIMIT
from app.web import now_utc

bp = ApiBlueprint(
    "api_dashboard", __name__, url_prefix="/api/v1", description="The dashboard: every flag and its count."
)


class FlagArgs(Schema):
    who = fields.String(load_default="all", validate=OneOf(("all", "mine")))
    limit = fields.Integer(load_default=LIST_LIMIT, validate=Range(1, 50), metadata={"description": "Rows per flag"})


class FlagRowSchema(Schema):
    class Meta:
        ordered = True

    partner_id = fields.Integer()
    name = fields.String()
    tier = fields.String()
    owner_name = fields.String(allow_none=True)
    cadence_days = fields.Integer(attribute="cadence")
    response_time_days = fields.Integer(attribute="response_time")
    days_since = fields.Integer(metadata={"description": "Days since the last touch (or since added)"})
    overdue_ratio = fields.Float()
    last_touch_at = fields.DateTime(allow_none=True)
    waiting_days = fields.Integer()
    ours_since_theirs = fields.Integer()
    contacts = fields.Integer()


class FlagSchema(Schema):
    class Meta:
        ordered = True

    flag = fields.String(validate=OneOf(neglect.FLAGS))
    count = fields.Integer()
    partners = fields.List(fields.Nested(FlagRowSchema))


class FlagsSchema(Schema):
    data = fields.List(fields.Nested(FlagSchema))


@bp.route("/dashboard/flags")
@bp.arguments(FlagArgs, location="query")
@bp.response(200, FlagsSchema)
def flags(args):
    """Every dashboard flag, in the dashboard's order, with its count and its first partners"""
    owner_id = g.user.id if args["who"] == "mine" else None
    counts, lists = neglect.flag_overview(db.session, g.workspace.id, now_utc(), owner_id=owner_id, limit=args["limit"])
    return {
        "data": [
            {"flag": flag, "count": counts.get(flag, 0), "partners": lists.get(flag, [])}
            for flag in neglect.DASHBOARD_FLAGS
        ]
    }
