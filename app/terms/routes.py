"""Agreed terms on the partner page (current version, edit, history with diffs) and the list of
terms whose review date has passed."""

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Partner
from app.services import terms as terms_service
from app.tenancy import get_or_404_in_workspace
from app.terms import bp
from app.terms.forms import TermsForm
from app.web import apply_service_error, nav_section, page_arg, per_page, render, unit_of_work
from app.web import now_utc as _now


def _contact_choices(form, partner, version):
    """The partner's current contacts, plus the one the current version names if it was removed since
    (an unchanged form must save). One query."""
    agreed_id = version.agreed_by_contact_id if version is not None else None
    form.set_contact_choices(terms_service.contact_choices(db.session, partner.id, agreed_id))


def _page(partner, form, terms, version, *, status=200):
    entries, contact_names = terms_service.history(db.session, partner.id)
    return render(
        "terms/tab.html",
        status=status,
        partner=partner,
        form=form,
        terms=terms,
        current=version,
        history=entries,
        contact_names=contact_names,
        fields=terms_service.FIELDS,
        tab="terms",
        today=_now().date(),
    )


@bp.route("/partners/<int:partner_id>/terms", methods=["GET"])
def show(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    terms, version = terms_service.current(db.session, partner.id)
    form = TermsForm(obj=version, formdata=None)
    form.version.data = str(terms.version if terms else 0)
    _contact_choices(form, partner, version)
    return _page(partner, form, terms, version)


@bp.route("/partners/<int:partner_id>/terms", methods=["POST"])
def save(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    form = TermsForm()
    _contact_choices(form, partner, terms_service.current(db.session, partner.id)[1])
    if form.validate_on_submit():
        try:
            expected = int(form.version.data or 0)
        except ValueError:
            expected = -1
        with unit_of_work() as uow:
            version = terms_service.save_terms(
                db.session, partner, form.data_for_service(), expected, g.membership.user_id, _now()
            )
        if uow.ok:
            flash(_("Terms saved as version %(n)s.", n=version.version), "success")
            return redirect(url_for("terms.show", partner_id=partner.id))
        partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
        if uow.error.field == "version":  # at the top of the form; the next save applies on top of the latest
            form.form_errors.append(uow.error.message)
            terms, _current = terms_service.current(db.session, partner.id)
            form.version.data = str(terms.version if terms else 0)
        else:
            apply_service_error(form, uow.error)
    terms, version = terms_service.current(db.session, partner.id)
    return _page(partner, form, terms, version, status=422)


@bp.route("/terms/reviews")
@nav_section("deals")
def reviews():
    page = terms_service.review_due(db.session, g.workspace.id, _now().date(), page=page_arg(), per_page=per_page())
    return render("terms/reviews.html", page=page, today=_now().date())
