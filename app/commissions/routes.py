"""The referral commission ledger: the workspace Ledger page (filters, mark paid, CSV export), the
Commissions tab of a partner page (their entries and statement links), and the public, read-only
statement a referrer opens with their private link."""

from datetime import date

from flask import Response, abort, current_app, flash, g, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from app.commissions import bp
from app.commissions.forms import PayForm, StatementLinkForm
from app.extensions import db, limiter
from app.ids import MAX_PAGE, parse_int
from app.models import Partner, StatementLink
from app.services import commissions as commission_service
from app.services.commissions import LedgerFilters
from app.services.exporting import write_csv
from app.services.money import as_money
from app.tenancy import get_or_404_in_workspace
from app.web import currency_arg, nav_section, per_page, public, render, unit_of_work, wants_fragment
from app.web import now_utc as _now


def _int_value(name, default=None):
    return parse_int(request.values.get(name), default)


def _date_value(name):
    try:
        return date.fromisoformat(request.values.get(name, ""))
    except ValueError:
        return None


def _filters(referrer_id=None) -> LedgerFilters:
    status = request.values.get("status", "")
    return LedgerFilters(
        status=status if status in ("owed", "paid") else "",
        period_from=_date_value("from"),
        period_to=_date_value("to"),
        referrer_id=referrer_id if referrer_id is not None else _int_value("referrer"),
        currency=currency_arg(),
        page=min(max(1, _int_value("page", 1)), MAX_PAGE),
    )


def _args(filters: LedgerFilters) -> dict:
    return {
        "status": filters.status,
        "from": filters.period_from.isoformat() if filters.period_from else "",
        "to": filters.period_to.isoformat() if filters.period_to else "",
        "currency": filters.currency,
    }


def _results(template, filters, *, referrer=None, pay_form=None, message=None, status=200, **extra):
    page, totals = commission_service.ledger(db.session, g.workspace.id, filters, per_page=per_page())
    context = {
        "page": page,
        "totals": totals,
        "filters": filters,
        "args": _args(filters),
        "referrer": referrer,
        "pay_form": pay_form or _pay_form(),
        "message": message,
        "today": _now().date(),
    }
    if referrer is not None:
        context.update(
            partner=referrer,
            tab="commissions",
            links=_links(referrer),
            link_form=extra.pop("link_form", None) or StatementLinkForm(formdata=None),
        )
    context.update(extra)
    return render(template, "commissions/_results.html", status=status, **context)


def _pay_form():
    form = PayForm(formdata=None)
    form.paid_on.data = _now().date()
    return form


def _links(referrer):
    return commission_service.statement_links(db.session, g.workspace.id, referrer.id)


@bp.route("/ledger")
@nav_section("ledger")
def ledger():
    return _results("commissions/ledger.html", _filters())


@bp.route("/partners/<int:partner_id>/commissions")
def partner_tab(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    return _results("commissions/partner_tab.html", _filters(partner.id), referrer=partner)


@bp.route("/ledger/pay", methods=["POST"])
def pay():
    referrer = None
    referrer_id = _int_value("referrer")
    if request.form.get("scope") == "partner" and referrer_id:
        referrer = get_or_404_in_workspace(Partner, referrer_id)
    filters = _filters(referrer.id if referrer else None)
    template = "commissions/partner_tab.html" if referrer else "commissions/ledger.html"
    form = PayForm()
    ids = [parse_int(i) for i in request.form.getlist("ids")]
    if None in ids:
        abort(400)
    pay_errors = None
    if form.validate_on_submit():
        with unit_of_work() as uow:
            count = commission_service.mark_paid(
                db.session, g.workspace.id, ids, form.paid_on.data, form.payment_reference.data, g.membership.user_id
            )
        if uow.error:
            pay_errors = uow.error.message
        else:
            message = ngettext("%(num)s marked as paid.", "%(num)s marked as paid.", count)
            if not wants_fragment():  # without JavaScript: back to the page the form was on
                flash(message, "success")
                args = {k: v for k, v in _args(filters).items() if v}
                if referrer:
                    return redirect(url_for("commissions.partner_tab", partner_id=referrer.id, **args))
                return redirect(url_for("commissions.ledger", **args))
            return _results(template, filters, referrer=referrer, message=message)
    elif not ids:
        pay_errors = _("Choose at least one owed commission to mark as paid.")
    return _results(
        template, filters, referrer=referrer, pay_form=form, status=422, pay_errors=pay_errors, checked=set(ids)
    )


CSV_COLUMNS = (
    "earned_on",
    "referrer",
    "referred_partner",
    "deal",
    "kind",
    "status",
    "rate_percent",
    "deal_amount",
    "amount",
    "currency",
    "paid_on",
    "payment_reference",
    "note",
)


@bp.route("/ledger.csv")
def export():
    filters = _filters()
    workspace_id = g.workspace.id

    def rows():
        for row in commission_service.ledger_export_rows(db.session, workspace_id, filters):
            c = row.Commission
            yield (
                c.earned_on,
                row.referrer_name,
                row.referred_name,
                row.deal_title,
                c.kind,
                c.status,
                as_money(c.rate),
                as_money(c.base_amount),
                as_money(c.amount),
                c.currency,
                c.paid_on,
                c.payment_reference,
                c.note,
            )

    name = f"commissions-{_now().date().isoformat()}.csv"
    return Response(
        stream_with_context(write_csv(rows(), CSV_COLUMNS)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- statement links ----------------------------------------------------------------------------


@bp.route("/partners/<int:partner_id>/statement-links", methods=["POST"])
def create_link(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    form = StatementLinkForm()
    if not form.validate_on_submit():
        return _results(
            "commissions/partner_tab.html", _filters(partner.id), referrer=partner, link_form=form, status=422
        )
    link, token = commission_service.create_statement_link(
        db.session, partner, g.membership.user_id, _now(), form.label.data
    )
    db.session.commit()
    url = url_for("commissions.statement", token=token, _external=True)
    return _results(
        "commissions/partner_tab.html",
        _filters(partner.id),
        referrer=partner,
        new_link_url=url,
        message=_(
            "Statement link created. Copy it now: for safety Orchard keeps only a fingerprint "
            "of it and cannot show it again."
        ),
    )


@bp.route("/partners/<int:partner_id>/statement-links/<int:link_id>/revoke", methods=["POST"])
def revoke_link(partner_id, link_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    link = get_or_404_in_workspace(StatementLink, link_id)
    if link.referrer_id != partner.id:
        abort(404)
    commission_service.revoke_statement_link(link, _now())
    db.session.commit()
    return _results(
        "commissions/partner_tab.html",
        _filters(partner.id),
        referrer=partner,
        message=_("Link revoked: it no longer opens the statement."),
    )


@bp.route("/statement/<token>")
@public
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_IP"])
def statement(token):
    link = commission_service.find_statement(db.session, token)
    if link is None:
        abort(404)
    data = commission_service.statement(db.session, link, page=min(max(1, _int_value("page", 1)), MAX_PAGE))
    response = render("commissions/statement.html", data=data, from_name=link.workspace.name, token=token)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
