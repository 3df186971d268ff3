"""Duplicates in the book and in the file; referrers across rows in any order; loops refused."""

from __future__ import annotations

import random

from app.models import Partner
from app.services import importing
from tests.conftest import NOW, make_contact, make_partner
from tests.importing.conftest import rows_of

FIELDS = {
    "Name": "partner.name",
    "Email": "contact.email",
    "Contact": "contact.name",
    "Website": "partner.website",
    "Referred by": "partner.referred_by",
    "Id": "partner.ref",
    "Orchard ID": "partner.orchard_id",
}


def test_duplicates_in_the_book_by_email_domain_name_and_id(workspace, importer):
    by_email = make_partner(workspace, name="Completely Other Name")
    make_contact(by_email, name="Anna", email="anna@example.org")
    by_domain = make_partner(workspace, name="Domain Holder", website="https://www.garden.de")
    by_name = make_partner(workspace, name="Müller & Söhne GmbH")
    by_id = make_partner(workspace, name="Orchard Partner")
    run = importer(
        [
            ["Name", "Email", "Website", "Orchard ID"],
            ["Anna's firm", "ANNA@example.org", "", ""],
            ["Garden", "", "garden.de/about", ""],
            ["Muller und Sohne", "", "", ""],
            ["Orchard Partner Ltd", "", "", str(by_id.id)],
            ["Brand new", "", "", ""],
        ],
        FIELDS,
    )
    rows = rows_of(run)
    assert (rows[1].match_partner_id, rows[1].match_reason) == (by_email.id, "email")
    assert (rows[2].match_partner_id, rows[2].match_reason) == (by_domain.id, "domain")
    assert (rows[3].match_partner_id, rows[3].match_reason) == (by_name.id, "name")
    assert (rows[4].match_partner_id, rows[4].match_reason) == (by_id.id, "id")
    assert [rows[n].action for n in range(1, 6)] == ["update", "update", "update", "update", "create"]
    assert rows[5].match_partner_id is None


def test_similar_names_match_and_dissimilar_do_not(workspace, importer):
    studio = make_partner(workspace, name="Garden Studio")
    run = importer([["Name"], ["Gardn Studio"], ["Gardening Tools"]], FIELDS)
    rows = rows_of(run)
    assert rows[1].match_partner_id == studio.id and rows[1].match_score >= 90
    assert rows[2].match_partner_id is None


def test_duplicates_within_the_file_are_skipped_as_same_as_the_earlier_row(session, importer):
    run = importer(
        [
            ["Name", "Email"],
            ["Garden Studio", "a@garden.de"],
            ["Other", ""],
            ["Garden Studio GmbH", ""],
            ["X", "A@garden.de"],
        ],
        FIELDS,
    )
    rows = rows_of(run)
    assert (rows[3].match_reason, rows[3].same_as, rows[3].action) == ("file", 1, "skip")
    assert (rows[4].match_reason, rows[4].same_as, rows[4].action) == ("file", 1, "skip")
    counts = importing.counts(session, run)
    assert counts["duplicates"] == 2 and counts["new"] == 2


def test_another_workspace_is_never_matched(workspace, other, importer):
    run = importer([["Name", "Email"], ["Outsider Partner", other["contact"].email]], FIELDS)
    row = rows_of(run)[1]
    assert row.match_partner_id is None and row.action == "create"


def _chain_rows(depth: int, order) -> list[list[str]]:
    rows = [["Name", "Referred by"]]
    for index in order:
        rows.append([f"Level {index}", f"Level {index - 1}" if index else ""])
    return rows


def test_a_chain_in_reverse_order_resolves(session, workspace, user, importer):
    run = importer(_chain_rows(5, reversed(range(6))), FIELDS)
    rows = rows_of(run)
    assert all(not r.problems for r in rows.values())
    importing.execute(session, run, actor=user, now=NOW)
    by_name = {p.name: p for p in session.query(Partner).filter_by(workspace_id=workspace.id)}
    for index in range(1, 6):
        assert by_name[f"Level {index}"].referred_by_id == by_name[f"Level {index - 1}"].id
    assert by_name["Level 0"].referred_by_id is None


def test_a_shuffled_chain_resolves(session, workspace, user, importer):
    order = list(range(8))
    random.Random(3).shuffle(order)
    run = importer(_chain_rows(7, order), FIELDS)
    importing.execute(session, run, actor=user, now=NOW)
    by_name = {p.name: p for p in session.query(Partner).filter_by(workspace_id=workspace.id)}
    for index in range(1, 8):
        assert by_name[f"Level {index}"].referred_by_id == by_name[f"Level {index - 1}"].id


def test_loops_in_the_file_are_refused_on_each_row_of_the_loop(importer):
    run = importer(
        [["Name", "Referred by"], ["A", "B"], ["B", "A"], ["C", "C"], ["D", "A"], ["E", ""]],
        FIELDS,
    )
    rows = rows_of(run)
    assert rows[1].problems == {"partner.referred_by": "Referral loop: A → B → A"}
    assert rows[2].problems == {"partner.referred_by": "Referral loop: B → A → B"}
    assert rows[3].problems == {"partner.referred_by": "Referral loop: C → C"}
    assert rows[4].problems == {} and rows[4].referrer_row == 1
    assert all(rows[n].action == "skip" for n in (1, 2, 3))


def test_a_loop_with_the_existing_tree_is_refused(workspace, importer):
    top = make_partner(workspace, name="Top")
    below = make_partner(workspace, name="Below", referred_by_id=top.id)
    # the file updates Top (no referrer yet) and says Below referred it: Top → Below → Top
    run = importer([["Name", "Referred by"], ["Top", "Below"]], FIELDS)
    row = rows_of(run)[1]
    assert row.match_partner_id == top.id
    assert row.problems == {"partner.referred_by": "Referral loop: Top → Below → Top"}
    assert below.referred_by_id == top.id


def test_referrer_by_id_in_the_file_email_in_the_file_and_the_book(session, workspace, user, importer):
    known = make_partner(workspace, name="Known Referrer")
    make_contact(known, email="known@referrer.de")
    run = importer(
        [
            ["Id", "Name", "Email", "Referred by"],
            ["r1", "Alpha", "alpha@alpha.de", ""],
            ["r2", "Beta", "", "r1"],
            ["r3", "Gamma", "", "alpha@alpha.de"],
            ["r4", "Delta", "", "known@referrer.de"],
            ["r5", "Epsilon", "", "known referrer"],
            ["r6", "Zeta", "", str(known.id)],
            ["r7", "Eta", "", "Nobody"],
        ],
        FIELDS,
    )
    rows = rows_of(run)
    assert rows[2].referrer_row == 1 and rows[3].referrer_row == 1
    assert rows[4].referrer_id == known.id and rows[5].referrer_id == known.id and rows[6].referrer_id == known.id
    assert rows[7].problems == {"partner.referred_by": "Referrer 'Nobody' not found"}
    importing.execute(session, run, actor=user, now=NOW)
    by_name = {p.name: p for p in session.query(Partner).filter_by(workspace_id=workspace.id)}
    assert by_name["Beta"].referred_by_id == by_name["Alpha"].id
    assert by_name["Delta"].referred_by_id == known.id
    assert "Eta" not in by_name


def test_referral_history_is_written_through_the_referral_service(session, workspace, user, importer):
    from app.models.referral import ReferralChange

    run = importer([["Name", "Referred by"], ["Child", "Parent"], ["Parent", ""]], FIELDS)
    importing.execute(session, run, actor=user, now=NOW)
    change = session.query(ReferralChange).one()
    assert (change.to_name, change.changed_by_id, change.changed_at) == ("Parent", user.id, NOW)


def test_an_archived_referrer_is_refused_as_the_referral_service_does(workspace, importer):
    make_partner(workspace, name="Put Away", archived_at=NOW)
    run = importer([["Name", "Referred by"], ["Child", "Put Away"]], FIELDS)
    assert rows_of(run)[1].problems == {
        "partner.referred_by": "Put Away is archived. Restore it before recording it as a referrer."
    }


def test_contacts_sharing_an_email_domain_do_not_make_different_companies_one(workspace, importer):
    """Two partners whose people both write from one domain (a shared host, a group's mail server) are
    not the same partner for that alone: a domain matches when one side is a partner's website."""
    holder = make_partner(workspace, name="Blue Foods", website="https://blue-9.example.com")
    make_contact(holder, name="Bea", email="bea@example.com")
    run = importer(
        [
            ["Name", "Email", "Website"],
            ["Amber Bakery", "dara@example.com", "https://amber-4.example.com"],
            ["Cedar Works", "carl@example.com", ""],
            ["Blue Foods Berlin", "", "blue-9.example.com"],
            ["Bea's team", "team@blue-9.example.com", ""],
        ],
        FIELDS,
    )
    rows = rows_of(run)
    assert [rows[n].action for n in (1, 2)] == ["create", "create"]
    assert rows[1].match_partner_id is None and rows[2].match_partner_id is None and rows[2].same_as is None
    assert (rows[3].match_partner_id, rows[3].match_reason) == (holder.id, "domain")  # same website
    # an email at that website: the same partner as row 3 (the earlier row wins the tie)
    assert (rows[4].match_reason, rows[4].same_as) == ("file", 3)


def test_rows_the_file_itself_gives_different_ids_are_different_partners(importer):
    """Two "Cedar Garden" rows of an Orchard export carry two Orchard IDs: the file says they are two
    partners (a book may well hold two of one name), so neither is skipped as the other's duplicate."""
    run = importer(
        [
            ["Orchard ID", "Name", "Referred by"],
            ["6", "Cedar Garden", ""],
            ["56", "Cedar Garden", "6"],
            ["", "Cedar Garden", ""],
        ],
        {"Orchard ID": "partner.orchard_id", "Name": "partner.name", "Referred by": "partner.referred_by"},
    )
    rows = rows_of(run)
    assert [rows[n].action for n in (1, 2)] == ["create", "create"]
    assert rows[2].referrer_row == 1
    assert (rows[3].match_reason, rows[3].same_as) == ("file", 1)  # no id of its own: the same name is a duplicate


def test_numbered_names_in_a_file_are_different_partners(importer):
    run = importer(
        [["Name", "Referred by"], ["Maple Kitchens 49", ""], ["Maple Kitchens 8", "Maple Kitchens 49"]],
        {"Name": "partner.name", "Referred by": "partner.referred_by"},
    )
    rows = rows_of(run)
    assert [rows[n].action for n in (1, 2)] == ["create", "create"]
    assert rows[2].referrer_row == 1 and rows[2].problems == {}


def test_a_referrer_named_by_a_person_of_the_file_is_found(importer):
    """Outlook's "Referred By" holds a person: the partner of the row where that person is a contact."""
    run = importer(
        [
            ["Name", "Contact", "Referred by"],
            ["Atelier Lefèvre", "Sophie Lefèvre", ""],
            ["Garden Studio", "Anna", "sophie lefevre"],
        ],
        {"Name": "partner.name", "Contact": "contact.name", "Referred by": "partner.referred_by"},
    )
    rows = rows_of(run)
    assert rows[2].problems == {} and rows[2].referrer_row == 1
