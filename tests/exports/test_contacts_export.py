"""Contacts: CSV / .xlsx of the listed partners' contacts, vCard 4.0 of all of them, of one
partner, of one contact; removed contacts never exported; other workspaces' ids answer 404."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.services.exporting import contact_uid
from tests.exports.helpers import csv_dicts, csv_rows, vcards, xlsx_sheet

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def book(workspace, factories):
    garden = factories.partner(workspace, name="Garden GmbH", status="active")
    factories.contact(garden, name="Иван Петров", role="Директор", email="ivan@garden.example", phone="+7 495 1")
    factories.contact(
        garden, name="Anna Berg", email="anna@garden.example", is_primary=True, notes="Prefers; mail\nmornings"
    )
    gone = factories.contact(garden, name="Gone Person", email="gone@garden.example")
    gone.removed_at = datetime(2026, 11, 1, tzinfo=UTC)
    dormant = factories.partner(workspace, name="Dormant Ltd", status="dormant")
    factories.contact(dormant, name="Dora Dormant", email="dora@dormant.example")
    db.session.commit()
    return {"garden": garden, "dormant": dormant, "gone": gone}


def test_contacts_csv_of_the_filtered_partners(logged_in, book):
    response = logged_in.get("/exports/contacts?format=csv&status=active")
    assert response.headers["Content-Disposition"] == 'attachment; filename="orchard-contacts-2026-11-24.csv"'
    rows = csv_dicts(response)
    assert rows == [
        {
            "Partner": "Garden GmbH",
            "Partner ID": str(book["garden"].id),
            "Name": "Anna Berg",
            "Role": "",
            "Email": "anna@garden.example",
            "Phone": "",
            "Notes": "Prefers; mail\nmornings",
            "Primary": "true",
        },
        {
            "Partner": "Garden GmbH",
            "Partner ID": str(book["garden"].id),
            "Name": "Иван Петров",
            "Role": "Директор",
            "Email": "ivan@garden.example",
            "Phone": "'+7 495 1",
            "Notes": "",
            "Primary": "false",
        },
    ]


def test_contacts_for_excel_and_xlsx(logged_in, book):
    rows = csv_rows(logged_in.get("/exports/contacts?format=csv-excel&q=dormant"), delimiter=";")
    assert rows[1][:3] == ["Dormant Ltd", str(book["dormant"].id), "Dora Dormant"]
    sheet = xlsx_sheet(logged_in.get("/exports/contacts?format=xlsx"))
    names = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == ["Anna Berg", "Dora Dormant", "Иван Петров"]
    assert sheet["H2"].value is True or sheet["H2"].value is False  # a real boolean


def test_one_vcf_with_every_contact_of_the_filter(logged_in, book):
    response = logged_in.get("/exports/contacts?format=vcf")
    assert response.mimetype == "text/vcard"
    assert response.headers["Content-Disposition"] == 'attachment; filename="orchard-contacts-2026-11-24.vcf"'
    cards = vcards(response)
    assert sorted(c.fn.value for c in cards) == ["Anna Berg", "Dora Dormant", "Иван Петров"]
    assert {c.version.value for c in cards} == {"4.0"}


def test_a_partners_contacts_as_vcards_and_csv(logged_in, book):
    garden = book["garden"]
    response = logged_in.get(f"/exports/partners/{garden.id}/contacts?format=vcf")
    assert "orchard-contacts-garden-gmbh-2026-11-24.vcf" in response.headers["Content-Disposition"]
    cards = vcards(response)
    assert [c.fn.value for c in cards] == ["Anna Berg", "Иван Петров"]
    ivan = cards[1]
    assert ivan.org.value == ["Garden GmbH"]
    assert ivan.email.value == "ivan@garden.example" and ivan.tel.value == "+7 495 1"
    assert [r["Name"] for r in csv_dicts(logged_in.get(f"/exports/partners/{garden.id}/contacts?format=csv"))] == [
        "Anna Berg",
        "Иван Петров",
    ]


def test_one_contacts_vcard(logged_in, workspace, book):
    garden = book["garden"]
    ivan = next(c for c in garden.contacts if c.name == "Иван Петров")
    response = logged_in.get(f"/exports/partners/{garden.id}/contacts/{ivan.id}.vcf")
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="orchard-export.vcf"; '
        "filename*=UTF-8''%D0%B8%D0%B2%D0%B0%D0%BD-%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2.vcf"
    )
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    (card,) = vcards(response)
    assert card.fn.value == "Иван Петров" and card.uid.value == contact_uid(workspace.id, ivan.id)


def test_removed_and_foreign_contacts_answer_404(logged_in, book, other):
    garden, dormant = book["garden"], book["dormant"]
    assert logged_in.get(f"/exports/partners/{garden.id}/contacts/{book['gone'].id}.vcf").status_code == 404
    dora = dormant.contacts[0]
    assert logged_in.get(f"/exports/partners/{garden.id}/contacts/{dora.id}.vcf").status_code == 404  # not its partner
    theirs = other["partner"]
    assert logged_in.get(f"/exports/partners/{theirs.id}/contacts?format=vcf").status_code == 404
    assert logged_in.get(f"/exports/partners/{theirs.id}/contacts/{other['contact'].id}.vcf").status_code == 404
    assert logged_in.get(f"/exports/partners/{garden.id}/contacts/{other['contact'].id}.vcf").status_code == 404
    everything = logged_in.get("/exports/contacts?format=vcf").get_data(as_text=True)
    assert "Outsider" not in everything and "Gone Person" not in everything


def test_a_partner_without_contacts_gives_an_empty_file(logged_in, workspace, factories):
    lonely = factories.partner(workspace, name="Lonely")
    assert csv_rows(logged_in.get(f"/exports/partners/{lonely.id}/contacts?format=csv"))[1:] == []
    assert vcards(logged_in.get(f"/exports/partners/{lonely.id}/contacts?format=vcf")) == []


def test_the_partner_page_links_to_the_cards(logged_in, book):
    garden = book["garden"]
    page = logged_in.get(f"/partners/{garden.id}").get_data(as_text=True)
    assert f"/exports/partners/{garden.id}/contacts?format=vcf" in page
    for contact in garden.contacts:
        if contact.removed_at is None:
            assert f"/exports/partners/{garden.id}/contacts/{contact.id}.vcf" in page


@pytest.mark.parametrize("fmt", ["csv", "vcf"])
def test_query_count_is_constant(logged_in, workspace, factories, count_queries, fmt):
    from app.models import Contact, Partner

    counts = []
    for n in (5, 45):
        for i in range(n):
            partner = Partner(workspace_id=workspace.id, name=f"P {n} {i}", status="active", tier="B", source="direct")
            db.session.add(partner)
            db.session.flush()
            db.session.add(Contact(workspace_id=workspace.id, partner_id=partner.id, name=f"C {n} {i}"))
        db.session.commit()
        with count_queries() as counter:
            response = logged_in.get(f"/exports/contacts?format={fmt}")
            response.get_data()
            response.close()
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("fmt", ["csv", "vcf"])
def test_a_partners_contacts_cost_the_same_queries_for_5_or_50(logged_in, workspace, factories, count_queries, fmt):
    from app.models import Contact

    partner = factories.partner(workspace, name="Big Co")
    counts = []
    for n in (5, 45):
        db.session.add_all(
            Contact(workspace_id=workspace.id, partner_id=partner.id, name=f"C {n} {i}", email=f"c{n}.{i}@big.example")
            for i in range(n)
        )
        db.session.commit()
        with count_queries() as counter:
            response = logged_in.get(f"/exports/partners/{partner.id}/contacts?format={fmt}")
            response.get_data()
            response.close()
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
