"""Interactions: the partner page's Timeline tab, the quick-log box (Overview, Timeline, Dashboard),
inline edit / delete / undo, and the workspace Activity feed.

Logging answers htmx with a fresh quick-log box (with what was logged and the follow-up made) and
an `interaction-logged` HX-Trigger; the timeline and the dashboard panels listen for it and reload
themselves. Without JavaScript every action redirects back (POST, then redirect)."""

import json
import re
from datetime import timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.formatting import fmt_date
from app.ids import parse_int
from app.interactions import bp
from app.interactions.forms import DIRECTION_LABELS, KIND_LABELS, InteractionForm
from app.models import Interaction, Partner, Reminder
from app.models.interaction import KINDS
from app.services import interactions as service
from app.services import neglect
from app.services import reminders as reminder_service
from app.services.accounts import workspace_members
from app.services.clock import local_today, zone
from app.services.contacts import current_contacts
from app.tenancy import get_or_404_in_workspace, scoped
from app.web import int_arg as _int_arg
from app.web import nav_section, page_arg, render, safe_next_url, unit_of_work, wants_fragment
from app.web import now_utc as _now

LOGGED_EVENT = "interaction-logged"
TIMELINE_PER_PAGE = 20
FEED_PER_PAGE = 30


def _zone():
    return zone(current_user.timezone)


def _local_now():
    return _now().astimezone(_zone()).replace(second=0, microsecond=0, tzinfo=None)


def _kind_arg():
    kind = request.args.get("kind", "")
    return kind if kind in KINDS else ""


def _logged_trigger(partner_id: int, *, reminders: bool = False) -> str:
    """The HX-Trigger telling the timeline and the dashboard to reload (and the reminders badge)."""
    events = {LOGGED_EVENT: {"partner": partner_id}}
    if reminders:
        events["reminders-changed"] = True
    return json.dumps(events)


def _box_id(value) -> str:
    """A suffix that keeps several quick-log boxes for one partner apart (letters, digits, - and _)."""
    return re.sub(r"[^A-Za-z0-9_-]", "", value or "")[:40]


def _next_url(default):
    return safe_next_url(request.values.get("next")) or default


def _form_data(form) -> dict:
    occurred = form.occurred_at.data
    if occurred is not None:
        occurred = occurred.replace(tzinfo=_zone())
    return {
        "kind": form.kind.data,
        "direction": form.direction.data,
        "contact_id": form.contact_id.data,
        "occurred_at": occurred,
        "summary": form.summary.data,
    }


def quick_form(cadence: int, contacts=None, *, blank: bool = False) -> InteractionForm:
    form = InteractionForm(formdata=None) if blank else InteractionForm()
    form.set_contacts(contacts or [])
    form.set_follow_up(cadence)
    if blank or not form.is_submitted():
        form.occurred_at.data = _local_now()
    return form


@bp.app_template_global()
def interaction_quick_form(cadence: int, contacts=None):
    """A blank quick-log form, for pages that include interactions/_quick_log.html."""
    return quick_form(cadence, contacts, blank=True)


@bp.app_template_global()
def interaction_labels():
    return {"kinds": KIND_LABELS, "directions": DIRECTION_LABELS}


# --- logging --------------------------------------------------------------------------------------


@bp.route("/partners/<int:partner_id>/interactions", methods=["POST"])
def log(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    compact = request.form.get("compact") == "1"
    contacts = [] if compact else current_contacts(db.session, partner.id)
    cadence = _cadence(partner)
    form = quick_form(cadence, contacts)
    next_url = _next_url(url_for("interactions.timeline", partner_id=partner.id))
    box = {"partner": partner, "compact": compact, "next_url": next_url, "box_id": _box_id(request.form.get("box"))}
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            interaction = service.log_interaction(
                db.session, partner, _form_data(form), actor_id=current_user.id, now=_now()
            )
            reminder = None
            days = form.follow_up_days()
            if days:
                today = local_today(current_user.timezone, _now())
                reminder = reminder_service.create_reminder(
                    db.session,
                    workspace_id=g.workspace.id,
                    partner_id=partner.id,
                    title=_("Follow up with %(name)s", name=partner.name),
                    due_on=today + timedelta(days=days),
                    assignee_id=current_user.id,
                    created_by_id=current_user.id,
                    now=_now(),
                    notes=_after(interaction.kind, fmt_date(interaction.occurred_at)),
                )
        if uow.ok:
            message = _("%(kind)s logged.", kind=KIND_LABELS[interaction.kind])
            if reminder is not None:
                message += " " + _("Follow-up on %(date)s.", date=fmt_date(reminder.due_on))
            if not wants_fragment():
                flash(message, "success")
                return redirect(next_url)
            response = render(
                "interactions/_quick_log.html",
                form=quick_form(cadence, contacts, blank=True),
                cadence=cadence,
                contacts=contacts,
                message=message,
                logged=interaction,
                follow_up_reminder=reminder,
                **box,
            )
            response.headers["HX-Trigger"] = _logged_trigger(partner.id, reminders=True)
            return response
    if not wants_fragment():
        # Without JavaScript the form shows again on the Timeline tab, with the errors and what was typed.
        return _timeline_page(partner, form=form, status=422)
    return render("interactions/_quick_log.html", form=form, cadence=cadence, contacts=contacts, status=422, **box)


@bp.route("/partners/<int:partner_id>/quick-log", methods=["GET"])
def quick_log(partner_id):
    """A blank quick-log box (the dashboard loads one when a row's "Log…" is opened)."""
    partner = get_or_404_in_workspace(Partner, partner_id)
    compact = request.args.get("compact") == "1"
    contacts = [] if compact else current_contacts(db.session, partner.id)
    cadence = _cadence(partner)
    return render(
        "interactions/quick_log_page.html",
        "interactions/_quick_log.html",
        form=quick_form(cadence, contacts, blank=True),
        partner=partner,
        cadence=cadence,
        contacts=contacts,
        compact=compact,
        box_id=_box_id(request.args.get("box")),
        next_url=_next_url(url_for("interactions.timeline", partner_id=partner.id)),
    )


def _cadence(partner) -> int:
    return neglect.cadence_of(partner, g.workspace)


# --- the Timeline tab ---------------------------------------------------------------------------


def _timeline_page(partner, *, form=None, status=200):
    kind = _kind_arg()
    page = service.timeline(db.session, partner.id, kind=kind, page=page_arg(), per_page=TIMELINE_PER_PAGE)
    health = neglect.partner_status(db.session, partner, _now())
    contacts = current_contacts(db.session, partner.id)
    if form is None:
        form = quick_form(health.cadence, contacts, blank=True)
    return render(
        "interactions/timeline.html",
        "interactions/_timeline.html",
        status=status,
        partner=partner,
        tab="timeline",
        page=page,
        kind=kind,
        health=health,
        form=form,
        contacts=contacts,
        cadence=health.cadence,
        kinds=KIND_LABELS,
        reason=neglect.never_flagged_reason(partner),
    )


@bp.route("/partners/<int:partner_id>/timeline")
def timeline(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    if wants_fragment():
        kind = _kind_arg()
        page = service.timeline(db.session, partner.id, kind=kind, page=page_arg(), per_page=TIMELINE_PER_PAGE)
        return render(
            "interactions/timeline.html",
            "interactions/_timeline.html",
            partner=partner,
            page=page,
            kind=kind,
            kinds=KIND_LABELS,
        )
    return _timeline_page(partner)


# --- edit, delete, undo ----------------------------------------------------------------------------


def _interaction(interaction_id) -> Interaction:
    return get_or_404_in_workspace(Interaction, interaction_id)


def _item(interaction, *, status=200, **extra):
    if wants_fragment():
        return render("interactions/_item.html", item=interaction, partner=interaction.partner, status=status, **extra)
    if extra.get("message"):
        flash(extra["message"], "info")
    return redirect(_next_url(url_for("interactions.timeline", partner_id=interaction.partner_id)))


def _edit_form(interaction, formdata=True):
    form = InteractionForm() if formdata else InteractionForm(obj=interaction, formdata=None)
    form.set_contacts(current_contacts(db.session, interaction.partner_id))
    form.follow_up.choices = [("", "")]
    if not formdata:
        form.occurred_at.data = interaction.occurred_at.astimezone(_zone()).replace(tzinfo=None)
        form.direction.data = interaction.direction or "ours"
    return form


@bp.route("/interactions/<int:interaction_id>/edit", methods=["GET"])
def edit(interaction_id):
    interaction = _interaction(interaction_id)
    if interaction.deleted_at is not None:
        abort(404)
    form = _edit_form(interaction, formdata=False)
    if not wants_fragment():
        return render(
            "interactions/edit.html",
            item=interaction,
            partner=interaction.partner,
            form=form,
            next_url=_next_url(url_for("interactions.timeline", partner_id=interaction.partner_id)),
        )
    return render("interactions/_item.html", item=interaction, partner=interaction.partner, form=form, editing=True)


@bp.route("/interactions/<int:interaction_id>", methods=["GET"])
def show(interaction_id):
    interaction = _interaction(interaction_id)
    return _item(interaction)


@bp.route("/interactions/<int:interaction_id>", methods=["POST"])
def update(interaction_id):
    interaction = _interaction(interaction_id)
    form = _edit_form(interaction)
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            service.update_interaction(db.session, interaction, _form_data(form), now=_now())
        if uow.ok:
            response = _item(interaction, message=_("Saved."))
            if wants_fragment():
                response.headers["HX-Trigger"] = _logged_trigger(interaction.partner_id)
            return response
        interaction = _interaction(interaction_id)
    if not wants_fragment():
        return render(
            "interactions/edit.html",
            item=interaction,
            partner=interaction.partner,
            form=form,
            status=422,
            next_url=_next_url(url_for("interactions.timeline", partner_id=interaction.partner_id)),
        )
    return render(
        "interactions/_item.html", item=interaction, partner=interaction.partner, form=form, editing=True, status=422
    )


@bp.route("/interactions/<int:interaction_id>/delete", methods=["POST"])
def delete(interaction_id):
    interaction = _interaction(interaction_id)
    undo_log = request.form.get("undo_log") == "1"
    with unit_of_work():
        service.delete_interaction(db.session, interaction, now=_now(), by_id=current_user.id)
        if undo_log:
            # "Undo" right after logging also takes back the follow-up made in the same step.
            reminder_id = parse_int(request.form.get("reminder"))
            reminder = db.session.scalar(scoped(Reminder).where(Reminder.id == reminder_id)) if reminder_id else None
            if (
                reminder is not None
                and reminder.partner_id == interaction.partner_id
                and reminder.created_by_id == current_user.id
            ):
                reminder_service.delete_reminder(db.session, reminder, now=_now(), by_id=current_user.id)
    if undo_log and wants_fragment():
        response = render("interactions/_undone.html")
        response.headers["HX-Trigger"] = _logged_trigger(interaction.partner_id, reminders=True)
        return response
    if not wants_fragment():
        flash(
            _(
                "Moved to Trash: %(kind)s of %(date)s.",
                kind=KIND_LABELS[interaction.kind],
                date=fmt_date(interaction.occurred_at),
            ),
            "info",
        )
        return redirect(_next_url(url_for("interactions.timeline", partner_id=interaction.partner_id)))
    response = _item(interaction, deleted=True)
    response.headers["HX-Trigger"] = json.dumps({"interaction-changed": {"partner": interaction.partner_id}})
    return response


@bp.route("/interactions/<int:interaction_id>/restore", methods=["POST"])
def restore(interaction_id):
    interaction = _interaction(interaction_id)
    with unit_of_work():
        service.restore_interaction(db.session, interaction)
    response = _item(interaction, message=_("Interaction restored."))
    if wants_fragment():
        response.headers["HX-Trigger"] = json.dumps({"interaction-changed": {"partner": interaction.partner_id}})
    return response


# --- the Activity feed ------------------------------------------------------------------------------


def feed_filters() -> tuple[int | None, str]:
    """The Activity feed's filters from the query: (member id, kind) — the feed and its export."""
    return _int_arg("member"), _kind_arg()


@bp.route("/activity")
@nav_section("activity")
def feed():
    member_id, kind = feed_filters()
    page = service.activity_feed(
        db.session, g.workspace.id, member_id=member_id, kind=kind, page=page_arg(), per_page=FEED_PER_PAGE
    )
    members = workspace_members(db.session, g.workspace.id)
    return render(
        "interactions/feed.html",
        "interactions/_feed.html",
        page=page,
        members=members,
        member_id=member_id,
        kind=kind,
        kinds=KIND_LABELS,
    )


@bp.app_template_global()
def local_now_input() -> str:
    """Now in the user's time zone, as a datetime-local input value."""
    return _local_now().strftime("%Y-%m-%dT%H:%M")


@bp.app_template_global()
def follow_up_picks(cadence: int) -> list[int]:
    from app.interactions.forms import FOLLOW_UP_PICKS

    return sorted(set(FOLLOW_UP_PICKS) | {int(cadence)})


def _after(kind: str, day: str) -> str:
    """The follow-up reminder's note: one whole sentence per kind of interaction."""
    notes = {
        "call": _("After the call on %(date)s.", date=day),
        "meeting": _("After the meeting on %(date)s.", date=day),
        "email": _("After the email on %(date)s.", date=day),
        "message": _("After the message on %(date)s.", date=day),
        "note": _("After the note on %(date)s.", date=day),
    }
    return notes.get(kind) or _("After the interaction on %(date)s.", date=day)
