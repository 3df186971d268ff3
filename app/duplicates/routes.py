"""Possible duplicates, and merging two partners or two contacts of a partner (with undo)."""

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.duplicates import bp
from app.duplicates.forms import FIELD_LABELS, MOVED_LABELS, MergeForm, PickForm
from app.extensions import db
from app.models import Contact, ContactMerge, Partner, PartnerMerge
from app.partners.forms import KIND_LABELS, SOURCE_LABELS, STATUS_LABELS
from app.services import duplicates, merging
from app.services import partners as partner_service
from app.services.partners import PartnerFilters
from app.tenancy import get_or_404_in_workspace, scoped
from app.web import blueprint_nav_section, page_arg, render, safe_next_url, unit_of_work
from app.web import now_utc as _now

blueprint_nav_section(bp, "partners")

PICK_LIMIT = 20


def _cache() -> duplicates.PairCache:
    return current_app.extensions.setdefault("duplicate_pairs", duplicates.PairCache())


@bp.route("/")
def index():
    page, counts = duplicates.duplicates_page(db.session, g.workspace.id, page=page_arg(), cache=_cache())
    return render("duplicates/index.html", page=page, counts=counts, limit=duplicates.DEFAULT_LIMIT)


@bp.route("/<int:partner_id>/<int:other_id>/not-duplicates", methods=["POST"])
def dismiss(partner_id, other_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    other = get_or_404_in_workspace(Partner, other_id)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as uow:
        duplicates.dismiss_pair(
            db.session, g.workspace.id, partner.id, other.id, actor_id=g.membership.user_id, now=_now()
        )
    if uow.ok:
        flash(_("%(a)s and %(b)s will not be suggested as duplicates again.", a=partner.name, b=other.name), "info")
    return redirect(safe_next_url(request.form.get("next")) or url_for("duplicates.index"))


@bp.route("/pick/<int:partner_id>")
def pick(partner_id):
    """ "Merge with…": find the other partner by name."""
    partner = get_or_404_in_workspace(Partner, partner_id)
    form = PickForm(request.args)
    found = []
    query = (form.q.data or "").strip()
    if query and form.validate():
        # the partners list's own search (names, contacts, emails), current partners only
        page = partner_service.list_partners(
            db.session, g.workspace.id, PartnerFilters(q=query), per_page=PICK_LIMIT + 1
        )
        found = [row.Partner for row in page.items if row.Partner.id != partner.id][:PICK_LIMIT]
    return render("duplicates/pick.html", partner=partner, form=form, found=found, searched=bool(query))


def _values(partner: Partner) -> dict:
    """What the merge page shows of each field's value."""
    shown = {name: getattr(partner, name) for name in merging.FIELDS}
    shown["kind"] = KIND_LABELS.get(partner.kind, partner.kind)
    shown["status"] = STATUS_LABELS.get(partner.status, partner.status)
    shown["source"] = SOURCE_LABELS.get(partner.source, partner.source)
    shown["owner_id"] = partner.owner.name if partner.owner else None
    return shown


@bp.route("/merge/<int:partner_id>/<int:other_id>", methods=["GET", "POST"])
def merge(partner_id, other_id):
    """Compare two partners and merge `other_id` into `partner_id` (the survivor)."""
    survivor = get_or_404_in_workspace(Partner, partner_id)
    merged = get_or_404_in_workspace(Partner, other_id)
    if survivor.id == merged.id:
        abort(404)
    form = MergeForm()
    status = 200
    if form.validate_on_submit():
        plan = merging.plan_merge(db.session, g.workspace.id, survivor, merged)
        choices = form.choices(plan.fields, request.form)
        with unit_of_work(form) as uow:
            merging.merge_partners(
                db.session,
                g.workspace,
                g.membership.user_id,
                survivor_id=survivor.id,
                merged_id=merged.id,
                choices=choices,
                now=_now(),
            )
        if uow.ok:
            flash(
                _(
                    "%(merged)s was merged into %(survivor)s. You can undo it from %(merged)s's page for 30 days.",
                    merged=merged.name,
                    survivor=survivor.name,
                ),
                "success",
            )
            return redirect(url_for("partners.show", partner_id=survivor.id))
        status = 422
        survivor = get_or_404_in_workspace(Partner, partner_id)
        merged = get_or_404_in_workspace(Partner, other_id)
    elif request.method == "POST":
        status = 400
    plan = merging.plan_merge(db.session, g.workspace.id, survivor, merged)
    chosen = {**plan.defaults, **form.choices(plan.fields, request.form)}
    return render(
        "duplicates/merge.html",
        plan=plan,
        form=form,
        chosen=chosen,
        values={"survivor": _values(survivor), "merged": _values(merged)},
        field_labels=FIELD_LABELS,
        moved_labels=MOVED_LABELS,
        status=status,
    )


@bp.route("/merged/<int:partner_id>/undo", methods=["POST"])
def undo_merge(partner_id):
    """Undo the merge that archived this partner."""
    partner = get_or_404_in_workspace(Partner, partner_id)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    merge_id = db.session.scalar(
        scoped(PartnerMerge, PartnerMerge.id)
        .where(PartnerMerge.merged_id == partner.id, PartnerMerge.undone_at.is_(None))
        .order_by(PartnerMerge.merged_at.desc(), PartnerMerge.id.desc())
        .limit(1)
    )
    if merge_id is None:
        flash(_("%(name)s is not merged into another partner: there is nothing to undo.", name=partner.name), "info")
        return redirect(url_for("partners.show", partner_id=partner.id))
    with unit_of_work() as uow:
        merging.undo_partner_merge(db.session, g.workspace, g.membership.user_id, merge_id, now=_now())
    if uow.ok:
        flash(_("The merge was undone: %(name)s is back as it was.", name=partner.name), "success")
    else:
        flash(uow.error.message, "error")
    return redirect(url_for("partners.show", partner_id=partner.id))


# --- contacts -------------------------------------------------------------------------------------


def _contact_of(partner: Partner, contact_id: int) -> Contact:
    contact = db.session.scalar(
        scoped(Contact).where(Contact.id == contact_id, Contact.partner_id == partner.id, Contact.removed_at.is_(None))
    )
    if contact is None:
        abort(404)
    return contact


@bp.route("/contacts/<int:partner_id>/<int:contact_id>")
def pick_contact(partner_id, contact_id):
    """Merge a contact with…: the partner's other current contacts."""
    partner = get_or_404_in_workspace(Partner, partner_id)
    contact = _contact_of(partner, contact_id)
    others = db.session.scalars(
        scoped(Contact)
        .where(Contact.partner_id == partner.id, Contact.id != contact.id, Contact.removed_at.is_(None))
        .order_by(Contact.name, Contact.id)
    ).all()
    return render("duplicates/pick_contact.html", partner=partner, contact=contact, others=others)


@bp.route("/contacts/<int:partner_id>/<int:contact_id>/<int:other_contact_id>", methods=["GET", "POST"])
def merge_contacts(partner_id, contact_id, other_contact_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    survivor = _contact_of(partner, contact_id)
    merged = _contact_of(partner, other_contact_id)
    if survivor.id == merged.id:
        abort(404)
    fields = list(merging.CONTACT_FIELDS)
    form = MergeForm()
    status = 200
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            record = merging.merge_contacts(
                db.session,
                g.workspace,
                g.membership.user_id,
                partner_id=partner.id,
                survivor_id=survivor.id,
                merged_id=merged.id,
                choices=form.choices(fields, request.form),
                now=_now(),
            )
        if uow.ok:
            return redirect(url_for("duplicates.contact_merge", contact_merge_id=record.id))
        status = 422
        survivor, merged = _contact_of(partner, contact_id), _contact_of(partner, other_contact_id)
    elif request.method == "POST":
        status = 400
    defaults = merging.default_choices(survivor, merged, fields)
    chosen = {**defaults, **form.choices(fields, request.form)}
    return render(
        "duplicates/merge_contacts.html",
        partner=partner,
        survivor=survivor,
        merged=merged,
        fields=fields,
        chosen=chosen,
        form=form,
        field_labels=FIELD_LABELS,
        status=status,
    )


def _contact_merge_or_404(contact_merge_id: int) -> ContactMerge:
    record = db.session.scalar(scoped(ContactMerge).where(ContactMerge.id == contact_merge_id))
    if record is None:
        abort(404)
    return record


@bp.route("/contact-merges/<int:contact_merge_id>")
def contact_merge(contact_merge_id):
    record = _contact_merge_or_404(contact_merge_id)
    names = dict(
        db.session.execute(
            select(Contact.id, Contact.name).where(Contact.id.in_({record.survivor_id, record.merged_id}))
        ).all()
    )
    partner = db.session.get(Partner, record.partner_id)
    return render("duplicates/contact_merge.html", record=record, names=names, partner=partner, form=MergeForm())


@bp.route("/contact-merges/<int:contact_merge_id>/undo", methods=["POST"])
def undo_contact_merge(contact_merge_id):
    record = _contact_merge_or_404(contact_merge_id)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as uow:
        merging.undo_contact_merge(db.session, g.workspace, g.membership.user_id, record.id, now=_now())
    if uow.ok:
        flash(_("The contacts were separated again, as they were before the merge."), "success")
        return redirect(url_for("partners.show", partner_id=record.partner_id))
    flash(uow.error.message, "error")
    return redirect(url_for("duplicates.contact_merge", contact_merge_id=record.id))
