"""Referral pages: the partner's Referrals tab (ancestry, referrals, change/clear the referrer), the
referrer picker, the forest of roots, the tree of a partner with its on-demand pieces, and the report.

Every page runs a fixed number of queries: tree walks are recursive CTEs, sizes and depths are stored
per partner by the service."""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, Partner
from app.partners.forms import STATUS_LABELS
from app.referrals import bp
from app.referrals.forms import ReferralForm
from app.services import referral_tree as rt
from app.tenancy import get_or_404_in_workspace
from app.web import blueprint_nav_section, nav_section, page_arg, per_page, render, unit_of_work, url_template
from app.web import int_arg as _int_arg
from app.web import now_utc as _now

blueprint_nav_section(bp, "referrals")


def _referrer_contacts(referrer_id):
    # queried even without a referrer (an empty answer), so the page's query count never varies
    return list(
        db.session.scalars(
            select(Contact)
            .where(
                Contact.workspace_id == g.workspace.id,
                Contact.partner_id == referrer_id,
                Contact.removed_at.is_(None),
            )
            .order_by(Contact.is_primary.desc(), Contact.name, Contact.id)
        )
    )


def _statuses():
    """Status labels translated once (lazy strings would be translated again for every node)."""
    return {key: str(label) for key, label in STATUS_LABELS.items()}


def _url_templates():
    """URLs (url_template: built once per page, filled per node) and labels of the nested list
    (see templates/referrals/_macros.html)."""
    return {
        "partner": url_template("partners.show", "partner_id"),
        "tree": url_template("referrals.tree", "partner_id"),
        "branch": url_template("referrals.branch", "partner_id"),
        "gen": _("Gen"),
        "archived": _("archived"),
        "in_branch": _("in branch"),
        "below": _("generations below"),
        "below_one": _("generation below"),
        "tree_label": _("tree"),
        "show": _("Show referrals"),
    }


LAZY = "lazy"  # the branch's won revenue comes in its own request (see branch_revenue)


def _revenue(partner_id, is_root):
    """A branch's won revenue reads every deal of the branch, so pages load it on their own (htmx,
    on load) and stay quick whatever the branch's size; ?revenue=1 computes it inline (no JavaScript)."""
    if request.args.get("revenue") == "1":
        return rt.subtree_revenue(db.session, g.workspace.id, partner_id, is_root=is_root)
    return LAZY


def _walk_or_404(partner_id):
    """Ancestry of a partner of this workspace (root first, itself last), or 404."""
    chain = rt.ancestors(db.session, g.workspace.id, partner_id)
    if not chain:
        abort(404)
    return chain


# --- template helpers: the overview line and the partner form's picker ---------------------------------


@bp.app_template_global()
def referral_summary(partner):
    """The partner's place in the genealogy (one query), for the Overview tab's one-liner."""
    return rt.summary(db.session, partner.workspace_id, partner.id)


@bp.app_template_global()
def referrer_option(referrer_id):
    """(id, name) of the chosen referrer for the picker, within this workspace, or None."""
    if not referrer_id:
        return None
    return db.session.execute(
        select(Partner.id, Partner.name, Partner.archived_at).where(
            Partner.workspace_id == g.workspace.id, Partner.id == referrer_id
        )
    ).first()


# --- the partner's Referrals tab ---------------------------------------------------------------------


def _tab(partner, form, status=200, summary=None):
    ws = g.workspace.id
    summary = summary or rt.summary(db.session, ws, partner.id)
    revenue = _revenue(partner.id, summary.generation == 0)
    # the picker's search without JavaScript: its Search button submits the form as a GET (q=1)
    q = request.args.get("referrer_q", "")[:100] if "q" in request.args else ""
    results = rt.pick_referrers(db.session, ws, q, exclude_id=partner.id) if q.strip() else None
    chosen = form.referred_by_id.data if form.referred_by_id.data is not None else None
    form.set_contact_choices(_referrer_contacts(chosen))
    referrer = summary.referrer
    current = referrer if referrer and referrer.id == form.referred_by_id.data else None
    return render(
        "referrals/tab.html",
        partner=partner,
        tab="referrals",
        summary=summary,
        current_referrer=current,
        kids=rt.children(db.session, ws, partner.id),
        revenue=revenue,
        history=rt.changes(db.session, ws, partner.id),
        form=form,
        q=q,
        results=results,
        status=status,
    )


@bp.route("/partners/<int:partner_id>/referrals", methods=["GET", "POST"])
@nav_section(None)  # a tab of the partner page
def partner_tab(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    if request.method == "GET":
        form = ReferralForm(formdata=request.args if "q" in request.args else None)
        summary = rt.summary(db.session, g.workspace.id, partner.id)
        if "q" not in request.args:
            form.referred_by_id.data = partner.referred_by_id
            form.contact_id.data = summary.contact_id
            form.referred_on.data = summary.referred_on
            form.note.data = summary.note
        return _tab(partner, form, summary=summary)
    form = ReferralForm()
    form.set_contact_choices([])
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            change = rt.set_referrer(
                db.session,
                g.workspace.id,
                partner,
                form.referred_by_id.data,
                now=_now(),
                actor_id=current_user.id,
                contact_id=form.contact_id.data,
                referred_on=form.referred_on.data,
                note=form.note.data,
            )
        if uow.ok:
            if change is None:
                flash(_("Referral details saved."), "success")
            elif change.to_name:
                flash(
                    _(
                        "%(name)s is now recorded as referred by %(referrer)s.",
                        name=partner.name,
                        referrer=change.to_name,
                    ),
                    "success",
                )
            else:
                flash(_("Referrer cleared: %(name)s is now the root of its own branch.", name=partner.name), "info")
            return redirect(url_for("referrals.partner_tab", partner_id=partner.id))
        partner = get_or_404_in_workspace(Partner, partner_id)
    return _tab(partner, form, status=422)


@bp.route("/partners/<int:partner_id>/referrals/clear", methods=["POST"])
def clear(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    if partner.referred_by_id is not None:
        rt.clear_referrer(db.session, g.workspace.id, partner, now=_now(), actor_id=current_user.id)
        db.session.commit()
        flash(_("Referrer cleared: %(name)s is now the root of its own branch.", name=partner.name), "info")
    return redirect(url_for("referrals.partner_tab", partner_id=partner.id))


@bp.route("/referrals/pick")
def pick():
    """Search-as-you-type results for the referrer picker (radio options)."""
    q = (request.args.get("referrer_q") or request.args.get("q") or "")[:100]
    results = rt.pick_referrers(db.session, g.workspace.id, q, exclude_id=_int_arg("exclude"))
    return render(
        "referrals/_pick_results.html", results=results, q=q, with_contacts=request.args.get("contacts") == "1"
    )


@bp.route("/referrals/contacts")
def contacts():
    """The introducing-contact select for the chosen referrer."""
    referrer_id = _int_arg("referred_by_id")
    form = ReferralForm(formdata=None)
    form.set_contact_choices(_referrer_contacts(referrer_id))
    return render("referrals/_contact_field.html", form=form, has_referrer=bool(referrer_id))


# --- forest, tree, report ------------------------------------------------------------------------------


@bp.route("/referrals/")
def forest():
    page = rt.forest(db.session, g.workspace.id, page=page_arg(), per_page=per_page())
    revenue = rt.revenue_by_root(db.session, g.workspace.id, [n.id for n in page.items])
    return render(
        "referrals/forest.html", "referrals/_forest_table.html", page=page, revenue=revenue, statuses=STATUS_LABELS
    )


@bp.route("/referrals/tree/<int:partner_id>")
def tree(partner_id):
    chain = _walk_or_404(partner_id)
    focus = chain[-1]
    nodes = rt.tree(db.session, g.workspace.id, partner_id)
    revenue = _revenue(partner_id, len(chain) == 1)
    generation = len(chain) - 1
    # the nested list: children by parent, in the order loaded (biggest branch first)
    kids = {}
    for node in nodes[1:]:
        kids.setdefault(node.parent_id, []).append(node)
    return render(
        "referrals/tree.html",
        chain=chain,
        focus=focus,
        nodes=nodes,
        kids=kids,
        revenue=revenue,
        generation=generation,
        statuses=_statuses(),
        nodes_json=[n.as_json() for n in nodes],
        u=_url_templates(),
        script_urls={
            "nodes": url_template("referrals.nodes", "partner_id"),
            "path": url_template("referrals.path", "target_id", partner_id=partner_id),
        },
    )


@bp.route("/referrals/tree/<int:partner_id>/nodes.json")
def nodes(partner_id):
    """The next generations below a partner, for expanding a collapsed node in the picture."""
    depth = max(1, min(_int_arg("depth", 2) or 2, 4))
    found = rt.descendants(db.session, g.workspace.id, partner_id, max_depth=depth, include_self=True)
    if not found:
        abort(404)
    return jsonify(nodes=[n.as_json() for n in found[1:]])


@bp.route("/referrals/tree/<int:partner_id>/branch")
def branch(partner_id):
    """The next generations below a partner as a nested list (htmx, for the list view)."""
    found = rt.descendants(db.session, g.workspace.id, partner_id, max_depth=2, include_self=True)
    if not found:
        abort(404)
    kids = {}
    for node in found[1:]:
        kids.setdefault(node.parent_id, []).append(node)
    return render(
        "referrals/_branch.html",
        root=found[0],
        kids=kids,
        base_generation=_int_arg("g", 0) or 0,
        statuses=_statuses(),
        u=_url_templates(),
    )


@bp.route("/referrals/tree/<int:partner_id>/find.json")
def find(partner_id):
    """Partners below the tree's focus whose name matches, for the tree's search box."""
    get_or_404_in_workspace(Partner, partner_id)
    q = request.args.get("q", "")[:100]
    matches = rt.search_in_branch(db.session, g.workspace.id, partner_id, q)
    return jsonify(matches=[{"id": n.id, "n": n.name, "g": n.depth, "s": n.status} for n in matches])


@bp.route("/referrals/tree/<int:partner_id>/path/<int:target_id>.json")
def path(partner_id, target_id):
    """What the picture needs to reveal a partner deep in the branch: the chain and its siblings."""
    chain, extra = rt.path_nodes(db.session, g.workspace.id, partner_id, target_id)
    if not chain:
        abort(404)
    return jsonify(chain=chain, nodes=[n.as_json() for n in extra])


@bp.route("/referrals/report")
def report():
    # Revenue by branch reads every won deal: the page loads it on its own (htmx, on load), or inline
    # with ?revenue=1 for browsers without JavaScript.
    inline = request.args.get("revenue") == "1"
    data = rt.report(db.session, g.workspace.id, _now(), revenue=inline)
    return render(
        "referrals/report.html",
        report=data,
        statuses=STATUS_LABELS,
        inline_revenue=inline,
        has_deals=True,
    )


@bp.route("/referrals/revenue/<int:partner_id>")
def branch_revenue(partner_id):
    """The won revenue of a partner's branch, per currency (the lazy piece of the tree and the tab)."""
    partner = get_or_404_in_workspace(Partner, partner_id)
    revenue = rt.subtree_revenue(db.session, g.workspace.id, partner.id)
    return render("referrals/_revenue.html", partner_id=partner.id, revenue=revenue)


@bp.route("/referrals/report/revenue")
def report_revenue():
    return render("referrals/_report_revenue.html", top_revenue=rt.branch_revenue(db.session, g.workspace.id))
