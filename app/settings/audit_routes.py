"""Settings → Audit log (owners only): the workspace's recorded changes, filtered by member, object
type and date range, newest first, and the CSV export of the filtered log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response, g, request, stream_with_context
from flask_babel import get_timezone
from flask_babel import gettext as _

from app.audit_display import action_label, change_line, changes_of, type_label
from app.extensions import db
from app.formatting import fmt_datetime
from app.services.accounts import workspace_members
from app.services.audit import queries
from app.services.audit.registry import OBJECT_TYPES
from app.services.exporting import write_csv
from app.settings import bp
from app.tenancy import require_owner
from app.web import int_arg, render

EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)


def _date(name: str, errors: dict) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Give a date like 2026-03-31.")
        return None
    if not EARLIEST <= day <= LATEST:  # a day at the calendar's ends has no midnight in every time zone
        errors[name] = _("Give a date between %(first)s and %(last)s.", first=EARLIEST.year, last=LATEST.year)
        return None
    return day


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=get_timezone())


def _filters() -> tuple[queries.LogFilters, dict, dict]:
    errors: dict[str, str] = {}
    since, until = _date("from", errors), _date("to", errors)
    if since and until and until < since:
        errors["to"] = _("The end date is before the start date.")
        until = None
    object_type = request.args.get("type", "")
    filters = queries.LogFilters(
        member_id=int_arg("member"),
        object_type=object_type if object_type in OBJECT_TYPES else "",
        since=_local_midnight(since) if since else None,
        until=_local_midnight(until + timedelta(days=1)) if until else None,
    )
    args = {k: request.args[k] for k in ("member", "type", "from", "to") if request.args.get(k) and k not in errors}
    return filters, errors, args


@bp.route("/audit-log")
def audit_log():
    require_owner()
    filters, errors, args = _filters()
    page = queries.workspace_log(db.session, g.workspace.id, filters, before=int_arg("before"))
    return render(
        "settings/audit_log.html",
        section="audit_log",
        page=page,
        errors=errors,
        args=args,
        members=workspace_members(db.session, g.workspace.id),
        object_types=[(t, type_label(t)) for t in OBJECT_TYPES],
        changes_of=changes_of,
        action_label=action_label,
        type_label=type_label,
    )


@bp.route("/audit-log.csv")
def audit_log_csv():
    require_owner()
    filters, _errors, _args = _filters()
    workspace_id = g.workspace.id
    header = [_("When"), _("Who"), _("Object type"), _("Object"), _("Object id"), _("Action"), _("Changes")]

    def rows():
        for page in queries.export_chunks(db.session, workspace_id, filters):
            for event in page.events:
                yield [
                    fmt_datetime(event.occurred_at),
                    str(event.actor_label),
                    type_label(event.object_type),
                    event.object_label,
                    event.object_id,
                    action_label(event.action),
                    change_line(event, page.names),
                ]

    return Response(
        stream_with_context(write_csv(rows(), header)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="orchard-audit-log.csv"'},
    )
