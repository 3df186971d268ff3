"""Every page's <title> is plain text and no page loads the same script twice."""

from collections import Counter

from tests.routes_house.conftest import page_urls
from tests.routes_house.html_probe import probe

# Pages that must be among the walked documents (so the walk cannot pass by finding nothing).
MUST_WALK = {
    "dashboard.index",
    "dashboard.help",
    "partners.index",
    "partners.new",
    "partners.show",
    "partners.edit",
    "partners.delete",
    "interactions.timeline",
    "interactions.feed",
    "interactions.edit",
    "reminders.index",
    "reminders.new",
    "reminders.edit",
    "reminders.partner_tab",
    "reminders.settings",
    "referrals.forest",
    "referrals.tree",
    "referrals.report",
    "referrals.partner_tab",
    "deals.board",
    "deals.index",
    "deals.new",
    "deals.show",
    "deals.edit",
    "deals.partner_tab",
    "terms.show",
    "terms.reviews",
    "commissions.ledger",
    "commissions.partner_tab",
    "commissions.statement",
    "settings.workspace",
    "settings.members",
    "settings.profile",
    "auth.create_workspace",
}


def walk(app, client, world):
    """(endpoint, facts) of every full HTML document the GET pages answer with."""
    documents = []
    for endpoint, url in sorted(page_urls(app, world).items()):
        response = client.get(url)
        assert response.status_code < 500, (endpoint, url, response.status_code)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        facts = probe(response.get_data(as_text=True))
        if facts.is_document:
            documents.append((endpoint, url, facts))
    return documents


def test_titles_are_plain_text_and_scripts_load_once(app, logged_in, world):
    documents = walk(app, logged_in, world)
    assert {endpoint for endpoint, _, _ in documents} >= MUST_WALK
    for endpoint, url, facts in documents:
        assert len(facts.titles) == 1, (endpoint, url, facts.titles)
        assert facts.tags_in_title == [], (endpoint, url, facts.tags_in_title)
        assert "<" not in facts.titles[0], (endpoint, url, facts.titles[0])
        twice = [src for src, n in Counter(facts.script_srcs).items() if n > 1]
        assert twice == [], (endpoint, url, twice)


def test_the_tree_page_title_names_the_partner_and_loads_its_scripts(app, logged_in, world):
    from flask import url_for

    with app.test_request_context():
        url = url_for("referrals.tree", partner_id=world.referrer.id)
    facts = probe(logged_in.get(url).get_data(as_text=True))
    assert facts.titles == ["Referral tree of Rita Referrer · Orchard"]
    assert sum(src.endswith("js/referral-tree.js") for src in facts.script_srcs) == 1
    assert sum("d3-hierarchy" in src for src in facts.script_srcs) == 1


def test_the_probe_sees_markup_inside_a_title():
    facts = probe('<html><head><title>A <script src="/x.js"></script> page</title></head></html>')
    assert facts.tags_in_title == ["script"]
    assert facts.script_srcs == ["/x.js"]
    assert probe("<head><title>&lt;b&gt;</title></head>").titles == ["<b>"]
