"""The main navigation highlights the entry each view declares: the same entry as before the
declarations replaced the endpoint lists in the template (this table is what every page showed)."""

import pytest
from flask import url_for

from app.web import nav_section, nav_section_for
from tests.routes_house.conftest import page_urls
from tests.routes_house.html_probe import probe

NAV = {
    "dashboard": "dashboard.index",
    "partners": "partners.index",
    "reminders": "reminders.index",
    "referrals": "referrals.forest",
    "deals": "deals.board",
    "activity": "interactions.feed",
    "ledger": "commissions.ledger",
    "reports": "reports.index",
    "settings": "settings.workspace",
}

EXPECTED = {
    "dashboard.index": "dashboard",
    "reports.index": "reports",
    "reports.referral_economics": "reports",
    "reports.health": "reports",
    "reports.managers": "reports",
    "reports.sources": "reports",
    "reports.tiers": "reports",
    "partners.index": "partners",
    "partners.new": "partners",
    "partners.show": "partners",
    "partners.edit": "partners",
    "partners.delete": "partners",
    "partners.contacts": "partners",
    "partners.edit_contact": "partners",
    "partners.history": "partners",
    "reminders.partner_tab": "partners",
    "duplicates.index": "partners",
    "duplicates.pick": "partners",
    "duplicates.pick_contact": "partners",
    "reminders.index": "reminders",
    "reminders.new": "reminders",
    "reminders.edit": "reminders",
    "reminders.delete": "reminders",
    "referrals.forest": "referrals",
    "referrals.tree": "referrals",
    "referrals.report": "referrals",
    "deals.board": "deals",
    "deals.index": "deals",
    "deals.new": "deals",
    "deals.show": "deals",
    "deals.edit": "deals",
    "terms.reviews": "deals",
    "interactions.feed": "activity",
    "commissions.ledger": "ledger",
    "settings.workspace": "settings",
    "settings.members": "settings",
    "settings.profile": "settings",
    "reminders.settings": "settings",
    "settings.data": "settings",
    "settings.api_tokens": "settings",
    "settings.mail": "settings",
    "settings.webhooks": "settings",
    "settings.new_webhook": "settings",
    "settings.security": "settings",
    "settings.two_factor": "settings",
    "settings.audit_log": "settings",
    "settings.trash_page": "settings",
    "settings.trash_empty": "settings",
    "imports.index": "partners",  # the import wizard belongs to the partner book
    "imports.new": "partners",
    "mail_import.upload": "activity",  # the email history import (and its result) logs activity
    "mail_import.ignore_list": "settings",
    "imports.saved": "partners",
    # pages that highlight no entry
    "api.reference": None,
    "dashboard.help": None,
    "interactions.timeline": None,
    "interactions.quick_log": None,
    "interactions.edit": None,
    "deals.partner_tab": None,
    "terms.show": None,
    "commissions.partner_tab": None,
    "referrals.partner_tab": None,
    "auth.create_workspace": None,
    "auth.no_workspace": None,
    "auth.forgot_password": None,
    "search.results": None,  # global search belongs to no entry (its box is in the navigation)
}


def highlighted(response):
    facts = probe(response.get_data(as_text=True))
    assert facts.nav_links, "the page shows the navigation"
    return facts.nav_current


def test_every_page_highlights_its_entry(app, logged_in, world):
    with app.test_request_context():
        hrefs = {name: url_for(endpoint) for name, endpoint in NAV.items()}
    walked = set()
    for endpoint, url in sorted(page_urls(app, world).items()):
        response = logged_in.get(url)
        if response.status_code != 200 or response.mimetype != "text/html" or b"<html" not in response.data:
            continue
        if endpoint == "commissions.statement":  # the public statement has no navigation
            continue
        walked.add(endpoint)
        section = EXPECTED[endpoint]
        assert highlighted(response) == ([hrefs[section]] if section else []), endpoint
    assert walked == set(EXPECTED)


def test_an_error_page_highlights_the_entry_of_the_view_that_failed(logged_in, other):
    response = logged_in.get(f"/partners/{other['partner'].id}")
    assert response.status_code == 404
    assert highlighted(response) == ["/partners/"]


def test_a_failed_form_highlights_its_entry(logged_in):
    response = logged_in.post("/partners/new", data={"name": ""})
    assert response.status_code == 422
    assert highlighted(response) == ["/partners/"]


def test_a_view_declaration_wins_over_its_blueprint(app):
    with app.test_request_context():
        assert nav_section_for("partners.archive") == "partners"  # the blueprint's default
        assert nav_section_for("referrals.partner_tab") is None  # declared: a partner page tab
        assert nav_section_for("reminders.partner_tab") == "partners"
        assert nav_section_for(None) is None


def test_an_unknown_section_is_refused():
    with pytest.raises(ValueError):
        nav_section("partner")
