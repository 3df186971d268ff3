"""Deals: the pipeline board (move a deal with htmx or a plain form), the deals list, a deal's
page, create/edit, and the partner page's Deals tab."""

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.deals import bp
from app.deals.forms import QUADRANT_LABELS, STAGE_LABELS, VALUE_LABELS, DealForm, MoveForm
from app.extensions import db
from app.formatting import fmt_money
from app.models import Deal, Partner
from app.models.deal import STAGES
from app.services import commissions as commission_service
from app.services import deals as deal_service
from app.services.accounts import workspace_members
from app.services.deals import BoardFilters, DealFilters
from app.tenancy import get_or_404_in_workspace
from app.web import currency_arg, nav_section, page_arg, per_page, render, unit_of_work, wants_fragment
from app.web import date_arg as _date_arg
from app.web import int_arg as _int_arg
from app.web import now_utc as _now

CLOSED_PERIODS = (1, 3, 12)  # months of won/lost deals on the board


def _labels():
    """Labels as plain strings, translated once per request (the board repeats them on every card)."""
    from flask_wtf.csrf import generate_csrf

    return {
        "stage_labels": {k: str(v) for k, v in STAGE_LABELS.items()},
        "value_labels": {k: str(v) for k, v in VALUE_LABELS.items()},
        "quadrant_labels": {k: str(v) for k, v in QUADRANT_LABELS.items()},
        "stages": STAGES,
        "csrf_token_value": generate_csrf(),
    }


# --- pipeline board -----------------------------------------------------------------------------


def _board_filters() -> BoardFilters:
    owner = request.values.get("owner", "")
    owner_id = g.membership.user_id if owner == "me" else _int_arg("owner")
    months = _int_arg("months", 3)
    return BoardFilters(owner_id=owner_id, closed_months=months if months in CLOSED_PERIODS else 3)


def _board_response(filters, *, message=None, moved_id=None, move_errors=None, move_values=None, status=200):
    board = deal_service.pipeline(db.session, g.workspace.id, filters, _now().date())
    return render(
        "deals/board.html",
        "deals/_board.html",
        status=status,
        board=board,
        members=workspace_members(db.session, g.workspace.id),
        periods=CLOSED_PERIODS,
        owner_arg=request.values.get("owner", ""),
        message=message,
        moved_id=moved_id,
        move_errors=move_errors or {},
        move_values=move_values or {},
        **_labels(),
    )


@bp.route("/deals/")
@nav_section("deals")
def board():
    return _board_response(_board_filters())


def _commission_message(outcome) -> str | None:
    if not outcome.commissions:
        return None
    parts = []
    for entry in outcome.commissions:
        amount = fmt_money(entry.amount, entry.currency)
        if entry.kind == "earned":
            parts.append(_("%(amount)s commission owed to %(name)s.", amount=amount, name=entry.referrer.name))
        elif entry.kind == "reversal":
            parts.append(
                _("%(name)s's commission reversed: %(amount)s recorded.", amount=amount, name=entry.referrer.name)
            )
        else:
            parts.append(_("%(name)s's commission adjusted by %(amount)s.", amount=amount, name=entry.referrer.name))
    return " ".join(parts)


@bp.route("/deals/<int:deal_id>/stage", methods=["POST"])
def move(deal_id):
    deal = get_or_404_in_workspace(Deal, deal_id)
    form = MoveForm()
    back_to = request.form.get("back", "board")
    filters = _board_filters()
    if not form.validate_on_submit():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
        return _move_failed(deal, back_to, filters, error, form)
    with unit_of_work() as uow:
        outcome = deal_service.move_deal(
            db.session, deal, form.stage.data, _now(), form.lost_reason.data, from_stage=form.from_stage.data or None
        )
    if uow.error:
        deal = get_or_404_in_workspace(Deal, deal_id)
        error = uow.error.message
        if isinstance(uow.error, deal_service.MovedMeanwhile):
            error = _(
                "Someone moved this deal to %(stage)s meanwhile. Look again before moving it.",
                stage=STAGE_LABELS[uow.error.stage],
            )
        return _move_failed(deal, back_to, filters, error, form)
    message = _("“%(title)s” moved to %(stage)s.", title=deal.title, stage=STAGE_LABELS[deal.stage])
    extra = _commission_message(outcome)
    if extra:
        message = f"{message} {extra}"
    if wants_fragment() and back_to == "board":
        return _board_response(filters, message=message, moved_id=deal.id)
    flash(message, "success")
    if back_to == "deal":
        return redirect(url_for("deals.show", deal_id=deal.id))
    return redirect(
        url_for(
            "deals.board",
            owner=request.values.get("owner") or None,
            months=filters.closed_months if filters.closed_months != 3 else None,
        )
    )


def _move_failed(deal, back_to, filters, error, form):
    values = {deal.id: {"stage": form.stage.data, "lost_reason": form.lost_reason.data or ""}}
    if back_to == "board":
        return _board_response(filters, move_errors={deal.id: error}, move_values=values, moved_id=deal.id, status=422)
    return _deal_page(deal, move_error=error, move_values=values[deal.id], status=422)


# --- deals list ---------------------------------------------------------------------------------


def list_filters() -> DealFilters:
    args = request.args

    def choice(name, allowed, default=""):
        value = args.get(name, default)
        return value if value in allowed else default

    return DealFilters(
        q=args.get("q", "")[:200],
        stage=choice("stage", STAGES),
        owner_id=_int_arg("owner"),
        currency=currency_arg(),
        quadrant=choice("quadrant", deal_service.QUADRANTS),
        closed_from=_date_arg("closed_from"),
        closed_to=_date_arg("closed_to"),
        sort=choice("sort", deal_service.SORTS, "updated"),
        direction=choice("dir", ("asc", "desc"), "desc"),
        page=page_arg(),
    )


@bp.route("/deals/list")
@nav_section("deals")
def index():
    filters = list_filters()
    page, totals = deal_service.list_deals(db.session, g.workspace.id, filters, per_page=per_page())
    return render(
        "deals/index.html",
        "deals/_results.html",
        page=page,
        totals=totals,
        filters=filters,
        members=workspace_members(db.session, g.workspace.id),
        currencies=deal_service.currencies_in_use(db.session, g.workspace.id, g.workspace.default_currency),
        **_labels(),
    )


# --- one deal -----------------------------------------------------------------------------------


def _deal_page(deal, *, move_error=None, move_values=None, status=200):
    entries = commission_service.deal_entries(db.session, deal.id)
    return render(
        "deals/show.html",
        status=status,
        deal=deal,
        partner=deal.partner,
        entries=entries,
        move_error=move_error,
        move_values=move_values or {},
        **_labels(),
    )


@bp.route("/deals/<int:deal_id>")
@nav_section("deals")
def show(deal_id):
    deal = get_or_404_in_workspace(Deal, deal_id, joinedload(Deal.partner), joinedload(Deal.owner))
    return _deal_page(deal)


def _deal_form(deal=None, partner=None):
    form = DealForm(obj=deal)
    form.set_owner_choices(workspace_members(db.session, g.workspace.id))
    if partner is not None:
        form.partner_id.choices = [(partner.id, partner.name)]
    else:
        form.partner_id.choices = [("", _("— choose a partner —"))] + [
            (row.id, row.name) for row in deal_service.recent_partners(db.session, g.workspace.id)
        ]
    return form


@bp.route("/deals/new", methods=["GET", "POST"])
@nav_section("deals")
def new():
    partner_id = request.values.get("partner_id", type=int)
    partner = get_or_404_in_workspace(Partner, partner_id) if partner_id else None
    form = _deal_form(partner=partner)
    if request.method == "GET":
        form.owner_id.data = g.membership.user_id
        form.currency.data = g.workspace.default_currency
        if partner is not None:
            form.partner_id.data = partner.id
    if form.validate_on_submit():
        if partner is None:
            form.partner_id.errors = list(form.partner_id.errors) + [_("Choose the partner this deal is with.")]
        else:
            with unit_of_work(form) as uow:
                outcome = deal_service.create_deal(
                    db.session, partner, form.data_for_service(), g.membership.user_id, _now()
                )
            if uow.ok:
                flash(
                    " ".join(
                        filter(
                            None, [_("Deal “%(title)s” added.", title=outcome.deal.title), _commission_message(outcome)]
                        )
                    ),
                    "success",
                )
                return redirect(url_for("deals.show", deal_id=outcome.deal.id))
    elif request.method == "POST" and partner is None:
        form.partner_id.errors = list(form.partner_id.errors) + [_("Choose the partner this deal is with.")]
    failed = request.method == "POST"
    return render("deals/form.html", form=form, deal=None, partner=partner, status=422 if failed else 200, **_labels())


@bp.route("/deals/partner-options")
def partner_options():
    """The partner choices of the new-deal form, narrowed by a search (htmx)."""
    rows = deal_service.recent_partners(db.session, g.workspace.id, request.args.get("partner_q", "")[:100])
    return render("deals/_partner_options.html", rows=rows)


@bp.route("/deals/<int:deal_id>/edit", methods=["GET", "POST"])
@nav_section("deals")
def edit(deal_id):
    deal = get_or_404_in_workspace(Deal, deal_id)
    form = _deal_form(deal, partner=deal.partner)
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            outcome = deal_service.update_deal(db.session, deal, form.data_for_service(), _now())
        if uow.ok:
            flash(" ".join(filter(None, [_("Saved."), _commission_message(outcome)])), "success")
            return redirect(url_for("deals.show", deal_id=deal.id))
        deal = get_or_404_in_workspace(Deal, deal_id)
    return render(
        "deals/form.html",
        form=form,
        deal=deal,
        partner=deal.partner,
        status=422 if request.method == "POST" else 200,
        **_labels(),
    )


# --- partner page tab ---------------------------------------------------------------------------


@bp.route("/partners/<int:partner_id>/deals")
def partner_tab(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    summary = deal_service.partner_deals(db.session, partner.id, page=page_arg(), per_page=per_page())
    return render("deals/partner_tab.html", partner=partner, summary=summary, tab="deals", **_labels())


@bp.app_template_global()
def deal_quadrant(deal):
    return deal_service.assess(deal.value_to_us, deal.value_to_partner)
