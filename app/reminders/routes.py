"""Reminders: the page (mine / everyone's; overdue, today, upcoming, done), create and edit, and
the inline actions (complete, reopen, snooze, delete). The partner page's Reminders tab is in
partner_routes.py, Calendar & digest in settings_routes.py.

Inline actions answer htmx with the reminder's row (#reminder-<id>, swapped outerHTML) plus an
HX-Trigger that refreshes the navigation badge; without JavaScript they redirect back (POST, then
redirect) to the page given in `next`."""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.extensions import db
from app.ids import parse_int
from app.models import Partner, Reminder
from app.reminders import bp
from app.reminders.forms import ReminderForm, parse_iso_date
from app.services import reminders as service
from app.services.accounts import workspace_members
from app.services.clock import local_today
from app.tenancy import get_or_404_in_workspace
from app.web import int_arg as _int_arg
from app.web import nav_section, page_arg, per_page, render, safe_next_url, unit_of_work, url_template, wants_fragment
from app.web import now_utc as _now

CHANGED_EVENT = "reminders-changed"


def user_today():
    """Today in the current user's time zone."""
    return local_today(current_user.timezone, _now())


def _next_url(default=None):
    return safe_next_url(request.values.get("next")) or default or url_for("reminders.index")


# --- template helpers -------------------------------------------------------------------------


@bp.app_template_global()
def reminders_due_count() -> int:
    """The current user's overdue + due-today reminders in this workspace: one query, called from the
    navigation, which only full pages (base.html) render."""
    if not current_user.is_authenticated or getattr(g, "workspace", None) is None:
        return 0
    return service.due_count(db.session, g.workspace.id, current_user.id, user_today())


@bp.app_template_global()
def reminder_bucket(reminder, today) -> str:
    return service.bucket(reminder, today)


@bp.app_template_global()
def reminder_count(n: int) -> str:
    """A bucket count; counts stop just past service.COUNT_CAP and read "1,000+"."""
    from app.formatting import fmt_number

    return f"{fmt_number(service.COUNT_CAP)}+" if n > service.COUNT_CAP else fmt_number(n)


@bp.app_template_global()
def reminder_labels() -> dict:
    """The reminder row's words, translated once per request (a page renders many rows)."""
    labels = g.get("_reminder_labels")
    if labels is None:
        labels = g._reminder_labels = {
            "deleted": _("Moved to Trash"),
            "restore": _("Restore"),
            "open_trash": _("Open Trash"),
            "reopen": _("Reopen"),
            "mark_done": _("Mark done"),
            "done": _("Done"),
            "overdue_since": _("Overdue since"),
            "today": _("Today"),
            "for_": _("for"),
            "nobody": _("nobody"),
            "snooze": _("Snooze"),
            "tomorrow": _("Tomorrow"),
            "next_week": _("Next week"),
            "snooze_until": _("Snooze until"),
            "edit": _("Edit"),
            "delete": _("Delete…"),
            "confirm_delete": _("Move this reminder to the Trash? You can restore it there for 30 days."),
            "csrf": generate_csrf(),
        }
    return labels


_ROW_ENDPOINTS = ("complete", "reopen", "snooze", "edit", "delete")


@bp.app_template_global()
def reminder_urls(reminder) -> dict:
    """A row's action URLs, from URL templates built once per request (url_template: a page has
    many rows × 6 links)."""
    templates = g.get("_reminder_url_templates")
    if templates is None:
        templates = g._reminder_url_templates = {
            name: url_template(f"reminders.{name}", "reminder_id") for name in _ROW_ENDPOINTS
        }
        templates["partner"] = url_template("reminders.partner_tab", "partner_id")
    urls = {name: templates[name](reminder.id) for name in _ROW_ENDPOINTS}
    if reminder.partner_id:
        urls["partner"] = templates["partner"](reminder.partner_id)
    return urls


@bp.app_template_global()
def reminder_day(day) -> str:
    """fmt_date, remembered per request: many rows share a date."""
    from app.formatting import fmt_date

    if isinstance(day, datetime):
        from flask_babel import get_timezone

        day = day.astimezone(get_timezone()).date()
    memo = g.get("_reminder_days")
    if memo is None:
        memo = g._reminder_days = {}
    if day not in memo:
        memo[day] = fmt_date(day)
    return memo[day]


# --- the page ---------------------------------------------------------------------------------


def list_args() -> tuple[str, str, int | None]:
    """The reminders page's choices from the query: (who: mine | all, view: open | done, the
    assignee they select) — the page and its export."""
    who = request.args.get("who", "mine")
    who = who if who in ("mine", "all") else "mine"
    view = request.args.get("view", "open")
    view = view if view in ("open", "done") else "open"
    return who, view, current_user.id if who == "mine" else None


@bp.route("/reminders/")
@nav_section("reminders")
def index():
    who, view, assignee_id = list_args()
    today = user_today()
    counts = service.bucket_counts(db.session, g.workspace.id, today, assignee_id)
    total = counts["done"] if view == "done" else counts["overdue"] + counts["today"] + counts["upcoming"]
    page = service.list_reminders(
        db.session,
        g.workspace.id,
        view=view,
        assignee_id=assignee_id,
        page=page_arg(),
        per_page=per_page(),
        count=total,
    )
    return render(
        "reminders/index.html",
        page=page,
        counts=counts,
        who=who,
        view=view,
        today=today,
        args={"who": who, "view": view},
    )


# --- create and edit --------------------------------------------------------------------------


def _partner_choices(selected_id, q: str) -> list[Partner]:
    return service.partner_choices(db.session, g.workspace.id, selected_id, q)


def _selected_partner_id(source) -> int | None:
    return parse_int(source.get("partner_id")) or None


def _form_page(reminder=None):
    """New/edit form. `find` comes from the no-JavaScript "Find partner" button (a POST, so the form
    and its CSRF token stay out of the address bar; a GET from an older page works too): it keeps
    what was typed, lists the matching partners and saves nothing."""
    members = workspace_members(db.session, g.workspace.id)
    finding = "find" in request.values
    if request.method == "POST":
        form = ReminderForm()
    elif finding:
        form = ReminderForm(formdata=request.args)
    else:
        form = ReminderForm(obj=reminder)
    source = request.form if request.method == "POST" else request.args
    selected = (
        _selected_partner_id(source)
        if (request.method == "POST" or finding or "partner_id" in source)
        else (reminder.partner_id if reminder else None)
    )
    if reminder is None and request.method == "GET" and not finding:
        if "partner_id" in request.args:
            partner = get_or_404_in_workspace(Partner, request.args.get("partner_id"))
            selected = partner.id
            form.partner_id.data = partner.id
        form.assignee_id.data = current_user.id
        form.due_on.data = user_today() + timedelta(days=1)
    q = request.values.get("partner_q", "")
    partners = _partner_choices(selected, q)
    form.set_choices(members, partners)
    if finding and not selected and partners:
        form.partner_id.data = partners[0].id
    if not finding and form.validate_on_submit():
        data = form.data_for_service()
        with unit_of_work(form) as uow:
            if reminder is None:
                reminder = service.create_reminder(
                    db.session, workspace_id=g.workspace.id, created_by_id=current_user.id, now=_now(), **data
                )
                message = _("Reminder added.")
            else:
                service.update_reminder(db.session, reminder, now=_now(), **data)
                message = _("Reminder saved.")
        if uow.ok:
            flash(message, "success")
            return redirect(_next_url())
    status = 422 if request.method == "POST" and not finding and (form.errors or form.form_errors) else 200
    return render(
        "reminders/form.html",
        form=form,
        reminder=reminder,
        partner_q=q,
        next_url=safe_next_url(request.values.get("next")),
        status=status,
    )


@bp.route("/reminders/new", methods=["GET", "POST"])
@nav_section("reminders")
def new():
    return _form_page()


def other_workspace_hint():
    """Links in digests and calendar feeds carry ?ws=<workspace id>. When the user belongs to that
    workspace but is working in another one, they are offered to switch (a POST) instead of a 404."""
    ws = _int_arg("ws")
    if request.method != "GET" or ws is None or ws == g.workspace.id:
        return None
    from app.models import Workspace
    from app.services.accounts import membership_for

    if membership_for(db.session, current_user, ws) is None:
        return None  # not theirs: the usual 404 follows
    # the same path and query without ws (query arguments are never url_for's keyword arguments)
    query = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "ws"])
    return render(
        "reminders/switch.html",
        target=db.session.get(Workspace, ws),
        next_url=request.script_root + request.path + (f"?{query}" if query else ""),
    )


@bp.route("/reminders/open-in/<int:workspace_id>", methods=["POST"])
def open_in(workspace_id):
    """Switch to one of the user's workspaces, then go to `next` (a path in this app)."""
    from app.services.accounts import switch_workspace

    with unit_of_work() as uow:
        switch_workspace(db.session, current_user, workspace_id)
    if uow.error:
        abort(404)
    return redirect(_next_url())


@bp.route("/reminders/<int:reminder_id>/edit", methods=["GET", "POST"])
@nav_section("reminders")
def edit(reminder_id):
    hint = other_workspace_hint()
    if hint is not None:
        return hint
    reminder = get_or_404_in_workspace(Reminder, reminder_id)
    return _form_page(reminder)


@bp.route("/reminders/partner-options")
def partner_options():
    """The partner select of the reminder form, refilled as the user types (htmx)."""
    form = ReminderForm(formdata=None)
    selected = _selected_partner_id(request.args)
    partners = _partner_choices(selected, request.args.get("partner_q", ""))
    form.set_choices([], partners)
    # typing a name picks the best match; the select still offers the others
    form.partner_id.data = selected or (partners[0].id if partners else None)
    return render_template("reminders/_partner_select.html", form=form)


# --- inline actions ---------------------------------------------------------------------------


def _row(reminder, *, status=200, error=None, message=None, deleted=False, trash_entry=None):
    if wants_fragment():
        response = render(
            "reminders/_row.html",
            r=reminder,
            today=user_today(),
            next_url=_next_url(),
            snooze_error=error,
            deleted=deleted,
            trash_entry=trash_entry,
            status=status,
        )
        if status < 400:
            response.headers["HX-Trigger"] = CHANGED_EVENT
        return response
    if error:
        flash(error, "error")
    elif message:
        flash(message, "success")
    return redirect(_next_url())


@bp.route("/reminders/<int:reminder_id>/complete", methods=["POST"])
def complete(reminder_id):
    reminder = get_or_404_in_workspace(Reminder, reminder_id)
    service.complete_reminder(db.session, reminder, now=_now())
    db.session.commit()
    return _row(reminder, message=_("Done: %(title)s", title=reminder.title))


@bp.route("/reminders/<int:reminder_id>/reopen", methods=["POST"])
def reopen(reminder_id):
    reminder = get_or_404_in_workspace(Reminder, reminder_id)
    service.reopen_reminder(db.session, reminder, now=_now())
    db.session.commit()
    return _row(reminder, message=_("Reopened: %(title)s", title=reminder.title))


@bp.route("/reminders/<int:reminder_id>/snooze", methods=["POST"])
def snooze(reminder_id):
    reminder = get_or_404_in_workspace(Reminder, reminder_id)
    until = request.form.get("until", "")
    if until == "date":
        until = parse_iso_date(request.form.get("date"))
        if until is None:
            return _row(reminder, status=422, error=_("Pick a date to snooze until."))
    with unit_of_work() as uow:
        service.snooze_reminder(db.session, reminder, until, today=user_today(), now=_now())
    if uow.error:
        return _row(reminder, status=422, error=uow.error.message)
    from app.formatting import fmt_date

    return _row(reminder, message=_("Snoozed until %(day)s.", day=fmt_date(reminder.due_on)))


@bp.route("/reminders/<int:reminder_id>/delete", methods=["GET", "POST"])
@nav_section("reminders")
def delete(reminder_id):
    reminder = get_or_404_in_workspace(Reminder, reminder_id)
    if request.method == "GET":
        return render("reminders/delete.html", reminder=reminder, next_url=_next_url())
    title = reminder.title
    entry = service.delete_reminder(db.session, reminder, now=_now(), by_id=current_user.id)
    db.session.commit()
    if wants_fragment():
        return _row(reminder, deleted=True, trash_entry=entry)
    flash(_("Moved to Trash: %(title)s", title=title), "info")
    return redirect(_next_url())


@bp.route("/reminders/badge")
def badge():
    """The navigation badge alone, refreshed after an inline action."""
    return render_template("reminders/_badge.html")
