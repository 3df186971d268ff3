"""Contacts, edited inline on the partner page. Every action answers with the whole contacts
section (#partner-contacts) for htmx, or redirects back to the partner page without JavaScript."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import Contact, Partner
from app.partners import bp
from app.partners.forms import ContactForm
from app.services import contacts as contact_service
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc as _now
from app.web import render, unit_of_work, wants_fragment


def _contact_of(partner, contact_id) -> Contact:
    contact = get_or_404_in_workspace(Contact, contact_id)
    if contact.partner_id != partner.id:
        from flask import abort

        abort(404)
    return contact


def _section(partner, *, form=None, editing=None, edit_form=None, message=None, undo_contact=None, status=200):
    """The contacts section as a fragment (htmx) or inside the full partner page."""
    return render(
        "partners/show.html",
        "partners/_contacts.html",
        status=status,
        partner=partner,
        contacts=contact_service.current_contacts(db.session, partner.id),
        contact_form=form or ContactForm(formdata=None),
        editing=editing,
        edit_form=edit_form,
        contact_message=message,
        undo_contact=undo_contact,
        tab="overview",
    )


def _done(partner, message, undo_contact=None):
    if wants_fragment():
        return _section(partner, message=message, undo_contact=undo_contact)
    return redirect(url_for("partners.show", partner_id=partner.id, _anchor="partner-contacts"))


@bp.route("/<int:partner_id>/contacts", methods=["GET"])
def contacts(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    return _section(partner)


@bp.route("/<int:partner_id>/contacts", methods=["POST"])
def add_contact(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _section(partner, form=form, status=422)
    with unit_of_work():  # the partner deleted a moment ago: 404
        contact = contact_service.add_contact(db.session, partner, form.data_for_service(), _now())
    return _done(partner, _("%(name)s added.", name=contact.name))


@bp.route("/<int:partner_id>/contacts/<int:contact_id>/edit", methods=["GET"])
def edit_contact(partner_id, contact_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    contact = _contact_of(partner, contact_id)
    return _section(partner, editing=contact.id, edit_form=ContactForm(obj=contact, formdata=None))


@bp.route("/<int:partner_id>/contacts/<int:contact_id>", methods=["POST"])
def update_contact(partner_id, contact_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    contact = _contact_of(partner, contact_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _section(partner, editing=contact.id, edit_form=form, status=422)
    contact_service.update_contact(db.session, contact, form.data_for_service(), _now())
    db.session.commit()
    return _done(partner, _("%(name)s saved.", name=contact.name))


@bp.route("/<int:partner_id>/contacts/<int:contact_id>/remove", methods=["POST"])
def remove_contact(partner_id, contact_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    contact = _contact_of(partner, contact_id)
    contact_service.remove_contact(contact, _now(), by_id=current_user.id)
    db.session.commit()
    message = _("Moved to Trash: %(name)s.", name=contact.name)
    if not wants_fragment():
        flash(message, "info")
    return _done(partner, message, undo_contact=contact)


@bp.route("/<int:partner_id>/contacts/<int:contact_id>/restore", methods=["POST"])
def restore_contact(partner_id, contact_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    contact = _contact_of(partner, contact_id)
    contact_service.restore_contact(contact)
    db.session.commit()
    return _done(partner, _("%(name)s is back.", name=contact.name))
