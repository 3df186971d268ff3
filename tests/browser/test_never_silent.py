"""No htmx request fails silently, in a real Chromium (CSRF on): logged out in another tab, network
down, the thing deleted meanwhile — each says so where the user acted, and a note typed before the
session ended is back in the form after logging in again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _partner(page, name):
    page.goto("/partners/new")
    page.fill("input[name=name]", name)
    page.get_by_role("button", name=re.compile("save|create|add", re.I)).first.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    return page.url.rsplit("/", 1)[1]


def test_logged_out_meanwhile_the_typed_note_survives_the_login(page, register_and_login):
    person = register_and_login(page)
    partner_id = _partner(page, "Bright Bakery")
    box = page.locator(".quick-log").first
    box.locator("textarea[name=summary]").fill("Agreed on the spring rebrand, they send the brief on Friday")
    # logged out in another tab (which also renews the form's security token)
    other = page.context.new_page()
    other.goto("/partners/")
    other.locator("details.dropdown summary").first.click()
    other.get_by_role("button", name="Log out").click()
    other.wait_for_url(re.compile(r"/login"))
    other.close()
    box.get_by_role("button", name="Log").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("input[name=email]", person.email)
    page.fill("input[name=password]", person.password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(rf"/partners/{partner_id}$"))  # the page, not the POST-only action
    expect(page.locator(".draft-restored")).to_be_visible()
    summary = page.locator(".quick-log textarea[name=summary]").first
    expect(summary).to_have_value("Agreed on the spring rebrand, they send the brief on Friday")
    page.locator(".quick-log").first.get_by_role("button", name="Log").click()
    expect(page.locator(".quick-log .flash-success").first).to_be_visible()
    page.goto(f"/partners/{partner_id}/timeline")
    expect(page.locator("main")).to_contain_text("Agreed on the spring rebrand")


def test_network_down_and_deleted_meanwhile_are_said_in_place(page, register_and_login):
    register_and_login(page)
    partner_id = _partner(page, "Bright Bakery")
    box = page.locator(".quick-log").first
    box.locator("textarea[name=summary]").fill("Called about the invoice")

    page.route(re.compile(r".*/interactions$"), lambda route: route.abort("internetdisconnected"))
    box.get_by_role("button", name="Log").click()
    expect(page.locator(".request-problem")).to_contain_text("Could not reach Orchard")
    page.unroute(re.compile(r".*/interactions$"))

    # deleted in another tab: the server's "not found" is shown next to the form
    other = page.context.new_page()
    other.goto(f"/partners/{partner_id}/delete")
    other.fill("input[name=confirm_name]", "Bright Bakery")
    other.locator("form button[type=submit]").last.click()
    other.wait_for_url(re.compile(r"/partners/?$"))
    other.close()
    box.get_by_role("button", name="Log").click()
    problem = page.locator(".request-problem")
    expect(problem).to_contain_text("Not found")
    expect(problem).to_have_count(1)  # the network message was replaced, not stacked
    problem.get_by_role("button", name="Dismiss").click()
    expect(page.locator(".request-problem")).to_have_count(0)


def test_a_boosted_link_to_a_missing_page_shows_the_error_page(page, register_and_login):
    register_and_login(page)
    page.goto("/partners/")
    page.evaluate(
        "() => { const a = document.createElement('a'); a.href = '/partners/987654'; a.id = 'gone';"
        " a.textContent = 'gone'; document.querySelector('main').appendChild(a); htmx.process(a); }"
    )
    page.click("#gone")
    expect(page.locator("h1")).to_have_text("Not found")
