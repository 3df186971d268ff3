"""The partner page's Reminders tab: the partner's open and recently done reminders, and a quick
form to add one (answers htmx with the whole section, #partner-reminders)."""

from datetime import timedelta

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Partner
from app.reminders import bp
from app.reminders.forms import QuickReminderForm
from app.reminders.routes import CHANGED_EVENT, other_workspace_hint, user_today
from app.services import neglect
from app.services import reminders as service
from app.services.accounts import workspace_members
from app.tenancy import get_or_404_in_workspace
from app.web import nav_section, render, unit_of_work, wants_fragment
from app.web import now_utc as _now


def _quick_form(partner, *, blank=False):
    form = QuickReminderForm(formdata=None) if blank else QuickReminderForm()
    form.set_choices(workspace_members(db.session, g.workspace.id))
    return form


def _partner_section(partner, form=None, *, message=None, status=200):
    today = user_today()
    if form is None:
        form = _quick_form(partner, blank=True)
        cadence = neglect.cadence_of(partner, g.workspace)
        form.title.data = _("Check in with %(name)s", name=partner.name)
        form.due_on.data = today + timedelta(days=cadence)
        form.assignee_id.data = partner.owner_id or current_user.id
        if form.assignee_id.data not in {choice[0] for choice in form.assignee_id.choices}:
            form.assignee_id.data = current_user.id
    open_items, done_items = service.partner_reminders(db.session, partner.id)
    return render(
        "reminders/partner_tab.html",
        "reminders/_partner_section.html",
        status=status,
        partner=partner,
        tab="reminders",
        open_items=open_items,
        done_items=done_items,
        quick_form=form,
        today=today,
        message=message,
        next_url=url_for("reminders.partner_tab", partner_id=partner.id),
    )


@bp.route("/partners/<int:partner_id>/reminders", methods=["GET"])
@nav_section("partners")
def partner_tab(partner_id):
    hint = other_workspace_hint()
    if hint is not None:
        return hint
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))  # the header shows it
    return _partner_section(partner)


@bp.route("/partners/<int:partner_id>/reminders", methods=["POST"])
def partner_add(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))  # the header shows it
    form = _quick_form(partner)
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            service.create_reminder(
                db.session,
                workspace_id=g.workspace.id,
                title=form.title.data,
                due_on=form.due_on.data,
                partner_id=partner.id,
                assignee_id=form.assignee_id.data,
                created_by_id=current_user.id,
                now=_now(),
            )
        if uow.ok:
            if wants_fragment():
                response = _partner_section(partner, message=_("Reminder added."))
                response.headers["HX-Trigger"] = CHANGED_EVENT
                return response
            flash(_("Reminder added."), "success")
            return redirect(url_for("reminders.partner_tab", partner_id=partner.id))
    return _partner_section(partner, form, status=422)
