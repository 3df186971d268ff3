"""The palette's fragment (/search/palette): the matching actions, then the hits grouped by kind as a
listbox of options, escaped with the match marked; the frame every page carries (the navigation's
search box, the two dialogs, the words the scripts use) costs no query; only GET routes are added."""

from __future__ import annotations

import json

import pytest

from app.search.links import HitLinks
from app.services.search import Hit
from tests.conftest import HX, make_contact, make_partner
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _listbox(response):
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)  # a fragment, never the page
    return parse(response.get_data(as_text=True)).one("div", role="listbox")


def _labels(listbox):
    return [option.one("span", class_="hit-title").text for option in listbox.find_all(role="option")]


def test_nothing_typed_offers_every_action(logged_in):
    listbox = _listbox(logged_in.get("/search/palette", headers=HX))
    labels = _labels(listbox)
    assert labels[:3] == ["New partner", "New reminder", "New deal"]
    assert "Go to Dashboard" in labels and "Go to Partners" in labels and "Go to Reminders" in labels
    hrefs = {o.one("span", class_="hit-title").text: o["href"] for o in listbox.find_all(role="option")}
    assert hrefs["New partner"] == "/partners/new" and hrefs["Go to Dashboard"] == "/dashboard"
    assert listbox["data-summary"] == "Type to search, or pick an action"


def test_actions_are_filtered_by_what_is_typed(logged_in):
    assert _labels(_listbox(logged_in.get("/search/palette?q=go+dash", headers=HX)))[:1] == ["Go to Dashboard"]
    labels = _labels(_listbox(logged_in.get("/search/palette?q=new", headers=HX)))
    assert [label for label in labels if label.startswith(("New", "Go"))] == ["New partner", "New reminder", "New deal"]
    labels = _labels(_listbox(logged_in.get("/search/palette?q=REMIND", headers=HX)))
    assert "New reminder" in labels and "Go to Reminders" in labels and "New partner" not in labels


def test_hits_are_grouped_and_a_partner_offers_logging_with_it(logged_in, workspace):
    garden = make_partner(workspace, name="Garden Consulting")
    other = make_partner(workspace, name="Harbour Films")
    make_contact(other, name="Gardenia Smith", email="gs@harbour.example")
    listbox = _listbox(logged_in.get("/search/palette?q=gard", headers=HX))
    groups = [g.one("div", class_="palette-group").text for g in listbox.find_all(role="group")]
    assert groups == ["Partners", "Contacts", "Log an interaction", "Full search"]
    log = listbox.one("a", id=f"palette-action-log-{garden.id}")
    assert log.text == "Log interaction with Garden Consulting"
    assert log["href"] == f"/partners/{garden.id}#quick-log-{garden.id}"
    partner = listbox.one("a", id=f"palette-partner-{garden.id}")
    assert partner["href"] == f"/partners/{garden.id}"
    assert [m.text for m in partner.find_all("mark")] == ["Gard"]
    everything = listbox.one("a", id="palette-all")
    assert everything["href"] == "/search?q=gard" and everything.text == "All results for “gard”"
    assert listbox["data-summary"] == "2 results"
    ids = [o["id"] for o in listbox.find_all(role="option")]
    assert len(ids) == len(set(ids))  # aria-activedescendant needs unique ids
    assert all(o["aria-selected"] == "false" and o["tabindex"] == "-1" for o in listbox.find_all(role="option"))


def test_nothing_found_says_so_and_still_offers_the_full_search(logged_in):
    listbox = _listbox(logged_in.get("/search/palette?q=zzzz", headers=HX))
    assert "Nothing matches “zzzz”" in listbox.text
    assert _labels(listbox) == ["All results for “zzzz”"]
    assert listbox["data-summary"] == "0 results"


def test_the_fragment_escapes_user_data(logged_in, workspace):
    make_partner(workspace, name="<script>alert(1)</script>")
    body = logged_in.get("/search/palette?q=script", headers=HX).get_data(as_text=True)
    assert "<script>" not in body
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in body
    assert "Log interaction with &lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_another_workspace_never_appears_in_the_palette(logged_in, other):
    listbox = _listbox(logged_in.get("/search/palette?q=outsider", headers=HX))
    assert "Outsider" not in " ".join(_labels(listbox))
    assert listbox.find(id=f"palette-partner-{other['partner'].id}") is None


def test_archived_partners_are_found_but_offer_no_logging(logged_in, workspace, now):
    from app.extensions import db
    from app.services import partners as partner_service

    gone = make_partner(workspace, name="Willow Bakery")
    partner_service.archive_partner(gone, now)
    db.session.commit()
    listbox = _listbox(logged_in.get("/search/palette?q=willow", headers=HX))
    assert listbox.find(id=f"palette-action-log-{gone.id}") is None


def test_the_palette_runs_the_same_queries_for_1_or_30_partners(logged_in, workspace, count_queries):
    def measure():
        logged_in.get("/search/palette?q=garden", headers=HX)
        with count_queries() as counter:
            logged_in.get("/search/palette?q=garden", headers=HX)
        return counter.count

    first = make_partner(workspace, name="Garden 0")
    make_contact(first, name="Garden Contact 0")
    one = measure()
    for n in range(1, 30):
        make_contact(make_partner(workspace, name=f"Garden {n}"), name=f"Garden Contact {n}")
    assert measure() == one


def test_anonymous_htmx_requests_are_sent_to_log_in(client):
    response = client.get("/search/palette?q=x", headers=HX)
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")


def test_hits_of_every_kind_lead_to_their_page(app):
    links_for = {
        Hit("partner", 7, 7, "P", None, None, False): "/partners/7",
        Hit("contact", 3, 7, "C", "P", None, False): "/partners/7",
        Hit("deal", 5, 7, "D", "P", None, False): "/deals/5",
        Hit("interaction", 11, 7, "Call", "P", None, False): "/partners/7/timeline#interaction-11",
        Hit("reminder", 13, None, "R", None, None, False): "/reminders/13/edit",
        Hit("terms", 7, 7, "Terms", "P", "net 30", False): "/partners/7/terms",
    }
    with app.test_request_context():
        links = HitLinks()
        assert {hit: links(hit) for hit in links_for} == links_for


def test_every_page_carries_the_box_the_dialogs_and_the_scripts_words(logged_in, count_queries):
    logged_in.get("/partners/")
    with count_queries() as counter:
        response = logged_in.get("/partners/")
    doc = parse(response.get_data(as_text=True))
    box = doc.one("form", id="nav-search")
    assert box["action"] == "/search" and box["method"] == "get"
    assert box.one("input", id="nav-search-q")["name"] == "q"
    palette = doc.one("dialog", id="palette")
    field = palette.one("input", id="palette-input")
    assert field["role"] == "combobox" and field["hx-get"] == "/search/palette"
    assert field["hx-sync"] == "this:replace" and "delay:150ms" in field["hx-trigger"]
    shortcuts = doc.one("dialog", id="shortcuts")
    assert "New partner" in shortcuts.text and "Go to Reminders" in shortcuts.text
    assert doc.one(id="kbd-announce")["aria-live"] == "polite"
    words = json.loads(doc.one("script", id="orchard-keys", type="application/json").text)
    assert words["urls"]["new_partner"] == "/partners/new"
    assert words["urls"]["partner_page"] == "/partners/{id}"
    assert words["text"]["log_nowhere"]
    srcs = [s["src"] for s in doc.find_all("script", src=True)]
    assert any(s.endswith("js/palette.js") for s in srcs) and any(s.endswith("js/keyboard.js") for s in srcs)
    # no script in the page is executed inline (the CSP refuses it): only the JSON data block
    assert [s for s in doc.find_all("script") if not s.get("src") and s.get("type") != "application/json"] == []
    # the frame adds no query: the search only runs when the palette opens
    assert not [s for s in counter.statements if "search" in s.lower()]


def test_the_search_pages_only_read(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("search.")]
    assert {r.endpoint for r in rules} == {"search.results", "search.palette"}
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_with_csrf_on_the_search_pages_answer_gets(tmp_path):
    from tests.conftest import PASSWORD, app_on_empty_database, make_user, workspace_of

    with app_on_empty_database(tmp_path, "csrf_search", WTF_CSRF_ENABLED=True) as app:
        user = make_user(email="csrf-search@example.com")
        make_partner(workspace_of(user), name="Garden Consulting")
        client = app.test_client()
        login = parse(client.get("/login").get_data(as_text=True))
        token = login.find("input", name="csrf_token")["value"]
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert "Garden" in client.get("/search?q=garden").get_data(as_text=True)
        assert "Garden" in client.get("/search/palette?q=garden", headers=HX).get_data(as_text=True)
        assert client.post("/search?q=garden").status_code == 405
