"""Reminders over the API: open or done ones (everyone's or one assignee's), add, read, edit, delete,
and the reminders page's inline actions: complete, reopen, snooze."""

from __future__ import annotations

from datetime import date

from flask import g, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf

from app.api.auth import ApiBlueprint
from app.api.forms import ID, overlay, validate_with
from app.api.pagination import keyset_page, list_args, page_schema
from app.api.partners import sort_columns
from app.api.writing import committing
from app.extensions import db
from app.models import Reminder
from app.reminders.forms import ReminderForm
from app.representations import ReminderSchema, represent
from app.services import reminders as service
from app.services.accounts import workspace_members
from app.services.clock import local_today
from app.tenancy import get_or_404_in_workspace, scoped
from app.web import now_utc

bp = ApiBlueprint(
    "api_reminders", __name__, url_prefix="/api/v1", description="Reminders: follow-ups someone should do, by a date."
)

SORTS = {"due": Reminder.due_on, "updated": Reminder.updated_at, "created": Reminder.created_at}
FORM_FIELDS = ("title", "due_on", "due_time", "assignee_id", "partner_id", "notes")


ReminderListArgs = list_args(
    "ReminderListArgs",
    tuple(SORTS),
    "due",
    view=fields.String(load_default="open", validate=OneOf(("open", "done"))),
    assignee_id=fields.Integer(validate=ID),
    partner_id=fields.Integer(validate=ID),
)


class ReminderPatch(Schema):
    title = fields.String(validate=Length(max=200))
    due_on = fields.Date()
    due_time = fields.String(allow_none=True, metadata={"description": "HH:MM in the assignee's time zone"})
    assignee_id = fields.Integer(validate=ID, metadata={"description": "A member; you when left out"})
    partner_id = fields.Integer(allow_none=True, validate=ID)
    notes = fields.String(allow_none=True, validate=Length(max=5000))


class ReminderIn(ReminderPatch):
    title = fields.String(required=True, validate=Length(max=200))
    due_on = fields.Date(required=True)


class _Until(fields.Field):
    """ "tomorrow", "next_week" or an ISO date."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("tomorrow", "next_week"):
            return value
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            pass
        raise ValidationError(_("Choose tomorrow, next week or a date."))


class SnoozeIn(Schema):
    until = _Until(
        required=True,
        metadata={
            "type": "string",
            "description": '"tomorrow", "next_week" (the next Monday) or a date (YYYY-MM-DD), in your time zone',
        },
    )


def _reminder(reminder_id: int) -> Reminder:
    return get_or_404_in_workspace(Reminder, reminder_id)


def _today() -> date:
    return local_today(g.user.timezone, now_utc())


def _values(payload: dict) -> dict:
    members = workspace_members(db.session, g.workspace.id)
    form = validate_with(ReminderForm, payload, setup=lambda f: f.set_choices(members, []))
    return form.data_for_service()


@bp.route("/reminders")
class Reminders(MethodView):
    @bp.arguments(ReminderListArgs, location="query")
    @bp.response(200, page_schema(ReminderSchema))
    def get(self, args):
        """Open reminders by due date, or done ones; everyone's, or one assignee's"""
        conditions, _order = service.list_query(g.workspace.id, view=args["view"], assignee_id=args.get("assignee_id"))
        stmt = scoped(Reminder).where(*conditions)
        if args.get("partner_id"):
            stmt = stmt.where(Reminder.partner_id == args["partner_id"])
        if args["updated_since"] is not None:
            stmt = stmt.where(Reminder.updated_at >= args["updated_since"])
        rows, next_cursor = keyset_page(
            db.session, stmt, sort_columns=sort_columns(args["sort"], SORTS), cursor=args["cursor"], limit=args["limit"]
        )
        return {"data": rows, "next_cursor": next_cursor}

    @bp.arguments(ReminderIn)
    @bp.response(201, ReminderSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, payload):
        """Add a reminder"""
        data = _values({"assignee_id": g.user.id, **payload})
        with committing():
            reminder = service.create_reminder(
                db.session, workspace_id=g.workspace.id, created_by_id=g.user.id, now=now_utc(), **data
            )
        return reminder, 201, {"Location": url_for("api_reminders.ReminderItem", reminder_id=reminder.id)}


@bp.route("/reminders/<int:reminder_id>")
class ReminderItem(MethodView):
    @bp.response(200, ReminderSchema)
    def get(self, reminder_id):
        """One reminder"""
        return _reminder(reminder_id)

    @bp.arguments(ReminderPatch(partial=True))
    @bp.response(200, ReminderSchema)
    def patch(self, payload, reminder_id):
        """Change a reminder (the fields sent)"""
        reminder = _reminder(reminder_id)
        shown = represent(reminder)
        current = {name: shown[name] for name in FORM_FIELDS}
        if reminder.due_time is not None:
            current["due_time"] = reminder.due_time.strftime("%H:%M")  # the form's format
        data = _values(overlay(current, payload))
        with committing():
            service.update_reminder(db.session, reminder, now=now_utc(), **data)
        return reminder

    @bp.response(204)
    def delete(self, reminder_id):
        """Delete a reminder (it goes to the workspace's Trash for 30 days)"""
        reminder = _reminder(reminder_id)
        with committing():
            service.delete_reminder(db.session, reminder, now=now_utc(), by_id=g.user.id)


@bp.route("/reminders/<int:reminder_id>/complete", methods=["POST"])
@bp.response(200, ReminderSchema)
def complete(reminder_id):
    """Mark a reminder done"""
    reminder = _reminder(reminder_id)
    with committing():
        service.complete_reminder(db.session, reminder, now=now_utc())
    return reminder


@bp.route("/reminders/<int:reminder_id>/reopen", methods=["POST"])
@bp.response(200, ReminderSchema)
def reopen(reminder_id):
    """Reopen a done reminder"""
    reminder = _reminder(reminder_id)
    with committing():
        service.reopen_reminder(db.session, reminder, now=now_utc())
    return reminder


@bp.route("/reminders/<int:reminder_id>/snooze", methods=["POST"])
@bp.arguments(SnoozeIn)
@bp.response(200, ReminderSchema)
def snooze(payload, reminder_id):
    """Move an open reminder to tomorrow, next Monday or a date"""
    reminder = _reminder(reminder_id)
    with committing():
        service.snooze_reminder(db.session, reminder, payload["until"], today=_today(), now=now_utc())
    return reminder
