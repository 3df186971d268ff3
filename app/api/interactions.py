"""Interactions over the API: the workspace's touches (by partner, kind, author; `updated_since` for
sync), log one, read, edit, delete (undoable, as on the timeline) and restore."""

from __future__ import annotations

from datetime import UTC

from flask import g, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf

from app.api.auth import ApiBlueprint
from app.api.forms import ID, overlay, validate_with
from app.api.pagination import AwareDateTime, keyset_page, list_args, page_schema
from app.api.partners import sort_columns
from app.api.problems import problem
from app.api.writing import committing
from app.extensions import db
from app.interactions.forms import InteractionForm
from app.models import Interaction, Partner
from app.models.interaction import DIRECTIONS, KINDS
from app.representations import InteractionSchema, represent
from app.services import interactions as service
from app.tenancy import get_or_404_in_workspace, scoped
from app.web import now_utc

bp = ApiBlueprint(
    "api_interactions",
    __name__,
    url_prefix="/api/v1",
    description="Interactions: calls, meetings, emails, messages, notes.",
)

SORTS = {"occurred": Interaction.occurred_at, "updated": Interaction.updated_at}
FORM_TIME = "%Y-%m-%dT%H:%M:%S"  # the form's datetime-local format (read here as UTC)


InteractionListArgs = list_args(
    "InteractionListArgs",
    tuple(SORTS),
    "-occurred",
    partner_id=fields.Integer(validate=ID),
    kind=fields.String(validate=OneOf(KINDS)),
    author_id=fields.Integer(validate=ID, metadata={"description": "Logged by this member"}),
    deleted=fields.Boolean(
        load_default=False, metadata={"description": "true: the deleted ones (which can be restored) instead"}
    ),
)


class InteractionPatch(Schema):
    kind = fields.String(validate=OneOf(KINDS))
    direction = fields.String(allow_none=True, validate=OneOf(DIRECTIONS), metadata={"description": "Not for a note"})
    contact_id = fields.Integer(allow_none=True, validate=ID)
    occurred_at = AwareDateTime(metadata={"description": "ISO 8601 (UTC when it has no offset)"})
    summary = fields.String(allow_none=True, validate=Length(max=5000))


class InteractionIn(InteractionPatch):
    partner_id = fields.Integer(required=True, validate=ID)
    kind = fields.String(required=True, validate=OneOf(KINDS))


def _interaction(interaction_id: int) -> Interaction:
    return get_or_404_in_workspace(Interaction, interaction_id)


def _checked(payload: dict) -> dict:
    """The page's form checks the values; the time goes to it as UTC wall time, the service gets it aware."""
    occurred = payload.get("occurred_at")
    values = dict(payload)
    if occurred is not None:
        occurred = occurred.astimezone(UTC)
        values["occurred_at"] = occurred.strftime(FORM_TIME)
    form = validate_with(InteractionForm, values, setup=_setup)
    return {
        "kind": form.kind.data,
        "direction": form.direction.data,
        "contact_id": form.contact_id.data,
        "occurred_at": occurred,
        "summary": form.summary.data,
    }


def _setup(form):
    form.contact_id.choices = []
    form.follow_up.choices = [("", "")]


@bp.route("/interactions")
class Interactions(MethodView):
    @bp.arguments(InteractionListArgs, location="query")
    @bp.response(200, page_schema(InteractionSchema))
    def get(self, args):
        """The workspace's interactions, newest first"""
        stmt = scoped(Interaction).where(
            Interaction.deleted_at.is_not(None) if args["deleted"] else Interaction.deleted_at.is_(None)
        )
        if args.get("partner_id"):
            stmt = stmt.where(Interaction.partner_id == args["partner_id"])
        if args.get("kind"):
            stmt = stmt.where(Interaction.kind == args["kind"])
        if args.get("author_id"):
            stmt = stmt.where(Interaction.created_by_id == args["author_id"])
        if args["updated_since"] is not None:
            stmt = stmt.where(Interaction.updated_at >= args["updated_since"])
        rows, next_cursor = keyset_page(
            db.session, stmt, sort_columns=sort_columns(args["sort"], SORTS), cursor=args["cursor"], limit=args["limit"]
        )
        return {"data": rows, "next_cursor": next_cursor}

    @bp.arguments(InteractionIn)
    @bp.response(201, InteractionSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, payload):
        """Log an interaction"""
        partner = db.session.scalar(scoped(Partner).where(Partner.id == payload["partner_id"]))
        if partner is None:
            problem(422, errors={"partner_id": [_("Choose the partner this interaction was with.")]})
        data = _checked({"direction": "ours", **payload})
        with committing():
            interaction = service.log_interaction(db.session, partner, data, actor_id=g.user.id, now=now_utc())
        location = url_for("api_interactions.InteractionItem", interaction_id=interaction.id)
        return interaction, 201, {"Location": location}


@bp.route("/interactions/<int:interaction_id>")
class InteractionItem(MethodView):
    @bp.response(200, InteractionSchema)
    def get(self, interaction_id):
        """One interaction (a deleted one too: it can be restored)"""
        return _interaction(interaction_id)

    @bp.arguments(InteractionPatch(partial=True))
    @bp.response(200, InteractionSchema)
    def patch(self, payload, interaction_id):
        """Change an interaction (the fields sent)"""
        interaction = _interaction(interaction_id)
        current = {**represent(interaction), "occurred_at": interaction.occurred_at}
        data = _checked(overlay(current, payload))
        with committing():
            service.update_interaction(db.session, interaction, data, now=now_utc())
        return interaction

    @bp.response(204)
    def delete(self, interaction_id):
        """Delete an interaction to the workspace's Trash (POST …/restore undoes it)"""
        interaction = _interaction(interaction_id)
        with committing():
            service.delete_interaction(db.session, interaction, now=now_utc(), by_id=g.user.id)


@bp.route("/interactions/<int:interaction_id>/restore", methods=["POST"])
@bp.response(200, InteractionSchema)
def restore(interaction_id):
    """Undo the delete of an interaction"""
    interaction = _interaction(interaction_id)
    with committing():
        service.restore_interaction(db.session, interaction)
    return interaction
