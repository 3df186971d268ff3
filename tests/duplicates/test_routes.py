"""The duplicates pages: what they show, what their buttons do, 404s, constant query counts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, DuplicateDismissal, Partner, PartnerMerge
from tests.conftest import make_contact, make_partner
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")


def twins(workspace, n=0):
    a = make_partner(workspace, name=f"Garden Studio {n}", website=f"https://garden{n}.example")
    b = make_partner(workspace, name=f"Garden Studio {n} GmbH", website=f"https://www.garden{n}.example/about")
    make_contact(a, name="Anna", email=f"anna@garden{n}.example")
    make_contact(b, name="Anna G", email=f"Anna@Garden{n}.example")
    return a, b


def test_empty_state_says_what_orchard_checks(logged_in, workspace):
    make_partner(workspace, name="Alpha")
    make_partner(workspace, name="Omega")
    page = logged_in.get("/duplicates/").get_data(as_text=True)
    assert "No likely duplicates" in page
    assert "Orchard checks shared contact emails, website domains and similar names" in page


def test_pairs_side_by_side_with_both_buttons(logged_in, workspace):
    a, b = twins(workspace)
    doc = parse(logged_in.get("/duplicates/").get_data(as_text=True))
    pair = doc.one("article", id=f"pair-{a.id}-{b.id}")
    text = pair.text
    assert "Garden Studio 0" in text and "Garden Studio 0 GmbH" in text and "anna@garden0.example" in text
    assert pair.one("a", href=f"/duplicates/merge/{a.id}/{b.id}").text.strip() == "Compare and merge"
    assert pair.one("form", action=f"/duplicates/{a.id}/{b.id}/not-duplicates")


def test_not_duplicates_is_remembered(logged_in, workspace):
    a, b = twins(workspace)
    response = logged_in.post(f"/duplicates/{a.id}/{b.id}/not-duplicates", data={"next": "/duplicates/"})
    assert response.status_code == 302 and response.headers["Location"] == "/duplicates/"
    assert db.session.scalar(select(DuplicateDismissal.low_id)) == a.id
    assert f"pair-{a.id}-{b.id}" not in logged_in.get("/duplicates/").get_data(as_text=True)
    # twice is fine (one row)
    logged_in.post(f"/duplicates/{b.id}/{a.id}/not-duplicates")
    assert len(db.session.scalars(select(DuplicateDismissal)).all()) == 1


def test_dismiss_refuses_an_outside_redirect(logged_in, workspace):
    a, b = twins(workspace)
    response = logged_in.post(f"/duplicates/{a.id}/{b.id}/not-duplicates", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/duplicates/"


def test_page_query_count_is_constant(logged_in, workspace, count_queries):
    twins(workspace, 0)
    logged_in.get("/duplicates/")
    with count_queries() as small:
        assert logged_in.get("/duplicates/").status_code == 200
    for n in range(1, 30):
        twins(workspace, n)
    with count_queries() as large:
        page = logged_in.get("/duplicates/")
    assert page.status_code == 200 and 'rel="next"' in page.get_data(as_text=True)
    assert large.count == small.count <= 10, large.statements


def test_merge_page_shows_both_sides_and_moves(logged_in, workspace):
    a, b = twins(workspace)
    doc = parse(logged_in.get(f"/duplicates/merge/{a.id}/{b.id}").get_data(as_text=True))
    assert doc.one("input", type="radio", name="choice-name", value="survivor", checked=True)
    assert doc.one("input", type="radio", name="choice-name", value="merged")
    assert doc.one("a", href=f"/duplicates/merge/{b.id}/{a.id}")  # swap the survivor
    assert "Contacts: 1" in " ".join(doc.text.split())


def test_two_partners_of_one_name_are_told_apart_on_the_merge_page(logged_in, workspace):
    a, b = twins(workspace)
    text = " ".join(parse(logged_in.get(f"/duplicates/merge/{a.id}/{b.id}").get_data(as_text=True)).text.split())
    assert f"Orchard ID {a.id}" in text and f"Orchard ID {b.id}" in text


def test_merge_page_query_count_is_constant(logged_in, workspace, count_queries):
    a, b = twins(workspace, 0)
    with count_queries() as small:
        logged_in.get(f"/duplicates/merge/{a.id}/{b.id}")
    for n in range(5):
        make_contact(b, name=f"More {n}")
    with count_queries() as large:
        logged_in.get(f"/duplicates/merge/{a.id}/{b.id}")
    assert large.count == small.count <= 12, large.statements


def test_merging_through_the_page_and_undo_from_the_merged_page(logged_in, workspace):
    a, b = twins(workspace)
    response = logged_in.post(f"/duplicates/merge/{a.id}/{b.id}", data={"choice-name": "merged"})
    assert response.status_code == 302 and response.headers["Location"] == f"/partners/{a.id}"
    db.session.expire_all()
    assert db.session.get(Partner, a.id).name == "Garden Studio 0 GmbH"
    merged_page = logged_in.get(f"/partners/{b.id}").get_data(as_text=True)
    assert "Merged into" in merged_page
    doc = parse(merged_page)
    assert doc.one("form", action=f"/duplicates/merged/{b.id}/undo")
    response = logged_in.post(f"/duplicates/merged/{b.id}/undo")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, b.id).merged_into_id is None
    assert db.session.get(Partner, a.id).name == "Garden Studio 0"
    assert db.session.scalar(select(PartnerMerge.undone_at)) is not None


def test_a_refused_merge_shows_why(logged_in, workspace, now):
    from tests.merging.helpers import refer

    a, b = twins(workspace)
    middle = make_partner(workspace, name="Mia Middle")
    refer(middle, a, now)
    refer(b, middle, now)
    page = logged_in.get(f"/duplicates/merge/{a.id}/{b.id}").get_data(as_text=True)
    assert "cannot be merged" in page and "Mia Middle" in page
    response = logged_in.post(f"/duplicates/merge/{a.id}/{b.id}", data={})
    assert response.status_code == 422 and "cannot be merged" in response.get_data(as_text=True)


def test_a_partner_with_itself_is_404(logged_in, workspace):
    a, _ = twins(workspace)
    assert logged_in.get(f"/duplicates/merge/{a.id}/{a.id}").status_code == 404


def test_pick_finds_partners_by_name(logged_in, workspace):
    a, b = twins(workspace)
    make_partner(workspace, name="Other Shop")
    doc = parse(logged_in.get(f"/duplicates/pick/{a.id}?q=garden").get_data(as_text=True))
    links = [link["href"] for link in doc.find_all("a", href=lambda h: h.startswith("/duplicates/merge/"))]
    assert links == [f"/duplicates/merge/{a.id}/{b.id}"]


def test_partner_page_links(logged_in, workspace):
    a, _ = twins(workspace)
    page = parse(logged_in.get(f"/partners/{a.id}").get_data(as_text=True))
    assert page.one("a", href=f"/duplicates/pick/{a.id}")
    make_contact(a, name="Second")
    page = parse(logged_in.get(f"/partners/{a.id}").get_data(as_text=True))
    assert page.find_all("a", href=lambda h: h.startswith(f"/duplicates/contacts/{a.id}/"))
    assert parse(logged_in.get("/partners/").get_data(as_text=True)).one("a", href="/duplicates/")


def test_merging_contacts_through_the_pages_and_undo(logged_in, workspace):
    partner = make_partner(workspace, name="Solo")
    kept = make_contact(partner, name="Anna Berg", email=None, phone="+49 1")
    gone = make_contact(partner, name="A. Berg", email="anna@berg.example")
    doc = parse(logged_in.get(f"/duplicates/contacts/{partner.id}/{kept.id}").get_data(as_text=True))
    assert doc.one("a", href=f"/duplicates/contacts/{partner.id}/{kept.id}/{gone.id}")
    doc = parse(logged_in.get(f"/duplicates/contacts/{partner.id}/{kept.id}/{gone.id}").get_data(as_text=True))
    assert doc.one("input", name="choice-email", value="merged", checked=True)  # kept has none
    response = logged_in.post(f"/duplicates/contacts/{partner.id}/{kept.id}/{gone.id}", data={})
    assert response.status_code == 302
    result = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "A. Berg was merged into Anna Berg" in result
    db.session.expire_all()
    assert db.session.get(Contact, kept.id).email == "anna@berg.example"
    assert db.session.get(Contact, gone.id).removed_at is not None
    undo = parse(result).one("form", action=lambda a: a.endswith("/undo"))["action"]
    assert logged_in.post(undo).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, kept.id).email is None
    assert db.session.get(Contact, gone.id).removed_at is None


def test_a_contact_of_another_partner_is_404(logged_in, workspace):
    partner = make_partner(workspace, name="One")
    elsewhere = make_partner(workspace, name="Two")
    mine = make_contact(partner, name="Mine")
    theirs = make_contact(elsewhere, name="Theirs")
    assert logged_in.get(f"/duplicates/contacts/{partner.id}/{mine.id}/{theirs.id}").status_code == 404
    assert logged_in.post(f"/duplicates/contacts/{partner.id}/{mine.id}/{theirs.id}").status_code == 404
    assert logged_in.get(f"/duplicates/contacts/{partner.id}/{theirs.id}").status_code == 404


def test_another_workspaces_partner_is_404(logged_in, workspace, other):
    a, _ = twins(workspace)
    theirs = other["partner"].id
    assert logged_in.get(f"/duplicates/merge/{a.id}/{theirs}").status_code == 404
    assert logged_in.post(f"/duplicates/merge/{theirs}/{a.id}").status_code == 404
    assert logged_in.post(f"/duplicates/{a.id}/{theirs}/not-duplicates").status_code == 404
    assert logged_in.get(f"/duplicates/pick/{theirs}").status_code == 404
