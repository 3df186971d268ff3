"""The dashboard (home page): today's and overdue reminders, every neglect / relationship flag with
its count, a touches-per-week picture, mine / everyone's; one click schedules a suggested follow-up.
And the Help page with the exact rules.

Queries on the page, whatever the data size: reminders (1), every flag's count and first rows (1),
next follow-up of the listed partners (1), the trend (1) — plus the navigation's."""

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.dashboard import bp
from app.extensions import db
from app.models import Partner, Reminder
from app.services import ServiceError, neglect
from app.services import interactions as interaction_service
from app.services import reminders as reminder_service
from app.services.clock import local_today
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc as _now
from app.web import render, wants_fragment

LIST_LIMIT = 8
_SENTINEL = 987654321  # stands for a partner id in URL patterns built once per page
REMINDER_LIMIT = 20
TREND_WEEKS = 12

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


def _dashboard_data(who: str) -> dict:
    now = _now()
    owner_id = current_user.id if who == "mine" else None
    today = local_today(current_user.timezone, now)
    reminders_stmt = (
        select(Reminder)
        .options(joinedload(Reminder.partner), joinedload(Reminder.assignee))
        .where(Reminder.workspace_id == g.workspace.id, Reminder.completed_at.is_(None), Reminder.due_on <= today)
        .order_by(Reminder.due_on, Reminder.id)
        .limit(REMINDER_LIMIT)
    )
    if owner_id:
        reminders_stmt = reminders_stmt.where(Reminder.assignee_id == owner_id)
    reminders = list(db.session.scalars(reminders_stmt))
    counts, lists = neglect.flag_overview(db.session, g.workspace.id, now, owner_id=owner_id, limit=LIST_LIMIT)
    partner_ids = sorted({row.partner_id for rows in lists.values() for row in rows})
    next_follow_up = _next_follow_up(partner_ids)
    trend = interaction_service.touches_per_week(db.session, g.workspace.id, now, weeks=TREND_WEEKS, author_id=owner_id)
    next_url = url_for("dashboard.index", who=who if who == "mine" else None)
    patterns = {
        "timeline": url_for("interactions.timeline", partner_id=_SENTINEL),
        "follow_up": url_for("dashboard.follow_up", partner_id=_SENTINEL),
        "partner": url_for("partners.show", partner_id=_SENTINEL),
        "quick_log": url_for("interactions.quick_log", partner_id=_SENTINEL, compact=1, next=next_url),
    }

    def row_url(kind: str, partner_id: int) -> str:
        return patterns[kind].replace(str(_SENTINEL), str(int(partner_id)), 1)

    return {
        "who": who,
        "today": today,
        "row_url": row_url,
        "reminders": reminders,
        "counts": counts,
        "lists": lists,
        "next_follow_up": next_follow_up,
        "trend": trend,
        "trend_max": max([c for _, c in trend] + [1]),
        "labels": FLAG_LABELS,
        "hints": FLAG_HINTS,
        "order": neglect.DASHBOARD_FLAGS,
        "now": now,
        "next_url": next_url,
    }


def _next_follow_up(partner_ids) -> dict:
    """The next open reminder date of each listed partner: one grouped query on the reminders'
    partner index (the ids come from this workspace's flag lists)."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(Reminder.partner_id, func.min(Reminder.due_on))
        .where(Reminder.partner_id.in_(partner_ids), Reminder.completed_at.is_(None))
        .group_by(Reminder.partner_id)
    )
    return {partner_id: due for partner_id, due in rows}  # noqa: C416 (a Result is not a mapping)


@bp.route("/dashboard")
def index():
    # A brand-new workspace gets a first step instead of six empty flag lists (one EXISTS query)
    has_partners = db.session.scalar(select(select(Partner.id).where(Partner.workspace_id == g.workspace.id).exists()))
    return render("dashboard/index.html", "dashboard/_body.html", has_partners=has_partners, **_dashboard_data(_who()))


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
    try:
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
    except ServiceError as error:  # pragma: no cover - the inputs come from this view
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("dashboard.index"))
    db.session.commit()
    if wants_fragment():
        response = render("dashboard/_scheduled.html", reminder=reminder, partner=partner)
        response.headers["HX-Trigger"] = "reminders-changed"
        return response
    flash(_("Reminder added: %(title)s", title=reminder.title), "success")
    return redirect(url_for("dashboard.index"))


@bp.route("/help")
def help():
    return render("dashboard/help.html", flags=neglect, labels=FLAG_LABELS)
