"""Paid money never disappears: a partner with paid commission entries (as referrer, or through its
deals) is never hard-deleted, the delete page says so before the name is typed, and owed entries go
with the partner as they always did. Also when the delete and a payment happen at the same instant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Commission, CommissionTotal, Deal, Partner
from app.services import commissions
from app.services import partners as partner_service
from tests.concurrency.helpers import at_once
from tests.concurrency.meeting import meet_at
from tests.deals.helpers import give_terms, make_deal, referral_pair
from tests.html import parse

PAID_MESSAGE = "This partner has 2 paid commission entries (EUR 450.00); archive it instead."


def _ledger(workspace_id: int):
    """Every entry as stored, and the ledger's running totals per status."""
    entries = db.session.execute(
        select(Commission.id, Commission.status, Commission.amount, Commission.referrer_id, Commission.deal_id)
        .where(Commission.workspace_id == workspace_id)
        .order_by(Commission.id)
    ).all()
    totals = db.session.execute(
        select(CommissionTotal.status, func.sum(CommissionTotal.entry_count), func.sum(CommissionTotal.amount))
        .where(CommissionTotal.workspace_id == workspace_id)
        .group_by(CommissionTotal.status)
        .order_by(CommissionTotal.status)
    ).all()
    return [tuple(e) for e in entries], [
        (status, int(n), Decimal(str(a)).quantize(Decimal("0.01"))) for status, n, a in totals if n
    ]


def _pay(workspace, entry_ids, now):
    commissions.mark_paid(db.session, workspace.id, entry_ids, now.date(), "Bank transfer", None)
    db.session.commit()


@pytest.fixture
def book(factories, workspace, now):
    """A referrer and the client it referred: two won deals paid (EUR 450.00), one owed (EUR 50.00)."""
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    paid_deals = [
        make_deal(client, now=now, stage="won", amount=amount, title=t) for amount, t in (("1500", "A"), ("3000", "B"))
    ]
    make_deal(client, now=now, stage="won", amount="500", title="C")
    paid = db.session.scalars(select(Commission.id).where(Commission.deal_id.in_([d.id for d in paid_deals]))).all()
    _pay(workspace, paid, now)
    return referrer, client


# --- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["client", "referrer"])
def test_a_partner_with_paid_entries_is_never_deleted(book, workspace, who):
    partner = book[1] if who == "client" else book[0]
    before = _ledger(workspace.id)
    with pytest.raises(partner_service.KeepsPaidMoney) as refused:
        partner_service.delete_partner(db.session, partner, partner.name)
    assert (refused.value.message, refused.value.field) == (PAID_MESSAGE, "confirm_name")
    db.session.rollback()
    assert db.session.get(Partner, partner.id) is not None
    assert _ledger(workspace.id) == before
    assert summaries.check(db.session, workspace.id) == []


def test_the_impact_counts_paid_and_owed_entries_per_currency(book, now):
    referrer, client = book
    make_deal(client, now=now, stage="won", amount="100", currency="USD", title="D")
    impact = partner_service.delete_impact(db.session, client)
    assert impact.paid == partner_service.Entries(2, (("EUR", Decimal("450.00")),))
    assert impact.owed == partner_service.Entries(2, (("EUR", Decimal("50.00")), ("USD", Decimal("10.00"))))
    assert partner_service.delete_impact(db.session, referrer) == impact


def test_owed_entries_go_with_the_partner(factories, workspace, now):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    make_deal(client, now=now, stage="won", amount="500", title="C")
    partner_service.delete_partner(db.session, client, client.name)
    db.session.commit()
    assert _ledger(workspace.id) == ([], [])
    assert summaries.check(db.session, workspace.id) == []


# --- the delete page --------------------------------------------------------------------------------


def test_the_delete_page_says_paid_entries_forbid_it_before_the_name_is_typed(logged_in, book):
    client = book[1]
    page = parse(logged_in.get(f"/partners/{client.id}/delete").get_data(as_text=True))
    form = next(f for f in page.find_all("form") if f.find("input", name="confirm_name"))
    elements = list(form.iter())
    notice, owed, field = form.one(id="delete-paid"), form.one(id="delete-owed"), form.one("input", name="confirm_name")
    assert notice.text.startswith("This partner has 2 paid commission entries (€450.00); archive it instead.")
    assert owed.text == "Its 1 owed commission entry (€50.00) will be deleted with it."
    assert elements.index(notice) < elements.index(field)  # read before typing, next to the field
    assert form.one("button", type="submit").get("disabled") is not None
    assert page.one("form", action=f"/partners/{client.id}/archive").one("button").text == "Archive instead"


def test_deleting_a_partner_with_paid_entries_is_refused_on_the_page(logged_in, book, workspace):
    client = book[1]
    before = _ledger(workspace.id)
    response = logged_in.post(f"/partners/{client.id}/delete", data={"confirm_name": client.name})
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert page.one(id="delete-paid").text.startswith("This partner has 2 paid commission entries (€450.00)")
    assert page.one("input", name="confirm_name")["value"] == client.name  # what was typed stays
    assert page.find_all(class_="field-error") == []  # said once, by the notice
    db.session.expire_all()
    assert db.session.get(Partner, client.id) is not None
    assert _ledger(workspace.id) == before


def test_the_delete_page_of_a_partner_without_entries_says_nothing_of_the_ledger(logged_in, factories, workspace):
    partner = factories.partner(workspace, name="Plain Ltd")
    page = parse(logged_in.get(f"/partners/{partner.id}/delete").get_data(as_text=True))
    assert page.find(id="delete-paid") is None and page.find(id="delete-owed") is None
    form = next(f for f in page.find_all("form") if f.find("input", name="confirm_name"))
    assert form.one("button", type="submit").get("disabled") is None


# --- a payment and the delete at the same instant ---------------------------------------------------


def test_paying_and_deleting_at_once_never_loses_the_payment(app, monkeypatch, user, factories, workspace, now):
    meet_at(monkeypatch, (commissions, "mark_paid"), (partner_service, "delete_partner"))
    referrer = factories.partner(workspace, name="Rita Referrer", status="referrer")
    give_terms(referrer, "10", now=now)
    for round_ in range(4):
        client = factories.partner(workspace, name=f"Client {round_}", referred_by_id=referrer.id)
        deal = make_deal(client, now=now, stage="won", amount="1000", title=f"Deal {round_}")
        deal_id, client_id, name = deal.id, client.id, client.name
        entry_id = db.session.scalar(select(Commission.id).where(Commission.deal_id == deal_id))
        pay, delete = at_once(
            app,
            user,
            ("POST", "/ledger/pay", {"ids": [str(entry_id)], "paid_on": "2026-11-20", "payment_reference": "R"}),
            ("POST", f"/partners/{client_id}/delete", {"confirm_name": name}),
        )
        db.session.expire_all()
        entry = db.session.get(Commission, entry_id)
        if db.session.get(Partner, client_id) is None:  # deleted first: the payment found no entry
            assert (delete.status_code, pay.status_code, entry) == (302, 422, None), f"round {round_}"
            assert db.session.get(Deal, deal_id) is None
        else:  # paid first: the delete was refused
            assert (pay.status_code, delete.status_code, entry.status) == (200, 422, "paid"), f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []
