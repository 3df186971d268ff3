"""Deals, the Activity feed and reminders as files: each honours its list's filters, every page;
the lists show an Export menu whose links carry their current filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Reminder
from app.services import interactions as interaction_service
from tests.deals.helpers import make_deal
from tests.exports.helpers import csv_dicts, csv_rows, xlsx_sheet

pytestmark = pytest.mark.usefixtures("frozen_clock")


# --- deals ----------------------------------------------------------------------------------------


def test_deals_csv_honours_the_list_filters(logged_in, user, workspace, factories, now):
    garden = factories.partner(workspace, name="Garden")
    other_partner = factories.partner(workspace, name="Orchard Supplies")
    website = make_deal(garden, now=now, title="Website", amount="1200.50", currency="EUR", owner_id=user.id)
    make_deal(garden, now=now, title="Logo", amount="300", currency="USD")
    make_deal(other_partner, now=now, title="=Website fork", amount="10", currency="EUR")

    rows = csv_dicts(logged_in.get("/exports/deals?format=csv&q=garden&currency=EUR"))
    assert rows == [
        {
            "Deal ID": str(website.id),
            "Title": "Website",
            "Partner": "Garden",
            "Partner ID": str(garden.id),
            "Stage": "lead",
            "Amount": "1200.50",
            "Currency": "EUR",
            "Owner": "olga@example.com",
            "Expected close": "",
            "Closed on": "",
            "Value to us": "",
            "Value to us: note": "",
            "Value to partner": "",
            "Value to partner: note": "",
            "Lost reason": "",
            "Notes": "",
            "Created": "2026-11-24",
        }
    ]
    titles = [r["Title"] for r in csv_dicts(logged_in.get("/exports/deals?format=csv&sort=amount&dir=asc"))]
    assert titles == ["'=Website fork", "Logo", "Website"]


def test_deals_xlsx_amounts_are_numbers_with_the_currency_beside(logged_in, workspace, factories, now):
    make_deal(factories.partner(workspace, name="Garden"), now=now, amount="-0.00", currency="JPY", title="Free")
    make_deal(factories.partner(workspace, name="Berry"), now=now, amount="99.90", currency="EUR", title="Jam")
    sheet = xlsx_sheet(logged_in.get("/exports/deals?format=xlsx&sort=title&dir=asc"))
    header = [c.value for c in sheet[1]]
    amount, currency = header.index("Amount"), header.index("Currency")
    jam = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "Jam")
    assert jam[amount].value == Decimal("99.90") or jam[amount].value == pytest.approx(99.9)
    assert jam[amount].data_type == "n" and jam[currency].value == "EUR"


def test_deals_export_of_nothing_is_a_header(logged_in):
    rows = csv_rows(logged_in.get("/exports/deals?format=csv"))
    assert rows[0][:3] == ["Deal ID", "Title", "Partner"] and rows[1:] == []


# --- interactions ---------------------------------------------------------------------------------


def _log(partner, user, kind, when, summary):
    interaction_service.log_interaction(
        db.session,
        partner,
        {"kind": kind, "direction": None if kind == "note" else "ours", "occurred_at": when, "summary": summary},
        actor_id=user.id,
        now=when,
    )
    db.session.commit()


def test_interactions_csv_honours_the_feed_filters(logged_in, user, workspace, factories):
    user.timezone = "Asia/Tokyo"
    db.session.commit()
    garden = factories.partner(workspace, name="Garden")
    _log(garden, user, "call", datetime(2026, 11, 20, 16, 0, tzinfo=UTC), "Talked about spring")
    _log(garden, user, "note", datetime(2026, 11, 21, 9, 0, tzinfo=UTC), "-internal")
    rows = csv_dicts(logged_in.get("/exports/interactions?format=csv&kind=call"))
    assert rows == [
        {
            "When": "2026-11-21T01:00:00+09:00",
            "Partner": "Garden",
            "Partner ID": str(garden.id),
            "Kind": "call",
            "Direction": "ours",
            "Contact": "",
            "Summary": "Talked about spring",
            "Logged by": "Olga Owner",
        }
    ]
    everything = csv_dicts(logged_in.get(f"/exports/interactions?format=csv&member={user.id}"))
    assert [r["Summary"] for r in everything] == ["'-internal", "Talked about spring"]  # newest first


# --- reminders ------------------------------------------------------------------------------------


def _reminder(workspace, user, title, due_on, **extra):
    reminder = Reminder(workspace_id=workspace.id, title=title, due_on=due_on, created_by_id=user.id, **extra)
    db.session.add(reminder)
    db.session.commit()
    return reminder


def test_reminders_csv_follows_mine_or_everyones_and_open_or_done(logged_in, user, workspace, factories, now):
    colleague = factories.member(workspace, name="Carl Colleague")
    garden = factories.partner(workspace, name="Garden")
    _reminder(
        workspace,
        user,
        "Call Garden",
        date(2026, 11, 25),
        assignee_id=user.id,
        partner_id=garden.id,
        due_time=time(9, 30),
    )
    _reminder(workspace, user, "Send invoice", date(2026, 11, 20), assignee_id=colleague.id)
    _reminder(workspace, user, "Old one", date(2026, 11, 1), assignee_id=user.id, completed_at=now - timedelta(days=3))

    mine = csv_dicts(logged_in.get("/exports/reminders?format=csv"))
    assert mine == [
        {
            "Title": "Call Garden",
            "Due on": "2026-11-25",
            "Due time": "09:30",
            "Partner": "Garden",
            "Partner ID": str(garden.id),
            "Assigned to": "olga@example.com",
            "Notes": "",
            "Completed": "",
        }
    ]
    everyone = csv_dicts(logged_in.get("/exports/reminders?format=csv&who=all"))
    assert [r["Title"] for r in everyone] == ["Send invoice", "Call Garden"]  # overdue first, as the page
    done = csv_dicts(logged_in.get("/exports/reminders?format=csv&view=done"))
    assert [(r["Title"], r["Completed"]) for r in done] == [("Old one", "2026-11-21T12:00:00+00:00")]


# --- the menus ------------------------------------------------------------------------------------


def test_the_lists_show_export_menus_with_their_filters(logged_in, user, workspace, factories, now):
    garden = factories.partner(workspace, name="Garden", status="active")
    make_deal(garden, now=now)
    _log(garden, user, "call", now - timedelta(days=1), "Hello")
    _reminder(workspace, user, "Call", date(2026, 11, 25), assignee_id=user.id)

    partners = logged_in.get("/partners/?status=active&q=gar").get_data(as_text=True)
    assert 'id="partner-export"' in partners
    assert "/exports/partners?" in partners and "status=active" in partners and "q=gar" in partners
    assert "/exports/contacts?" in partners and "format=vcf" in partners
    assert "CSV for Excel (semicolon, UTF-8 with BOM)" in partners and "Excel (.xlsx)" in partners
    deals = logged_in.get("/deals/list?currency=EUR").get_data(as_text=True)
    assert 'id="deal-export"' in deals and "/exports/deals?" in deals and "currency=EUR" in deals
    feed = logged_in.get("/activity?kind=call").get_data(as_text=True)
    assert 'id="activity-export"' in feed and "/exports/interactions?" in feed and "kind=call" in feed
    reminders = logged_in.get("/reminders/?who=all").get_data(as_text=True)
    assert 'id="reminder-export"' in reminders and "/exports/reminders?" in reminders and "who=all" in reminders


def test_the_partner_results_fragment_carries_the_menu(logged_in, workspace, factories, hx):
    factories.partner(workspace, name="Garden", tier="A")
    fragment = logged_in.get("/partners/?tier=A", headers=hx).get_data(as_text=True)
    assert fragment.lstrip().startswith("<section") and "tier=A" in fragment and "/exports/partners?" in fragment


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["deals", "interactions", "reminders"])
def test_query_count_is_constant(logged_in, user, workspace, factories, count_queries, now, what):
    garden = factories.partner(workspace, name="Garden")
    counts = []
    for n in (5, 45):
        for i in range(n):
            if what == "deals":
                make_deal(garden, now=now, title=f"Deal {n} {i}")
            elif what == "interactions":
                _log(garden, user, "call", now - timedelta(hours=i + n), f"Call {i}")
            else:
                _reminder(workspace, user, f"R {n} {i}", date(2026, 12, 1), assignee_id=user.id, partner_id=garden.id)
        for fmt in ("csv", "xlsx"):
            with count_queries() as counter:
                response = logged_in.get(f"/exports/{what}?format={fmt}")
                assert response.status_code == 200
                response.get_data()
                response.close()
            counts.append((fmt, counter.count))
    assert counts[:2] == counts[2:], counts


@pytest.mark.parametrize("what", ["deals", "interactions", "reminders"])
def test_another_workspaces_rows_never_appear(logged_in, user, workspace, factories, other, now, what):
    theirs, owner = other["partner"], other["user"]
    make_deal(theirs, now=now, title="Their secret deal")
    _log(theirs, owner, "call", now - timedelta(days=1), "Their secret call")
    _reminder(other["workspace"], owner, "Their secret reminder", date(2026, 11, 25), assignee_id=owner.id)
    mine = factories.partner(workspace, name="Mine")
    make_deal(mine, now=now, title="My deal")
    _log(mine, user, "call", now - timedelta(days=1), "My call")
    _reminder(workspace, user, "My reminder", date(2026, 11, 25), assignee_id=user.id)
    response = logged_in.get(f"/exports/{what}?format=csv&who=all&member={owner.id if what == 'interactions' else ''}")
    text = response.get_data(as_text=True)
    response.close()
    assert "secret" not in text and "Outsider" not in text
    if what != "interactions":  # filtered by the other workspace's member, the feed export is empty
        assert "My " in text
