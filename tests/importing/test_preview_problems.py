"""Each preview problem, on its row and field; choices through the per-value table; owners; amounts."""

from __future__ import annotations

import pytest

from app.models import Contact, Deal, Partner
from tests.conftest import add_member
from tests.importing.conftest import rows_of

PARTNER = {
    "Name": "partner.name",
    "Status": "partner.status",
    "Owner": "partner.owner",
    "Website": "partner.website",
    "Email": "contact.email",
    "Contact": "contact.name",
}


def test_nothing_is_written_before_execute(session, importer):
    importer([["Name", "Contact", "Email"], ["Garden Studio", "Anna", "anna@garden.de"]], PARTNER)
    assert session.query(Partner).count() == 0
    assert session.query(Contact).count() == 0


def test_each_problem_is_on_its_row_and_field(session, workspace, importer):
    add_member(workspace, name="Boris Member")
    run = importer(
        [
            ["Name", "Status", "Owner", "Website", "Email", "Contact"],
            ["Good", "active", "olga@example.com", "garden.de", "anna@garden.de", "Anna"],
            ["Bad status", "Active client", "", "", "", ""],
            ["Bad owner", "", "Nobody Here", "", "", ""],
            ["Bad email", "", "", "", "not-an-email", "Bob"],
            ["Bad site", "", "", "not a site", "", ""],
            ["", "", "", "", "", ""],  # a blank row: skipped by the reader
            ["", "prospect", "", "", "", ""],
        ],
        PARTNER,
    )
    rows = rows_of(run)
    assert rows[1].problems == {} and rows[1].action == "create"
    assert rows[1].parsed["partner"]["website"] == "https://garden.de"
    assert rows[1].parsed["partner"]["owner_id"] is not None
    assert rows[2].problems == {"partner.status": "'Active client' is not a status — map it in step 2"}
    # an owner who is not a member here (a file from another CRM) is said, but does not block the row
    assert rows[3].parsed["notes"] == {"partner.owner": "No member 'Nobody Here' — imported without an owner"}
    assert (rows[3].problems, rows[3].problem_count, rows[3].action) == ({}, 0, "create")
    assert rows[3].parsed["partner"].get("owner_id") is None
    assert rows[4].problems == {"contact.email": "Not an email address"}
    assert rows[5].problems == {"partner.website": "'not a site' is not a website address"}
    assert rows[6].problems == {"partner.name": "No name: this row has neither a partner name nor a contact name"}
    assert all(rows[n].action == "skip" for n in (2, 4, 5, 6))


def test_choice_values_go_through_the_mapping_table(importer):
    run = importer(
        [["Name", "Status"], ["A", "Active client"], ["B", "ACTIVE"], ["C", "active client "]],
        {"Name": "partner.name", "Status": "partner.status"},
        values={"partner.status": {"Active client": "active"}},
    )
    rows = rows_of(run)
    assert [rows[n].parsed["partner"]["status"] for n in (1, 2, 3)] == ["active", "active", "active"]


def test_several_members_of_one_name_still_block_the_row(workspace, importer):
    add_member(workspace, name="Sam Same")
    add_member(workspace, name="Sam Same")
    run = importer([["Name", "Owner"], ["A", "Sam Same"]], {"Name": "partner.name", "Owner": "partner.owner"})
    row = rows_of(run)[1]
    assert row.problems == {"partner.owner": "Several members are called 'Sam Same' — use the member's email"}
    assert (row.problem_count, row.action) == (1, "skip")


def test_owner_by_email_or_name(session, workspace, user, importer):
    boris = add_member(workspace, name="Boris Member")
    run = importer(
        [["Name", "Owner"], ["A", boris.email.upper()], ["B", "boris member"], ["C", "Olga Owner"]],
        {"Name": "partner.name", "Owner": "partner.owner"},
    )
    rows = rows_of(run)
    assert [rows[n].parsed["partner"]["owner_id"] for n in (1, 2, 3)] == [boris.id, boris.id, user.id]


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("4800", "4800.00"),
        ("4800.50", "4800.50"),
        ("4,800.50", "4800.50"),
        ("4 800,50", "4800.50"),
        ("4.800,50", "4800.50"),
    ],
)
def test_amounts_in_the_usual_spellings(importer, cell, amount):
    run = importer([["Name", "Amount"], ["A", cell]], {"Name": "partner.name", "Amount": "deal.amount"})
    row = rows_of(run)[1]
    assert row.problems == {}
    assert row.parsed["deal"]["amount"] == amount
    assert row.parsed["deal"]["currency"] == "EUR"  # the workspace's default


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("4,800", "'4,800' is ambiguous: write 4800 or 4.80"),
        ("4.800", "'4.800' is ambiguous: write 4800 or 4.80"),
        ("lots", "'lots' is not an amount"),
    ],
)
def test_amounts_that_are_not_clear_are_refused(importer, cell, message):
    run = importer([["Name", "Amount"], ["A", cell]], {"Name": "partner.name", "Amount": "deal.amount"})
    assert rows_of(run)[1].problems == {"deal.amount": message}


def test_currency_and_stage_are_checked(importer):
    run = importer(
        [
            ["Name", "Deal", "Amount", "Currency", "Stage"],
            ["A", "Site", "100", "EURO", "won"],
            ["B", "Site", "", "USD", "Won"],
            ["C", "x", "5", "usd", "maybe"],
        ],
        {
            "Name": "partner.name",
            "Deal": "deal.title",
            "Amount": "deal.amount",
            "Currency": "deal.currency",
            "Stage": "deal.stage",
        },
    )
    rows = rows_of(run)
    assert rows[1].problems == {"deal.currency": "'EURO' is not a currency (use a code like EUR)"}
    assert rows[2].problems == {"deal.amount": "A won deal needs its amount"}
    assert rows[3].problems == {"deal.stage": "'maybe' is not a deal stage — map it in step 2"}


def test_contact_first_and_last_names_are_joined_and_slots_make_contacts(session, importer):
    run = importer(
        [["Company", "First", "Last", "Email 2", "Name 2"], ["Garden", "Anna", "Berg", "max@garden.de", "Max Ko"]],
        {
            "Company": "partner.name",
            "First": "contact.first_name",
            "Last": "contact.last_name",
            "Email 2": ("contact.email", 2),
            "Name 2": ("contact.name", 2),
        },
    )
    contacts = rows_of(run)[1].parsed["contacts"]
    assert contacts == [{"name": "Anna Berg"}, {"name": "Max Ko", "email": "max@garden.de"}]


def test_a_row_with_only_a_contact_makes_a_person_partner(importer):
    run = importer([["Company", "Name"], ["", "Anna Berg"]], {"Company": "partner.name", "Name": "contact.name"})
    partner = rows_of(run)[1].parsed["partner"]
    assert partner == {"name": "Anna Berg", "kind": "person"}


def test_prepare_does_not_write_deals(session, importer):
    importer([["Name", "Deal"], ["A", "Site"]], {"Name": "partner.name", "Deal": "deal.title"})
    assert session.query(Deal).count() == 0
