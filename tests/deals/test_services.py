"""Rules of deals, terms and commissions, without HTTP."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Commission, Deal, Partner, Terms, TermsVersion
from app.services import ServiceError, commissions, deals
from app.services import terms as terms_service
from app.services.money import as_money
from app.summaries import commission_totals, deal_totals
from tests.deals.helpers import deal_data, give_terms, make_deal, referral_pair


def entries(deal_id=None):
    stmt = select(Commission).order_by(Commission.id)
    if deal_id:
        stmt = stmt.where(Commission.deal_id == deal_id)
    return db.session.scalars(stmt).all()


# --- quadrant -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("us", "them", "expected"),
    [
        (2, 2, "win-win"),
        (1, 1, "win-win"),
        (2, -1, "win-lose"),
        (-1, 2, "lose-win"),
        (-2, -2, "lose-lose"),
        (None, 2, None),
        (1, None, None),
    ],
)
def test_quadrant(us, them, expected):
    assert deals.quadrant(us, them) == expected


def test_a_compromise_is_not_win_win():
    both_break_even = deals.assess(0, 0)
    assert both_break_even.quadrant == "lose-lose" and both_break_even.compromise
    assert "compromise is not win-win" in both_break_even.warning.lower()
    one_side = deals.assess(2, 0)
    assert one_side.quadrant == "win-lose" and one_side.compromise
    assert "compromise" in one_side.warning.lower()
    real = deals.assess(1, 2)
    assert real.quadrant == "win-win" and not real.compromise and real.warning is None


def test_stage_moves_set_and_clear_closed_on(workspace, factories, now):
    partner = factories.partner(workspace)
    deal = make_deal(partner, now=now)
    assert deal.closed_on is None
    deals.move_deal(db.session, deal, "won", now)
    assert deal.closed_on == now.date()
    later = now + timedelta(days=3)
    deals.move_deal(db.session, deal, "negotiation", later)
    assert deal.closed_on is None
    deals.move_deal(db.session, deal, "lost", later, lost_reason="Budget cut")
    assert deal.closed_on == later.date() and deal.lost_reason == "Budget cut"
    deals.move_deal(db.session, deal, "proposal", later)
    assert deal.lost_reason is None and deal.closed_on is None


def test_lost_needs_a_reason_and_won_needs_an_amount(workspace, factories, now):
    partner = factories.partner(workspace)
    deal = make_deal(partner, now=now, amount="0")
    with pytest.raises(ServiceError) as lost:
        deals.move_deal(db.session, deal, "lost", now)
    assert lost.value.field == "lost_reason"
    with pytest.raises(ServiceError) as won:
        deals.move_deal(db.session, deal, "won", now)
    assert won.value.field == "amount"
    assert deal.stage == "lead"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "KWD"}, "currency"),  # three decimals
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("10.005")}, "amount"),
        ({"currency": "JPY", "amount": Decimal("10.5")}, "amount"),
        ({"value_to_us": 3}, "value_to_us"),
    ],
)
def test_deal_validation(workspace, factories, now, data, field):
    partner = factories.partner(workspace)
    values = {"title": "Logo", "amount": Decimal("100"), "currency": "EUR", "stage": "lead", **data}
    with pytest.raises(ServiceError) as error:
        deals.create_deal(db.session, partner, values, None, now)
    assert error.value.field == field


def test_totals_by_stage_and_currency_never_mix(workspace, factories, now):
    partner = factories.partner(workspace)
    make_deal(partner, now=now, amount="100.10", currency="EUR", stage="won")
    make_deal(partner, now=now, amount="200.20", currency="EUR", stage="won")
    make_deal(partner, now=now, amount="50", currency="USD", stage="won")
    make_deal(partner, now=now, amount="7", currency="EUR", stage="lead")
    totals = deals.totals_by_stage(db.session, Deal.workspace_id == workspace.id)
    assert totals["won"].count == 3
    assert totals["won"].sums == {"EUR": Decimal("300.30"), "USD": Decimal("50.00")}
    assert totals["lead"].sums == {"EUR": Decimal("7.00")}
    assert totals["lost"].count == 0


# --- terms --------------------------------------------------------------------------------------


def test_every_change_is_a_new_version_with_a_diff(workspace, factories, user, now):
    partner = factories.partner(workspace)
    contact = factories.contact(partner, name="Petra")
    first = terms_service.save_terms(
        db.session,
        partner,
        {"commission_rate": "10", "payment_terms_days": 30, "cadence_days": 21, "response_time_days": 2},
        0,
        user.id,
        now,
    )
    db.session.commit()
    second = terms_service.save_terms(
        db.session,
        partner,
        {
            "commission_rate": "12.5",
            "payment_terms_days": 30,
            "cadence_days": 14,
            "response_time_days": 2,
            "agreed_by_contact_id": contact.id,
            "clauses": "Invoices monthly.",
        },
        1,
        user.id,
        now + timedelta(hours=1),
    )
    db.session.commit()
    assert (first.version, second.version) == (1, 2)
    history, names = terms_service.history(db.session, partner.id)
    assert [h.version.version for h in history] == [2, 1]
    changed = {c.field: (c.old, c.new) for c in history[0].changes}
    assert changed == {
        "commission_rate": (Decimal("10.00"), Decimal("12.50")),
        "cadence_days": (21, 14),
        "agreed_by_contact_id": (None, contact.id),
        "clauses": (None, "Invoices monthly."),
    }
    assert names == {contact.id: "Petra"}
    assert history[0].changed_by_name == "Olga Owner"
    # the old version is still there, unchanged
    old = db.session.scalar(
        select(TermsVersion).where(TermsVersion.partner_id == partner.id, TermsVersion.version == 1)
    )
    assert old.commission_rate == Decimal("10.00") and old.cadence_days == 21
    terms, current = terms_service.current(db.session, partner.id)
    assert terms.version == 2 and terms.commission_rate == Decimal("12.50") and current.id == second.id


def test_partner_cadence_and_response_time_follow_the_current_version(workspace, factories, now):
    partner = factories.partner(workspace)
    give_terms(partner, "5", now=now, cadence_days=10, response_time_days=1)
    db.session.refresh(partner)
    assert (partner.cadence_days, partner.response_time_days) == (10, 1)
    give_terms(partner, "5", now=now, cadence_days=None, response_time_days=3)
    db.session.refresh(partner)
    assert (partner.cadence_days, partner.response_time_days) == (None, 3)


def test_second_concurrent_save_is_refused(workspace, factories, user, now):
    partner = factories.partner(workspace)
    give_terms(partner, "10", now=now, actor_id=user.id)  # version 1, both editors opened it
    terms_service.save_terms(db.session, partner, {"commission_rate": "11"}, 1, user.id, now)
    db.session.commit()
    with pytest.raises(ServiceError) as conflict:
        terms_service.save_terms(db.session, partner, {"commission_rate": "15"}, 1, None, now)
    db.session.rollback()
    assert conflict.value.field == "version"
    assert "Olga Owner" in conflict.value.message and "not saved" in conflict.value.message
    terms, version = terms_service.current(db.session, partner.id)
    assert terms.version == 2 and version.commission_rate == Decimal("11.00")
    assert db.session.scalar(select(func.count()).select_from(TermsVersion)) == 2


def test_compare_and_set_refuses_a_stale_writer_even_past_the_check(workspace, factories, now, monkeypatch):
    """Two saves that both passed the version check: only one moves the version on."""
    partner = factories.partner(workspace)
    give_terms(partner, "10", now=now)
    real_current = terms_service.current
    stale = real_current(db.session, partner.id)
    # another request commits version 2 after this one read version 1
    db.session.execute(Terms.__table__.update().where(Terms.partner_id == partner.id).values(version=2))
    monkeypatch.setattr(terms_service, "current", lambda session, pid: stale)
    with pytest.raises(ServiceError) as conflict:
        terms_service.save_terms(db.session, partner, {"commission_rate": "20"}, 1, None, now)
    assert conflict.value.field == "version"


def test_terms_validation_and_no_empty_versions(workspace, factories, other, now):
    partner = factories.partner(workspace)
    for data, field in [
        ({"commission_rate": "101"}, "commission_rate"),
        ({"commission_rate": "abc"}, "commission_rate"),
        ({"cadence_days": 0}, "cadence_days"),
        ({"agreed_by_contact_id": other["contact"].id}, "agreed_by_contact_id"),
    ]:
        with pytest.raises(ServiceError) as error:
            terms_service.save_terms(db.session, partner, data, 0, None, now)
        assert error.value.field == field
    give_terms(partner, "10", now=now)
    with pytest.raises(ServiceError, match="Nothing changed"):
        terms_service.save_terms(db.session, partner, {"commission_rate": "10.00"}, 1, None, now)


def test_review_due_lists_passed_review_dates(workspace, factories, now):
    due = factories.partner(workspace, name="Due")
    later = factories.partner(workspace, name="Later")
    give_terms(due, "5", now=now, review_on=now.date() - timedelta(days=1))
    give_terms(later, "5", now=now, review_on=now.date() + timedelta(days=10))
    page = terms_service.review_due(db.session, workspace.id, now.date())
    assert [row.partner_name for row in page.items] == ["Due"]


# --- commissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "amount", "currency", "expected"),
    [
        ("10", "1000.00", "EUR", "100.00"),
        ("12.5", "0.20", "EUR", "0.03"),  # 0.025 -> half up
        ("12.5", "0.12", "EUR", "0.02"),  # 0.015 -> half up
        ("7.5", "333.33", "EUR", "25.00"),  # 24.99975 -> 25.00
        ("10", "1005", "JPY", "101"),  # 100.5 yen -> 101 (no minor unit)
        ("10", "1004", "JPY", "100"),
        ("0.01", "0.49", "USD", "0.00"),
    ],
)
def test_rounding_half_up_to_the_minor_unit(rate, amount, currency, expected):
    assert commissions.commission_amount(Decimal(rate), Decimal(amount), currency) == Decimal(expected)


def test_winning_a_referred_deal_owes_the_referrer(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    deal = make_deal(client, now=now, amount="1234.55")
    assert entries() == []
    outcome = deals.move_deal(db.session, deal, "won", now)
    db.session.commit()
    [entry] = entries()
    assert outcome.commissions == [entry]
    assert (entry.kind, entry.status, entry.amount, entry.currency) == ("earned", "owed", Decimal("123.46"), "EUR")
    assert entry.referrer_id == referrer.id and entry.deal_id == deal.id
    version = db.session.scalar(select(TermsVersion).where(TermsVersion.partner_id == referrer.id))
    assert entry.terms_version_id == version.id and entry.rate == Decimal("10.00")


def test_no_commission_without_rate_or_referrer(workspace, factories, now):
    lone = factories.partner(workspace)
    make_deal(lone, now=now, stage="won")
    no_rate_referrer = factories.partner(workspace)
    give_terms(no_rate_referrer, None, now=now, payment_terms_days=30)
    referred = factories.partner(workspace, referred_by_id=no_rate_referrer.id)
    make_deal(referred, now=now, stage="won")
    assert entries() == []


def test_amount_change_adjusts_the_owed_entry(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, now=now)
    deal = make_deal(client, now=now, stage="won", amount="1000")
    deals.update_deal(db.session, deal, deal_data(deal, amount=Decimal("1500")), now)
    db.session.commit()
    [entry] = entries()
    assert (entry.kind, entry.status, entry.amount) == ("earned", "owed", Decimal("150.00"))


def test_amount_change_after_payment_adds_an_adjustment(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, now=now)
    deal = make_deal(client, now=now, stage="won", amount="1000")
    [earned] = entries()
    commissions.mark_paid(db.session, workspace.id, [earned.id], now.date(), "TR-1", None)
    db.session.commit()
    deals.update_deal(db.session, deal, deal_data(deal, amount=Decimal("800")), now)
    db.session.commit()
    paid, adjustment = entries()
    assert (paid.status, paid.amount, paid.payment_reference) == ("paid", Decimal("100.00"), "TR-1")
    assert (adjustment.kind, adjustment.status, adjustment.amount) == ("adjustment", "owed", Decimal("-20.00"))
    # a second change moves the open adjustment, it does not pile up entries
    deals.update_deal(db.session, deal, deal_data(deal, amount=Decimal("1200")), now)
    db.session.commit()
    paid, adjustment = entries()
    assert (adjustment.kind, adjustment.amount) == ("adjustment", Decimal("20.00"))


def test_reopening_or_losing_reverses(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, now=now)
    unpaid = make_deal(client, now=now, stage="won", amount="500", title="Unpaid")
    paid_deal = make_deal(client, now=now, stage="won", amount="300", title="Paid")
    commissions.mark_paid(db.session, workspace.id, [e.id for e in entries(paid_deal.id)], now.date(), None, None)
    db.session.commit()
    deals.move_deal(db.session, unpaid, "negotiation", now)
    deals.move_deal(db.session, paid_deal, "lost", now, lost_reason="Cancelled")
    db.session.commit()
    assert entries(unpaid.id) == []  # nothing paid, nothing owed
    paid, reversal = entries(paid_deal.id)
    assert (reversal.kind, reversal.status, reversal.amount) == ("reversal", "owed", Decimal("-30.00"))
    # winning again earns it again, netting to the commission once
    deals.move_deal(db.session, paid_deal, "won", now)
    db.session.commit()
    assert sum(e.amount for e in entries(paid_deal.id)) == Decimal("30.00")
    assert [e.status for e in entries(paid_deal.id)] == ["paid"]


def test_late_attribution_creates_missing_entries_once(workspace, factories, now):
    referrer = factories.partner(workspace, name="Late Referrer")
    give_terms(referrer, "5", now=now)
    client = factories.partner(workspace)
    won_a = make_deal(client, now=now, stage="won", amount="100", title="A")
    won_b = make_deal(client, now=now, stage="won", amount="200", currency="USD", title="B")
    make_deal(client, now=now, stage="proposal", amount="999", title="Open")
    assert entries() == []
    client.referred_by_id = referrer.id
    created = commissions.on_referrer_changed(db.session, client, now)
    db.session.commit()
    assert sorted((e.deal_id, e.amount, e.currency) for e in created) == sorted(
        [(won_a.id, Decimal("5.00"), "EUR"), (won_b.id, Decimal("10.00"), "USD")]
    )
    assert commissions.on_referrer_changed(db.session, client, now) == []
    db.session.commit()
    assert len(entries()) == 2


def test_changing_the_referrer_moves_the_commission(workspace, factories, now):
    first, client = referral_pair(factories, workspace, rate="10", now=now)
    deal = make_deal(client, now=now, stage="won", amount="1000")
    commissions.mark_paid(db.session, workspace.id, [entries()[0].id], now.date(), None, None)
    second = factories.partner(workspace, name="Second")
    give_terms(second, "20", now=now)
    client.referred_by_id = second.id
    commissions.on_referrer_changed(db.session, client, now)
    db.session.commit()
    by_referrer = {}
    for e in entries(deal.id):
        by_referrer.setdefault(e.referrer_id, []).append((e.kind, e.status, e.amount))
    assert by_referrer[first.id] == [("earned", "paid", Decimal("100.00")), ("reversal", "owed", Decimal("-100.00"))]
    assert by_referrer[second.id] == [("earned", "owed", Decimal("200.00"))]


def test_rate_is_kept_from_the_win_when_the_amount_changes(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    deal = make_deal(client, now=now, stage="won", amount="1000")
    give_terms(referrer, "50", now=now)
    deals.update_deal(db.session, deal, deal_data(deal, amount=Decimal("2000")), now)
    db.session.commit()
    [entry] = entries()
    assert entry.amount == Decimal("200.00") and entry.rate == Decimal("10.00")


def test_mark_paid_rules(workspace, factories, other, now):
    referrer, client = referral_pair(factories, workspace, now=now)
    make_deal(client, now=now, stage="won", amount="10")
    [entry] = entries()
    with pytest.raises(ServiceError):
        commissions.mark_paid(db.session, workspace.id, [], now.date(), None, None)
    with pytest.raises(ServiceError) as no_date:
        commissions.mark_paid(db.session, workspace.id, [entry.id], None, None, None)
    assert no_date.value.field == "paid_on"
    with pytest.raises(ServiceError):  # another workspace cannot pay it
        commissions.mark_paid(db.session, other["workspace"].id, [entry.id], now.date(), None, None)
    # no minimum payout: one euro is paid like any other amount
    assert commissions.mark_paid(db.session, workspace.id, [entry.id], now.date(), "x", None) == 1
    with pytest.raises(ServiceError, match="already paid"):
        commissions.mark_paid(db.session, workspace.id, [entry.id], now.date(), "x", None)


def test_ledger_totals_per_currency(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, now=now)
    make_deal(client, now=now, stage="won", amount="100", currency="EUR")
    make_deal(client, now=now, stage="won", amount="300", currency="EUR")
    make_deal(client, now=now, stage="won", amount="5000", currency="JPY")
    first = entries()[0]
    commissions.mark_paid(db.session, workspace.id, [first.id], now.date(), None, None)
    page, totals = commissions.ledger(db.session, workspace.id, commissions.LedgerFilters())
    by = {t.currency: (t.earned, t.owed, t.paid) for t in totals}
    assert by == {
        "EUR": (Decimal("40.00"), Decimal("30.00"), Decimal("10.00")),
        "JPY": (Decimal("500.00"), Decimal("500.00"), Decimal("0.00")),
    }
    owed_page, _ = commissions.ledger(db.session, workspace.id, commissions.LedgerFilters(status="paid"))
    assert owed_page.total == 1


# --- running totals -----------------------------------------------------------------------------


def _totals_table(workspace_id):
    from app.models import DealTotal

    rows = db.session.execute(
        select(
            DealTotal.owner_id,
            DealTotal.stage,
            DealTotal.currency,
            DealTotal.month,
            func.sum(DealTotal.deal_count),
            func.sum(DealTotal.amount),
        )
        .where(DealTotal.workspace_id == workspace_id)
        .group_by(DealTotal.owner_id, DealTotal.stage, DealTotal.currency, DealTotal.month)
    ).all()
    return {(o, s, c, m): (n, as_money(a)) for o, s, c, m, n, a in rows if n}


def test_running_totals_match_a_recompute(workspace, user, factories, now):
    a = factories.partner(workspace)
    b = factories.partner(workspace)
    d1 = make_deal(a, now=now, amount="100", stage="proposal", owner_id=user.id)
    d2 = make_deal(a, now=now, amount="250.55", currency="USD", stage="won")
    d3 = make_deal(b, now=now, amount="40", stage="lead")
    make_deal(b, now=now, amount="60", stage="won")
    deals.move_deal(db.session, d1, "won", now)
    deals.update_deal(
        db.session,
        d2,
        {**deal_data(d2), "amount": Decimal("300"), "currency": "EUR", "owner_id": user.id},
        now + timedelta(days=40),
    )
    deals.move_deal(db.session, d3, "lost", now + timedelta(days=40), lost_reason="No budget")
    db.session.commit()
    db.session.delete(db.session.get(Partner, b.id))  # its deals go with it
    db.session.commit()
    incremental = _totals_table(workspace.id)
    deal_totals.rebuild(db.session, workspace.id)
    db.session.commit()
    assert incremental == _totals_table(workspace.id)
    month = now.date().replace(day=1)
    assert incremental == {(user.id, "won", "EUR", month): (2, Decimal("400.00"))}
    board = deals.pipeline(db.session, workspace.id, deals.BoardFilters(), now.date())
    assert board.totals["won"].count == 2 and board.totals["won"].sums == {"EUR": Decimal("400.00")}


def test_rebuild_command(runner, workspace, factories, now):
    make_deal(factories.partner(workspace), now=now, amount="5", stage="lead")
    db.session.execute(db.text("DELETE FROM deal_total"))
    db.session.commit()
    result = runner.invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0 and "deal_totals 1" in result.output
    assert deals.summary_totals(db.session, workspace.id)["lead"].sums == {"EUR": Decimal("5.00")}


def _ledger_table(workspace_id):
    from app.models import CommissionTotal

    rows = db.session.execute(
        select(
            CommissionTotal.currency,
            CommissionTotal.status,
            CommissionTotal.month,
            func.sum(CommissionTotal.entry_count),
            func.sum(CommissionTotal.amount),
        )
        .where(CommissionTotal.workspace_id == workspace_id)
        .group_by(CommissionTotal.currency, CommissionTotal.status, CommissionTotal.month)
    ).all()
    return {(c, s, m): (n, as_money(a)) for c, s, m, n, a in rows if n}


def test_ledger_running_totals_match_a_recompute(workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    other_client = factories.partner(workspace, referred_by_id=referrer.id)
    d1 = make_deal(client, now=now, stage="won", amount="1000")
    d2 = make_deal(client, now=now, stage="won", amount="500", currency="USD")
    make_deal(other_client, now=now, stage="won", amount="300")
    commissions.mark_paid(db.session, workspace.id, [e.id for e in entries(d1.id)], now.date(), None, None)
    deals.update_deal(db.session, d1, deal_data(d1, amount=Decimal("1200")), now + timedelta(days=35))
    deals.move_deal(db.session, d2, "lost", now, lost_reason="Cancelled")
    db.session.commit()
    db.session.delete(db.session.get(Partner, other_client.id))
    db.session.commit()
    incremental = _ledger_table(workspace.id)
    commission_totals.rebuild(db.session, workspace.id)
    db.session.commit()
    assert incremental == _ledger_table(workspace.id)
    month, later = now.date().replace(day=1), (now + timedelta(days=35)).date().replace(day=1)
    assert incremental == {
        ("EUR", "paid", month): (1, Decimal("100.00")),
        ("EUR", "owed", later): (1, Decimal("20.00")),
    }
    page, totals = commissions.ledger(db.session, workspace.id, commissions.LedgerFilters())
    assert page.total == 2 and [(t.currency, t.owed, t.paid) for t in totals] == [
        ("EUR", Decimal("20.00"), Decimal("100.00"))
    ]
    # a period that is not whole months is summed from the entries themselves
    page, totals = commissions.ledger(db.session, workspace.id, commissions.LedgerFilters(period_from=now.date()))
    assert page.total == 2 and totals[0].earned == Decimal("120.00")
