"""The full search page (/search): works without JavaScript, groups hits by kind with "more" → the
page of one kind, paginated; archived items only when asked; another workspace's rows never appear;
user data is escaped with the match marked; a constant number of queries whatever the book's size."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Deal
from tests.conftest import NOW, make_contact, make_partner
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _deal(partner, title):
    deal = Deal(
        workspace_id=partner.workspace_id,
        partner_id=partner.id,
        title=title,
        amount=Decimal("100"),
        currency="EUR",
        stage="lead",
    )
    db.session.add(deal)
    db.session.commit()
    return deal


def _main(response):
    assert response.status_code == 200
    return parse(response.get_data(as_text=True)).one("main")


def test_without_a_query_the_page_says_what_to_type(logged_in):
    main = _main(logged_in.get("/search"))
    form = main.one("form", class_="search-page-form")
    assert form["method"] == "get" and form["action"] == "/search"
    assert main.one("input", name="q")["value"] == ""
    assert "Search your whole book" in main.text
    assert "Ctrl+K" in main.text


def test_hits_are_grouped_by_kind_and_link_to_their_pages(logged_in, workspace):
    garden = make_partner(workspace, name="Garden Consulting")
    other = make_partner(workspace, name="Harbour Films")
    contact = make_contact(other, name="Gardenia Smith", email="gs@harbour.example")
    deal = _deal(other, "Garden party sponsorship")
    make_partner(workspace, name="Quarry Works")

    main = _main(logged_in.get("/search?q=garden"))
    headings = [h.text for h in main.find_all("h2")]
    assert headings == ["Partners", "Contacts", "Deals"]
    partners = main.one("section", id="search-partner")
    assert [a["href"] for a in partners.find_all("a")] == [f"/partners/{garden.id}"]
    contacts = main.one("section", id="search-contact")
    link = contacts.one("a")
    assert link["href"] == f"/partners/{other.id}"  # a contact leads to its partner's page
    assert "Harbour Films" in link.text  # where the person works
    assert main.one("section", id="search-deal").one("a")["href"] == f"/deals/{deal.id}"
    assert "Quarry" not in main.text
    assert contact.name in main.text


def test_the_match_is_marked_and_the_query_kept_in_the_box(logged_in, workspace):
    make_partner(workspace, name="Garden Consulting")
    main = _main(logged_in.get("/search?q=gard"))
    assert [m.text for m in main.find_all("mark")] == ["Gard"]
    assert main.one("input", name="q")["value"] == "gard"


def test_more_leads_to_the_page_of_one_kind(app, logged_in, workspace):
    app.config["PER_PAGE"] = 3
    for n in range(7):
        make_partner(workspace, name=f"Orchid {n}")
    main = _main(logged_in.get("/search?q=orchid"))
    assert len(main.one("section", id="search-partner").find_all("li")) == 5
    more = main.one("p", class_="search-more").one("a")
    assert more.text == "More partners…"
    assert more["href"] == "/search?q=orchid&kind=partner"

    first = _main(logged_in.get(more["href"]))
    assert first.one("h1").text == "Partners"
    pages = [[li.text for li in first.find_all("li", class_="search-hit")]]
    assert first.find("a", rel="prev") is None
    second = _main(logged_in.get(first.one("a", rel="next")["href"]))
    pages.append([li.text for li in second.find_all("li", class_="search-hit")])
    third = _main(logged_in.get(second.one("a", rel="next")["href"]))
    pages.append([li.text for li in third.find_all("li", class_="search-hit")])
    # best first (equally good here: the ranking's tie-breakers decide), each partner on one page
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sorted(sum(pages, [])) == [f"Orchid {n}" for n in range(7)]
    assert third.find("a", rel="next") is None
    assert third.one("a", rel="prev")["href"] == "/search?q=orchid&kind=partner&page=2"
    # the kind page keeps the kind in its form, and links back to every kind
    assert third.one("option", selected=True)["value"] == "partner"
    assert third.find("a", href="/search?q=orchid").text.startswith("← All results")


def test_a_page_beyond_the_last_says_so(logged_in, workspace):
    make_partner(workspace, name="Orchid One")
    main = _main(logged_in.get("/search?q=orchid&kind=partner&page=9"))
    assert "No more results" in main.text
    assert main.one("a", href="/search?q=orchid&kind=partner").text == "Back to the first page"


def test_nothing_found_offers_the_archived_items(logged_in, workspace):
    from app.services import partners as partner_service

    gone = make_partner(workspace, name="Willow Bakery")
    partner_service.archive_partner(gone, NOW)
    db.session.commit()

    main = _main(logged_in.get("/search?q=willow"))
    assert "Nothing matches “willow”" in main.text
    link = main.one("a", href="/search?q=willow&archived=1")
    found = _main(logged_in.get(link["href"]))
    hit = found.one("li", class_="search-hit")
    assert "archived" in hit.classes and "Archived" in hit.text
    assert found.one("input", name="archived")["checked"] == ""


def test_bad_arguments_fall_back_to_everything(logged_in, workspace):
    make_partner(workspace, name="Garden Consulting")
    main = _main(logged_in.get("/search?q=garden&kind=nonsense&page=abc&archived=maybe"))
    assert main.one("section", id="search-partner")
    assert main.one("option", selected=True)["value"] == ""
    long = _main(logged_in.get("/search?q=" + "g" * 5000))
    assert long.one("input", name="q")["value"] == "g" * 200


def test_user_data_is_escaped_and_the_match_marked(logged_in, workspace):
    make_partner(workspace, name="<script>alert(1)</script>")
    body = logged_in.get("/search?q=script").get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in body
    main = parse(body).one("main")
    assert main.one("li", class_="search-hit").text == "<script>alert(1)</script>"


def test_another_workspace_never_appears(logged_in, workspace, other):
    make_partner(workspace, name="Outsider Fans Club")
    make_contact(other["partner"], name="Outsider Person", email="outsider@else.example")
    main = _main(logged_in.get("/search?q=outsider&archived=1"))
    assert [li.text for li in main.find_all("li", class_="search-hit")] == ["Outsider Fans Club"]
    assert main.find("section", id="search-contact") is None
    for kind in ("partner", "contact", "deal"):
        page = _main(logged_in.get(f"/search?q=outsider&kind={kind}&archived=1"))
        assert "Outsider Partner" not in page.text and "Outsider Person" not in page.text


def test_the_search_page_runs_the_same_queries_for_1_or_30_partners(logged_in, workspace, count_queries):
    def measure():
        logged_in.get("/search?q=garden")  # warm: the session's first load
        with count_queries() as counter:
            response = logged_in.get("/search?q=garden")
        assert response.status_code == 200
        return counter.count

    first = make_partner(workspace, name="Garden 0")
    make_contact(first, name="Garden Contact 0")
    _deal(first, "Garden deal 0")
    one = measure()
    for n in range(1, 30):
        partner = make_partner(workspace, name=f"Garden {n}")
        make_contact(partner, name=f"Garden Contact {n}")
        _deal(partner, f"Garden deal {n}")
    assert measure() == one


def test_the_page_of_one_kind_runs_the_same_queries_for_1_or_30_partners(app, logged_in, workspace, count_queries):
    def measure():
        logged_in.get("/search?q=garden&kind=partner")
        with count_queries() as counter:
            logged_in.get("/search?q=garden&kind=partner")
        return counter.count

    make_partner(workspace, name="Garden 0")
    one = measure()
    for n in range(1, 30):
        make_partner(workspace, name=f"Garden {n}")
    assert measure() == one


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/search?q=x")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
