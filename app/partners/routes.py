"""Partner book: list with live search and filters, create/edit, the partner page, archive, delete."""

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Partner
from app.models.partner import SOURCES, STATUSES, TIERS
from app.partners import bp
from app.partners.forms import SOURCE_LABELS, STATUS_LABELS, ConfirmDeleteForm, ContactForm, PartnerForm
from app.services import partners as partner_service
from app.services.accounts import workspace_members
from app.services.contacts import current_contacts
from app.services.partners import PartnerFilters
from app.tenancy import get_or_404_in_workspace, require_owner
from app.web import apply_service_error, blueprint_nav_section, page_arg, per_page, render, unit_of_work
from app.web import int_arg as _int_arg
from app.web import now_utc as _now

blueprint_nav_section(bp, "partners")


def filters_from_args() -> PartnerFilters:
    args = request.args

    def choice(name, allowed, default=""):
        value = args.get(name, default)
        return value if value in allowed else default

    return PartnerFilters(
        q=args.get("q", "")[:200],
        status=choice("status", STATUSES),
        tier=choice("tier", TIERS),
        owner_id=_int_arg("owner"),
        source=choice("source", SOURCES),
        archived=choice("archived", ("no", "only", "all"), "no"),
        sort=choice("sort", partner_service.SORTS, "name"),
        direction=choice("dir", ("asc", "desc"), "asc"),
        page=page_arg(),
    )


@bp.route("/")
def index():
    filters = filters_from_args()
    page = partner_service.list_partners(db.session, g.workspace.id, filters, per_page=per_page())
    members = workspace_members(db.session, g.workspace.id)
    return render(
        "partners/index.html",
        "partners/_results.html",
        page=page,
        filters=filters,
        members=members,
        statuses=STATUS_LABELS,
        sources=SOURCE_LABELS,
        tiers=TIERS,
    )


def _partner_form(partner=None):
    form = PartnerForm(obj=partner)
    form.set_owner_choices(workspace_members(db.session, g.workspace.id))
    return form


def _set_referrer_from_form(form, partner):
    """The referrer picker's choice (absent from the post = unchanged); rules in referral_tree."""
    from app.services import referral_tree

    if "referred_by_id" in request.form and form.referred_by_id.data != partner.referred_by_id:
        referral_tree.set_referrer(
            db.session,
            g.workspace.id,
            partner,
            form.referred_by_id.data,
            now=_now(),
            actor_id=g.membership.user_id,
            details=False,
            source_chosen=True,  # the form's source already follows the referrer (_data_with_source)
        )


def _data_with_source(form, *, referrer_added: bool) -> dict:
    """The form's values, the source following a newly chosen referrer (the page marks a source the
    user changed by hand in `source_chosen`)."""
    data = form.data_for_service()
    chosen = request.form.get("source_chosen") == "1"
    data["source"] = partner_service.source_given_referrer(data["source"], referrer_added=referrer_added, chosen=chosen)
    return data


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _partner_form()
    if request.method == "GET":
        form.owner_id.data = g.membership.user_id
    name_taken = []
    valid = form.validate_on_submit()
    if valid:
        data = _data_with_source(form, referrer_added=bool(form.referred_by_id.data))
        if not request.form.get("create_anyway"):
            name_taken = partner_service.partners_named(db.session, g.workspace.id, data["name"])
    if valid and not name_taken:
        with unit_of_work(form) as uow:
            partner = partner_service.create_partner(db.session, g.workspace.id, data, _now())
            _set_referrer_from_form(form, partner)
        if uow.ok:
            flash(
                _(
                    "Partner %(name)s added. Add at least two contacts so the relationship never hangs on one person.",
                    name=partner.name,
                ),
                "success",
            )
            return redirect(url_for("partners.show", partner_id=partner.id))
    failed = form.errors or form.form_errors or name_taken
    return render("partners/form.html", form=form, partner=None, name_taken=name_taken, status=422 if failed else 200)


@bp.route("/<int:partner_id>")
def show(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    contacts = current_contacts(db.session, partner.id)
    return render("partners/show.html", partner=partner, contacts=contacts, contact_form=ContactForm(), tab="overview")


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
def edit(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    form = _partner_form(partner)
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            # the referrer first: it locks the workspace's genealogy before this partner's row is
            # written, the same order as the Referrals tab (no deadlock between the two)
            referrer_added = partner.referred_by_id is None and "referred_by_id" in request.form
            data = _data_with_source(form, referrer_added=referrer_added and bool(form.referred_by_id.data))
            _set_referrer_from_form(form, partner)
            partner_service.update_partner(db.session, partner, data, _now())
        if uow.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("partners.show", partner_id=partner.id))
        partner = get_or_404_in_workspace(Partner, partner_id)
    return render(
        "partners/form.html", form=form, partner=partner, status=422 if form.errors or form.form_errors else 200
    )


@bp.route("/<int:partner_id>/archive", methods=["POST"])
def archive(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    partner_service.archive_partner(partner, _now())
    db.session.commit()
    flash(_("%(name)s archived. It is hidden from lists; find it with the Archived filter.", name=partner.name), "info")
    return redirect(url_for("partners.show", partner_id=partner.id))


@bp.route("/<int:partner_id>/restore", methods=["POST"])
def restore(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    partner_service.restore_partner(partner)
    db.session.commit()
    flash(_("%(name)s restored.", name=partner.name), "success")
    return redirect(url_for("partners.show", partner_id=partner.id))


@bp.route("/<int:partner_id>/delete", methods=["GET", "POST"])
def delete(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    require_owner()
    form = ConfirmDeleteForm()
    refused = False
    if form.validate_on_submit():
        name = partner.name
        with unit_of_work() as uow:
            partner_service.delete_partner(db.session, partner, form.confirm_name.data)
        if uow.ok:
            flash(_("%(name)s was deleted for good.", name=name), "info")
            return redirect(url_for("partners.index"))
        refused = True
        if not isinstance(uow.error, partner_service.KeepsPaidMoney):  # that one the page says itself
            apply_service_error(form, uow.error)
    impact = partner_service.delete_impact(db.session, partner)
    return render(
        "partners/delete.html", form=form, partner=partner, impact=impact, status=422 if form.errors or refused else 200
    )
