"""Partners list "export what you see": the list's filters, search and sort, every page, the Orchard
export header, raw choice keys, dates in the user's time zone; CSV, CSV for Excel and .xlsx."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.services import interactions as interaction_service
from app.services.exporting.partners_export import PARTNER_HEADER
from tests.exports.helpers import csv_dicts, csv_rows, xlsx_sheet

pytestmark = pytest.mark.usefixtures("frozen_clock")

HEADER = [
    "Orchard ID",
    "Name",
    "Kind",
    "Status",
    "Tier",
    "Owner",
    "Source",
    "Website",
    "Referred by",
    "Referrer ID",
    "Contacts",
    "Primary contact",
    "Primary contact email",
    "Primary contact phone",
    "Last interaction",
    "Notes",
    "No prospects reason",
    "Created",
]


def test_the_header_is_the_contract():
    assert list(PARTNER_HEADER) == HEADER


def test_export_has_every_column_as_raw_values(logged_in, user, workspace, factories, now):
    user.timezone = "Europe/Moscow"
    db.session.commit()
    root = factories.partner(workspace, name="Rita Referrer", status="referrer", tier="A")
    partner = factories.partner(
        workspace,
        name="Garden & Co",
        kind="company",
        status="active",
        tier="A",
        source="referral",
        website="https://garden.example",
        owner_id=user.id,
        referred_by_id=root.id,
        notes="=cmd|' /C calc'!A0",
        no_prospects=True,
        no_prospects_reason="Budget frozen",
        created_at=datetime(2026, 11, 23, 22, 30, tzinfo=UTC),  # already the 24th in Moscow
    )
    factories.contact(partner, name="Zed Zimmer", email="zed@garden.example")
    factories.contact(partner, name="Pia Primary", email="pia@garden.example", phone="+49 30 1234", is_primary=True)
    interaction_service.log_interaction(
        db.session,
        partner,
        {"kind": "call", "direction": "ours", "occurred_at": datetime(2026, 11, 20, 21, 30, tzinfo=UTC)},
        actor_id=user.id,
        now=now,
    )
    db.session.commit()

    response = logged_in.get("/exports/partners?format=csv&q=garden")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="orchard-partners-2026-11-24.csv"'
    rows = csv_dicts(response)
    assert list(rows[0]) == HEADER
    assert rows == [
        {
            "Orchard ID": str(partner.id),
            "Name": "Garden & Co",
            "Kind": "company",
            "Status": "active",
            "Tier": "A",
            "Owner": "olga@example.com",
            "Source": "referral",
            "Website": "https://garden.example",
            "Referred by": "Rita Referrer",
            "Referrer ID": str(root.id),
            "Contacts": "2",
            "Primary contact": "Pia Primary",
            "Primary contact email": "pia@garden.example",
            "Primary contact phone": "'+49 30 1234",  # text starting with + is escaped like the ledger's
            "Last interaction": "2026-11-21",  # 21:30 UTC is past midnight in Moscow
            "Notes": "'=cmd|' /C calc'!A0",
            "No prospects reason": "Budget frozen",
            "Created": "2026-11-24",
        }
    ]


def test_export_honours_the_filters_and_search_and_holds_every_page(logged_in, workspace, factories, app):
    per_page = app.config["PER_PAGE"]
    for i in range(per_page + 5):
        factories.partner(workspace, name=f"Alpha {i:02d}", status="active", tier="A")
    factories.partner(workspace, name="Alpha Dormant", status="dormant", tier="A")  # outside the filter
    factories.partner(workspace, name="Beta Active", status="active", tier="A")  # outside the search
    factories.partner(
        workspace, name="Alpha Archived", status="active", tier="A", archived_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    rows = csv_dicts(logged_in.get("/exports/partners?format=csv&q=alpha&status=active&sort=name&dir=desc&page=2"))
    names = [r["Name"] for r in rows]
    assert names == [f"Alpha {i:02d}" for i in reversed(range(per_page + 5))]  # all pages, the list's order

    shown = logged_in.get("/partners/?q=alpha&status=active&sort=name&dir=desc").get_data(as_text=True)
    assert "Alpha 29" in shown and "Alpha 00" not in shown  # the list itself shows only its first page

    archived = csv_dicts(logged_in.get("/exports/partners?format=csv&archived=only"))
    assert [r["Name"] for r in archived] == ["Alpha Archived"]


def test_a_contact_search_finds_the_same_partners_as_the_list(logged_in, workspace, factories):
    found = factories.partner(workspace, name="Quiet Ltd")
    factories.contact(found, name="Nadia Needle", email="nadia@quiet.example")
    factories.partner(workspace, name="Loud Ltd")
    rows = csv_dicts(logged_in.get("/exports/partners?format=csv&q=needle"))
    assert [r["Name"] for r in rows] == ["Quiet Ltd"]


def test_sorted_by_owner_like_the_list(logged_in, user, workspace, factories):
    anna = factories.member(workspace, name="Anna Early")
    factories.partner(workspace, name="Nobody's")
    factories.partner(workspace, name="Olga's", owner_id=user.id)
    factories.partner(workspace, name="Anna's", owner_id=anna.id)
    rows = csv_dicts(logged_in.get("/exports/partners?format=csv&sort=owner"))
    assert [r["Name"] for r in rows] == ["Anna's", "Olga's", "Nobody's"]


def test_csv_for_excel_has_a_bom_and_semicolons(logged_in, workspace, factories):
    factories.partner(workspace, name="Garden; Co", notes="line one\nline two")
    response = logged_in.get("/exports/partners?format=csv-excel")
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response, delimiter=";")
    assert rows[0] == HEADER
    assert rows[1][1] == "Garden; Co" and rows[1][15] == "line one\nline two"


def test_xlsx_shows_the_values_and_real_dates(logged_in, workspace, factories):
    factories.partner(
        workspace, name="Иванов и партнёры", created_at=datetime(2026, 3, 4, 10, tzinfo=UTC), notes="=1+1"
    )
    response = logged_in.get("/exports/partners?format=xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "orchard-partners-2026-11-24.xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    sheet = xlsx_sheet(response)
    assert [c.value for c in sheet[1]] == HEADER
    values = dict(zip(HEADER, sheet[2], strict=True))
    assert values["Name"].value == "Иванов и партнёры"
    assert values["Created"].is_date and values["Created"].value.date() == date(2026, 3, 4)
    assert isinstance(values["Orchard ID"].value, int) and values["Contacts"].value == 0
    assert values["Notes"].value == "=1+1" and values["Notes"].data_type == "s"


@pytest.mark.parametrize("fmt", ["csv", "csv-excel", "xlsx"])
def test_an_empty_book_exports_a_header_only_file(logged_in, fmt):
    response = logged_in.get(f"/exports/partners?format={fmt}")
    if fmt == "xlsx":
        sheet = xlsx_sheet(response)
        assert sheet.max_row == 1 and [c.value for c in sheet[1]] == HEADER
    else:
        assert csv_rows(response, delimiter=";" if fmt == "csv-excel" else ",") == [HEADER]


def test_an_unknown_format_is_a_clear_400(logged_in):
    response = logged_in.get("/exports/partners?format=pdf")
    assert response.status_code == 400
    assert "CSV (comma, UTF-8)" in response.get_data(as_text=True)


def test_other_workspaces_partners_never_appear(logged_in, workspace, factories, other):
    factories.partner(workspace, name="Mine")
    rows = csv_dicts(logged_in.get("/exports/partners?format=csv&q=partner"))
    assert rows == []
    assert [r["Name"] for r in csv_dicts(logged_in.get("/exports/partners?format=csv"))] == ["Mine"]


def test_logged_out_is_sent_to_login(client):
    response = client.get("/exports/partners?format=csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_get(logged_in):
    assert logged_in.post("/exports/partners?format=csv").status_code in (400, 405)


def _partners_with_contacts(workspace, n):
    from app.models import Contact, Partner

    for i in range(n):
        partner = Partner(workspace_id=workspace.id, name=f"Bulk {i:03d}", status="active", tier="B", source="direct")
        db.session.add(partner)
        db.session.flush()
        db.session.add(Contact(workspace_id=workspace.id, partner_id=partner.id, name=f"C {i}", is_primary=True))
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("sort", ["name", "owner"])
def test_query_count_is_constant(logged_in, workspace, count_queries, fmt, sort):
    counts = []
    for n in (5, 45):  # 5 partners, then 50
        _partners_with_contacts(workspace, n)
        with count_queries() as counter:
            response = logged_in.get(f"/exports/partners?format={fmt}&sort={sort}")
            response.get_data()
            response.close()
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_rows_are_read_in_batches(app, workspace, count_queries, monkeypatch):
    """Past one batch, each batch adds one query (its primary contacts), not one per row."""
    from app.services.exporting import partners_export as module
    from app.services.partners import PartnerFilters

    _partners_with_contacts(workspace, 12)
    monkeypatch.setattr(module, "BATCH", 5)
    workspace_id = workspace.id
    with count_queries() as counter:
        rows = list(module.partner_rows(db.session, workspace_id, PartnerFilters(), UTC))
    assert len(rows) == 12 and all(r[11] for r in rows)
    assert counter.count == 1 + 3  # the partners, then one contacts query per batch of 5
