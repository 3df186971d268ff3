"""The dashboard (home page): today's and overdue reminders, every neglect / relationship flag with
its count, a touches-per-week picture, mine / everyone's; one click schedules a suggested follow-up.
And the Help page with the exact rules.

The page's data comes from app.services.dashboard (its docstring counts the queries); this module
parses the request and holds the words: flag labels and hints, the suggested follow-up's title."""

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.dashboard import bp
from app.extensions import db
from app.models import Partner
from app.services import dashboard as dashboard_service
from app.services import neglect
from app.services import reminders as reminder_service
from app.services.clock import local_today
from app.services.webhooks import endpoints as webhook_endpoints
from app.tenancy import get_or_404_in_workspace
from app.web import nav_section, render, unit_of_work, url_template, wants_fragment
from app.web import now_utc as _now

FLAG_LABELS = {
    "neglected": _l("Neglected"),
    "due_soon": _l("Due soon"),
    "waiting_on_us": _l("Waiting on us"),
    "not_answering": _l("Not answering us"),
    "burst_then_silence": _l("Burst then silence"),
    "single_threaded": _l("Single-threaded"),
}
FLAG_HINTS = {
    "neglected": _l("No touch for longer than the cadence, most overdue first."),
    "due_soon": _l("Within the last fifth of the cadence: touch them before they drift."),
    "waiting_on_us": _l("They reached out last and are still waiting for an answer."),
    "not_answering": _l("Our last three touches went unanswered."),
    "burst_then_silence": _l("A burst of three touches within two weeks, then nothing."),
    "single_threaded": _l("One contact away from losing the partner."),
}


@bp.app_template_global()
def flag_labels():
    return FLAG_LABELS


def _who() -> str:
    return "mine" if request.args.get("who") == "mine" else "all"


def suggestion_title(flag: str, row) -> str:
    """The suggested follow-up for a flagged partner, e.g. "Check in with Acme — 41 days, cadence 30"."""
    if flag == "waiting_on_us":
        return _("Reply to %(name)s — waiting %(days)s days", name=row.name, days=row.waiting_days)
    if flag == "not_answering":
        return _("Try another way to reach %(name)s — %(n)s touches unanswered", name=row.name, n=row.ours_since_theirs)
    if flag == "single_threaded":
        return _("Meet a second contact at %(name)s", name=row.name)
    if flag == "due_soon":
        return _(
            "Check in with %(name)s — %(days)s days, cadence %(cadence)s",
            name=row.name,
            days=row.days_since,
            cadence=row.cadence,
        )
    return _(
        "Check in with %(name)s — %(days)s days, cadence %(cadence)s",
        name=row.name,
        days=row.days_since,
        cadence=row.cadence,
    )


@bp.app_template_global()
def follow_up_title(flag, row):
    return suggestion_title(flag, row)


@bp.route("/dashboard")
@nav_section("dashboard")
def index():
    who = _who()
    now = _now()
    owner_id = current_user.id if who == "mine" else None
    today = local_today(current_user.timezone, now)
    data = dashboard_service.overview(db.session, g.workspace.id, now=now, today=today, owner_id=owner_id)
    next_url = url_for("dashboard.index", who=who if who == "mine" else None)
    # Row links: one url_for per kind, not one per row (48 rows)
    row_urls = {
        "timeline": url_template("interactions.timeline", "partner_id"),
        "follow_up": url_template("dashboard.follow_up", "partner_id"),
        "partner": url_template("partners.show", "partner_id"),
        "quick_log": url_template("interactions.quick_log", "partner_id", compact=1, next=next_url),
    }
    # owners are told on the full page when an endpoint was disabled (one query)
    show_banner = g.membership.is_owner and not wants_fragment()
    disabled_webhooks = webhook_endpoints.disabled_count(db.session, g.workspace.id) if show_banner else 0
    return render(
        "dashboard/index.html",
        "dashboard/_body.html",
        disabled_webhooks=disabled_webhooks,
        who=who,
        today=today,
        now=now,
        next_url=next_url,
        row_urls=row_urls,
        has_partners=data.has_partners,
        reminders=data.reminders,
        counts=data.counts,
        lists=data.lists,
        next_follow_up=data.next_follow_up,
        trend=data.trend,
        trend_max=data.trend_max,
        labels=FLAG_LABELS,
        hints=FLAG_HINTS,
        order=neglect.DASHBOARD_FLAGS,
    )


@bp.route("/dashboard/follow-up/<int:partner_id>", methods=["POST"])
def follow_up(partner_id):
    """One click from a flag: a reminder due today with the suggested title, for whoever clicked."""
    partner = get_or_404_in_workspace(Partner, partner_id)
    flag = request.form.get("flag", "neglected")
    if flag not in neglect.FLAGS:
        flag = "neglected"
    now = _now()
    status = neglect.partner_status(db.session, partner, now)
    today = local_today(current_user.timezone, now)
    with unit_of_work() as uow:
        reminder = reminder_service.create_reminder(
            db.session,
            workspace_id=g.workspace.id,
            title=suggestion_title(flag, status)[:200],
            due_on=today,
            partner_id=partner.id,
            assignee_id=current_user.id,
            created_by_id=current_user.id,
            now=now,
        )
    if uow.error:  # pragma: no cover - the inputs come from this view
        flash(uow.error.message, "error")
        return redirect(url_for("dashboard.index"))
    if wants_fragment():
        response = render("dashboard/_scheduled.html", reminder=reminder, partner=partner)
        response.headers["HX-Trigger"] = "reminders-changed"
        return response
    flash(_("Reminder added: %(title)s", title=reminder.title), "success")
    return redirect(url_for("dashboard.index"))


@bp.route("/help")
def help():
    return render("dashboard/help.html", flags=neglect, labels=FLAG_LABELS)
