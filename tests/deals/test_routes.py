"""Deals, terms and commissions over HTTP: pages, htmx fragments, validation, tenancy, the statement."""

import csv
import io
import re
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models import Commission, Deal, StatementLink, TermsVersion
from app.services import commissions
from app.services import deals as deal_service
from tests.deals.helpers import give_terms, make_deal, referral_pair
from tests.html import parse


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- pipeline board -----------------------------------------------------------------------------


def test_board_shows_columns_and_totals_per_currency(logged_in, workspace, factories, now):
    partner = factories.partner(workspace, name="Acme")
    make_deal(partner, now=now, title="Logo", amount="100", stage="proposal")
    make_deal(partner, now=now, title="Shop", amount="250.50", currency="USD", stage="proposal")
    html = logged_in.get("/deals/").get_data(as_text=True)
    assert 'id="column-proposal"' in html and 'id="column-won"' in html
    proposal = html.split('id="column-proposal"')[1].split('id="column-negotiation"')[0]
    assert "Logo" in proposal and "Shop" in proposal and "Acme" in proposal
    assert "€100.00" in proposal and "$250.50" in proposal  # per currency, never added


def test_move_with_htmx_swaps_the_board_and_reports_the_commission(logged_in, workspace, factories, now, hx):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    deal = make_deal(client, now=now, title="Redesign", amount="2000", stage="negotiation")
    response = logged_in.post(f"/deals/{deal.id}/stage", data={"stage": "won", "back": "board"}, headers=hx)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="pipeline"')  # a fragment, not a full page
    won = html.split('id="column-won"')[1].split('id="column-lost"')[0]
    assert "Redesign" in won and "data-focus-after-swap" in won
    assert "€200.00 commission owed to Rita Referrer" in html
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "won"
    assert db.session.scalar(select(Commission.amount)) == Decimal("200.00")


def test_move_to_lost_without_reason_is_refused_next_to_the_field(logged_in, workspace, factories, now, hx):
    deal = make_deal(factories.partner(workspace), now=now, title="Audit")
    response = logged_in.post(f"/deals/{deal.id}/stage", data={"stage": "lost", "back": "board"}, headers=hx)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    card = html.split(f'id="deal-card-{deal.id}"')[1].split("</li>")[0]
    assert 'name="lost_reason"' in card and "Say why the deal was lost" in card and 'aria-invalid="true"' in card
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "lead"
    ok = logged_in.post(
        f"/deals/{deal.id}/stage", data={"stage": "lost", "lost_reason": "Too early", "back": "board"}, headers=hx
    )
    assert ok.status_code == 200
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).lost_reason == "Too early"


def test_move_without_javascript_redirects(logged_in, workspace, factories, now):
    deal = make_deal(factories.partner(workspace), now=now, amount="10")
    response = logged_in.post(f"/deals/{deal.id}/stage", data={"stage": "proposal", "back": "board"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/deals/")
    response = logged_in.post(f"/deals/{deal.id}/stage", data={"stage": "won", "back": "deal"})
    assert response.headers["Location"] == f"/deals/{deal.id}"


# --- list, create, edit -------------------------------------------------------------------------


def test_deals_list_filters_sorts_and_paginates(logged_in, workspace, factories, now):
    acme = factories.partner(workspace, name="Acme")
    beta = factories.partner(workspace, name="Beta")
    for i in range(30):
        make_deal(acme, now=now, title=f"Acme job {i:02d}", amount=str(10 + i))
    make_deal(
        beta, now=now, title="Beta shop", amount="999", currency="USD", stage="won", value_to_us=2, value_to_partner=1
    )
    page1 = logged_in.get("/deals/list?sort=title&dir=asc").get_data(as_text=True)
    assert "31 deals" in page1 and "Acme job 00" in page1 and "Acme job 29" not in page1
    assert "Page 1 of 2" in page1
    assert "Acme job 29" in logged_in.get("/deals/list?sort=title&dir=asc&page=2").get_data(as_text=True)
    by_partner = logged_in.get("/deals/list?q=beta").get_data(as_text=True)
    assert "Beta shop" in by_partner and "Acme job" not in by_partner and "1 deal" in by_partner
    winwin = logged_in.get("/deals/list?quadrant=win-win").get_data(as_text=True)
    assert "Beta shop" in winwin and "Acme job" not in winwin
    usd = logged_in.get("/deals/list?currency=USD", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert usd.lstrip().startswith('<section id="deal-results"') and "$999.00" in usd


def test_create_deal_from_the_partner_page(logged_in, workspace, factories):
    partner = factories.partner(workspace, name="Acme")
    form = logged_in.get(f"/deals/new?partner_id={partner.id}").get_data(as_text=True)
    assert "Acme" in form and 'value="EUR"' in form
    response = logged_in.post(
        "/deals/new",
        data={
            "partner_id": partner.id,
            "title": "Brand book",
            "amount": "1500",
            "currency": "eur",
            "stage": "proposal",
            "value_to_us": "1",
            "value_to_partner": "2",
            "owner_id": "",
            "expected_close_on": "2026-12-20",
        },
    )
    assert response.status_code == 302
    deal = db.session.scalar(select(Deal))
    assert (deal.title, deal.amount, deal.currency, deal.stage) == ("Brand book", Decimal("1500.00"), "EUR", "proposal")
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Win-win" in page


def test_invalid_deal_is_refused_with_messages_next_to_fields(logged_in, workspace, factories):
    partner = factories.partner(workspace)
    response = logged_in.post(
        "/deals/new", data={"partner_id": partner.id, "title": "", "amount": "-5", "currency": "EUR", "stage": "lead"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="title-error">[^<]*Give the deal a title', html)
    assert re.search(r'id="amount-error">[^<]*cannot be negative', html)
    response = logged_in.post(
        "/deals/new", data={"partner_id": partner.id, "title": "X", "amount": "10", "currency": "ZZQ", "stage": "lead"}
    )
    assert response.status_code == 422
    assert re.search(r'id="currency-error">[^<]*ISO currency', response.get_data(as_text=True))
    response = logged_in.post(
        "/deals/new", data={"partner_id": partner.id, "title": "X", "amount": "0", "currency": "EUR", "stage": "won"}
    )
    assert response.status_code == 422 and "needs its amount" in response.get_data(as_text=True)
    response = logged_in.post(
        "/deals/new", data={"title": "No partner", "amount": "1", "currency": "EUR", "stage": "lead"}
    )
    assert response.status_code == 422
    assert re.search(r'id="partner_id-error">[^<]*Choose the partner', response.get_data(as_text=True))
    assert count(Deal) == 0


def test_edit_deal_and_compromise_warning(logged_in, workspace, factories, now):
    deal = make_deal(factories.partner(workspace), now=now, title="Old")
    response = logged_in.post(
        f"/deals/{deal.id}/edit",
        data={
            "title": "New",
            "amount": "300",
            "currency": "EUR",
            "stage": "negotiation",
            "value_to_us": "2",
            "value_to_partner": "0",
            "value_to_partner_note": "They pay full price for less",
        },
    )
    assert response.status_code == 302
    page = logged_in.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "New" in page and "compromise is not win-win" in page.lower()
    bad = logged_in.post(
        f"/deals/{deal.id}/edit", data={"title": "Newer", "amount": "abc", "currency": "EUR", "stage": "lead"}
    )
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).title == "New"


def test_partner_deals_tab(logged_in, workspace, factories, now):
    partner = factories.partner(workspace)
    make_deal(partner, now=now, amount="100", stage="won", value_to_us=2, value_to_partner=2)
    make_deal(partner, now=now, amount="50", currency="USD", stage="won", value_to_us=1, value_to_partner=-1)
    make_deal(partner, now=now, amount="70", stage="lead")
    html = logged_in.get(f"/partners/{partner.id}/deals").get_data(as_text=True)
    assert 'aria-current="page">Deals' in html
    won = html.split("Won revenue")[1].split("</article>")[0]
    assert "€100.00" in won and "$50.00" in won and "€170" not in won
    assert "<svg" in html and "polyline" in html


def test_partner_options_search(logged_in, workspace, factories, other):
    factories.partner(workspace, name="Zebra Studio")
    html = logged_in.get("/deals/partner-options?partner_q=zeb").get_data(as_text=True)
    assert "Zebra Studio" in html
    assert "Outsider" not in logged_in.get("/deals/partner-options?partner_q=out").get_data(as_text=True)


def test_other_workspace_deals_and_partners_answer_404(logged_in, other, now, hx):
    theirs = make_deal(other["partner"], now=now, amount="10")
    pid = other["partner"].id
    for method, url in [
        ("GET", f"/deals/{theirs.id}"),
        ("GET", f"/deals/{theirs.id}/edit"),
        ("POST", f"/deals/{theirs.id}/edit"),
        ("POST", f"/deals/{theirs.id}/stage"),
        ("GET", f"/deals/new?partner_id={pid}"),
        ("POST", f"/deals/new?partner_id={pid}"),
        ("GET", f"/partners/{pid}/deals"),
        ("GET", f"/partners/{pid}/terms"),
        ("POST", f"/partners/{pid}/terms"),
        ("GET", f"/partners/{pid}/commissions"),
        ("POST", f"/partners/{pid}/statement-links"),
    ]:
        for headers in ({}, hx):
            response = logged_in.open(
                url,
                method=method,
                headers=headers,
                data={"stage": "won", "title": "x", "amount": "1", "currency": "EUR"},
            )
            assert response.status_code == 404, (method, url)
    db.session.expire_all()
    assert db.session.get(Deal, theirs.id).stage == "lead" and count(StatementLink) == 0
    html = logged_in.get("/deals/list").get_data(as_text=True) + logged_in.get("/deals/").get_data(as_text=True)
    assert "Outsider Partner" not in html


# --- terms --------------------------------------------------------------------------------------


def test_terms_tab_saves_versions_and_shows_history(logged_in, workspace, factories):
    partner = factories.partner(workspace)
    contact = factories.contact(partner, name="Petra Agreed")
    empty = logged_in.get(f"/partners/{partner.id}/terms").get_data(as_text=True)
    assert "No terms recorded" in empty and 'name="version" type="hidden" value="0"' in empty
    r1 = logged_in.post(
        f"/partners/{partner.id}/terms",
        data={
            "version": "0",
            "commission_rate": "10",
            "payment_terms_days": "30",
            "cadence_days": "21",
            "agreed_by_contact_id": str(contact.id),
            "agreed_on": "2026-11-01",
            "clauses": "Monthly invoices",
        },
    )
    assert r1.status_code == 302
    r2 = logged_in.post(
        f"/partners/{partner.id}/terms",
        data={
            "version": "1",
            "commission_rate": "12",
            "payment_terms_days": "30",
            "cadence_days": "21",
            "agreed_by_contact_id": str(contact.id),
            "agreed_on": "2026-11-01",
            "clauses": "Monthly invoices",
        },
    )
    assert r2.status_code == 302
    html = logged_in.get(f"/partners/{partner.id}/terms").get_data(as_text=True)
    assert "Version 2" in html and 'id="terms-version-1"' in html
    v2 = html.split('id="terms-version-2"')[1].split("</li>")[0]
    assert "Commission rate" in v2 and "10 %" in v2 and "12 %" in v2 and "Payment terms" not in v2
    assert "Petra Agreed" in html
    db.session.expire_all()
    assert db.session.get(type(partner), partner.id).cadence_days == 21


def test_stale_terms_form_is_refused_and_nothing_saved(logged_in, workspace, factories, now):
    partner = factories.partner(workspace)
    give_terms(partner, "10", now=now)
    give_terms(partner, "11", now=now)  # someone else saved version 2
    response = logged_in.post(f"/partners/{partner.id}/terms", data={"version": "1", "commission_rate": "30"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "while you were editing" in html and "not saved" in html
    assert 'name="version" type="hidden" value="2"' in html and 'value="30"' in html  # edits kept
    assert count(TermsVersion) == 2


def test_invalid_terms_show_the_message_next_to_the_field(logged_in, workspace, factories):
    partner = factories.partner(workspace)
    response = logged_in.post(
        f"/partners/{partner.id}/terms", data={"version": "0", "commission_rate": "150", "cadence_days": "0"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="cadence_days-error">[^<]*between 1 and 3650', html)
    response = logged_in.post(f"/partners/{partner.id}/terms", data={"version": "0", "commission_rate": "150"})
    assert re.search(r'id="commission_rate-error">[^<]*between 0 and 100', response.get_data(as_text=True))
    assert count(TermsVersion) == 0


def test_review_page_lists_passed_reviews(logged_in, workspace, factories, now):
    due = factories.partner(workspace, name="Due For Review")
    give_terms(due, "5", now=now, review_on=now.date().replace(year=2025))
    html = logged_in.get("/terms/reviews").get_data(as_text=True)
    assert "Due For Review" in html and "1 partner" in html


# --- ledger and statement -----------------------------------------------------------------------


def _won_referral(factories, workspace, now, amount="1000", currency="EUR"):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    deal = make_deal(client, now=now, stage="won", amount=amount, currency=currency, title="Site")
    return referrer, client, deal


def test_ledger_filters_pays_and_shows_totals(logged_in, workspace, factories, now, hx):
    referrer, client, deal = _won_referral(factories, workspace, now)
    make_deal(client, now=now, stage="won", amount="500", currency="USD", title="App")
    html = logged_in.get("/ledger").get_data(as_text=True)
    assert "€100.00" in html and "$50.00" in html and "2 entries" in html
    assert 'hx-boost="false"' in html.split("Export CSV")[0].rsplit("<a", 1)[1]
    eur = db.session.scalar(select(Commission).where(Commission.currency == "EUR"))
    response = logged_in.post(
        "/ledger/pay", data={"ids": [str(eur.id)], "paid_on": "2026-11-20", "payment_reference": "TR-77"}, headers=hx
    )
    assert response.status_code == 200 and "1 marked as paid" in response.get_data(as_text=True)
    db.session.expire_all()
    eur = db.session.get(Commission, eur.id)
    assert (eur.status, eur.payment_reference, eur.paid_on.isoformat()) == ("paid", "TR-77", "2026-11-20")
    owed = logged_in.get("/ledger?status=owed").get_data(as_text=True)
    assert "1 entry" in owed and "App" in owed
    period = logged_in.get("/ledger?from=2030-01-01").get_data(as_text=True)
    assert "No commissions match" in period


def test_pay_without_date_or_selection_is_refused(logged_in, workspace, factories, now, hx, other):
    referrer, client, deal = _won_referral(factories, workspace, now)
    entry = db.session.scalar(select(Commission))
    no_date = logged_in.post("/ledger/pay", data={"ids": [str(entry.id)], "paid_on": ""}, headers=hx)
    assert no_date.status_code == 422
    assert re.search(r'id="paid_on-error">[^<]*date it was paid', no_date.get_data(as_text=True))
    nothing = logged_in.post("/ledger/pay", data={"paid_on": "2026-11-20"}, headers=hx)
    assert nothing.status_code == 422 and "Choose at least one" in nothing.get_data(as_text=True)
    # another workspace's entry cannot be paid from here
    their_ref = factories.partner(other["workspace"])
    give_terms(their_ref, "10", now=now)
    their_client = factories.partner(other["workspace"], referred_by_id=their_ref.id)
    make_deal(their_client, now=now, stage="won", amount="100")
    theirs = db.session.scalar(select(Commission).where(Commission.workspace_id == other["workspace"].id))
    foreign = logged_in.post("/ledger/pay", data={"ids": [str(theirs.id)], "paid_on": "2026-11-20"}, headers=hx)
    assert foreign.status_code == 422
    db.session.expire_all()
    assert {c.status for c in db.session.scalars(select(Commission))} == {"owed"}


def test_csv_export(logged_in, workspace, factories, now):
    referrer, client, deal = _won_referral(factories, workspace, now)
    deal.title = "=HYPERLINK(evil)"
    db.session.commit()
    response = logged_in.get("/ledger.csv?status=owed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["earned_on", "referrer", "referred_partner"]
    assert rows[1][1:4] == ["Rita Referrer", "Carl Client", "'=HYPERLINK(evil)"]
    assert rows[1][8:10] == ["100.00", "EUR"]
    assert len(list(csv.reader(io.StringIO(logged_in.get("/ledger.csv?status=paid").get_data(as_text=True))))) == 1


def test_partner_commissions_tab_and_statement_links(logged_in, client, workspace, factories, now):
    referrer, referred, deal = _won_referral(factories, workspace, now)
    factories.partner(workspace, name="Unrelated Secret Client")
    tab = logged_in.get(f"/partners/{referrer.id}/commissions").get_data(as_text=True)
    assert "€100.00" in tab and "Carl Client" in tab
    created = logged_in.post(f"/partners/{referrer.id}/statement-links", data={"label": "Email to Rita"})
    html = created.get_data(as_text=True)
    url = re.search(r'id="new-link-url" value="([^"]+)"', html).group(1)
    token = url.rsplit("/", 1)[1]
    link = db.session.scalar(select(StatementLink))
    assert link.token_hash != token and token not in link.token_hash and len(link.token_hash) == 64
    logged_in.post("/logout")

    statement = client.get(f"/statement/{token}")
    assert statement.status_code == 200
    page = statement.get_data(as_text=True)
    assert "Rita Referrer" in page and "Carl Client" in page and "€100.00" in page
    assert "Unrelated Secret Client" not in page and "Site" not in page  # nothing else of the workspace
    assert statement.headers["Cache-Control"] == "no-store" and statement.headers["Referrer-Policy"] == "no-referrer"

    assert client.get("/statement/not-a-real-token").status_code == 404
    assert client.get(f"/statement/{token[:-1]}x").status_code == 404
    commissions.revoke_statement_link(link, now)
    db.session.commit()
    assert client.get(f"/statement/{token}").status_code == 404


def test_revoke_link_from_the_tab(logged_in, workspace, factories, now, other):
    referrer, referred, deal = _won_referral(factories, workspace, now)
    link, token = commissions.create_statement_link(db.session, referrer, None, now)
    their_link, _ = commissions.create_statement_link(db.session, other["partner"], None, now)
    db.session.commit()
    assert logged_in.post(f"/partners/{referrer.id}/statement-links/{their_link.id}/revoke").status_code == 404
    response = logged_in.post(f"/partners/{referrer.id}/statement-links/{link.id}/revoke")
    assert response.status_code == 200 and "revoked" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StatementLink, link.id).revoked_at is not None
    assert db.session.get(StatementLink, their_link.id).revoked_at is None


def test_pay_without_javascript_redirects_back(logged_in, workspace, factories, now):
    referrer, client, deal = _won_referral(factories, workspace, now)
    entry = db.session.scalar(select(Commission))
    response = logged_in.post(
        "/ledger/pay",
        data={
            "ids": [str(entry.id)],
            "paid_on": "2026-11-20",
            "scope": "partner",
            "referrer": str(referrer.id),
            "status": "owed",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/partners/{referrer.id}/commissions?status=owed"
    assert "1 marked as paid" in logged_in.get(response.headers["Location"]).get_data(as_text=True)


def test_terms_naming_a_removed_contact_can_still_be_saved(logged_in, workspace, factories, now):
    partner = factories.partner(workspace)
    contact = factories.contact(partner, name="Gone Later")
    give_terms(partner, "10", now=now, agreed_by_contact_id=contact.id)
    contact.removed_at = now
    db.session.commit()
    html = logged_in.get(f"/partners/{partner.id}/terms").get_data(as_text=True)
    assert "Gone Later" in html
    response = logged_in.post(
        f"/partners/{partner.id}/terms",
        data={"version": "1", "commission_rate": "11", "agreed_by_contact_id": str(contact.id)},
    )
    assert response.status_code == 302
    assert count(TermsVersion) == 2


def test_a_move_from_a_stale_page_does_not_override_someone_elses(logged_in, workspace, factories, now, hx):
    """The board showed the deal in Proposal; someone moved it to Lost since: the move is refused
    with where it is now, and the other person's decision stands."""
    deal = make_deal(factories.partner(workspace), now=now, stage="proposal", amount="700")
    board = parse(logged_in.get("/deals/").get_data(as_text=True))
    shown = board.one("form", action=f"/deals/{deal.id}/stage").one("input", name="from_stage")["value"]
    assert shown == "proposal"
    deal_service.move_deal(db.session, deal, "lost", now, "Went with a cheaper studio")
    db.session.commit()
    response = logged_in.post(f"/deals/{deal.id}/stage", data={"stage": "won", "from_stage": shown}, headers=hx)
    assert response.status_code == 422
    assert "Someone moved this deal to Lost meanwhile" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "lost"
    again = logged_in.post(f"/deals/{deal.id}/stage", data={"stage": "won", "from_stage": "lost"}, headers=hx)
    assert again.status_code == 200 and db.session.get(Deal, deal.id).stage == "won"
