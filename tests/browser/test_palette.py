"""The command palette and the keyboard shortcuts in a real Chromium (CSRF on): Ctrl+K opens the
palette, a misspelt name finds the partner, the arrow keys and Enter open it, `l` opens the log form
there and an interaction gets logged; `?` lists the shortcuts; a shortcut typed in a field does
nothing; Escape closes a dialog and focus goes back; a failed search is said inside the palette."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# One letter missing: found by the search index's one-edit typo tolerance (app/services/search).
MISSPELT = "gardn"


def _partner(page, name):
    page.goto("/partners/new")
    page.fill("input[name=name]", name)
    page.get_by_role("button", name=re.compile("save|create|add", re.I)).first.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    return page.url.rsplit("/", 1)[1]


def test_ctrl_k_finds_a_misspelt_partner_opens_it_and_l_logs_an_interaction(page, register_and_login):
    register_and_login(page)
    partner_id = _partner(page, "Garden Consulting")
    _partner(page, "Harbour Films")
    page.goto("/dashboard")

    page.keyboard.press("Control+k")
    palette = page.locator("#palette")
    expect(palette).to_be_visible()
    expect(page.locator("#palette-input")).to_be_focused()
    # nothing typed yet: the actions
    expect(page.locator("#palette-results [role=option]", has_text="New partner")).to_be_visible()

    # a typo: "gardn" finds "Garden Consulting" (the search index's one-edit tolerance)
    page.locator("#palette-input").press_sequentially(MISSPELT, delay=40)
    option = page.locator(f"#palette-partner-{partner_id}")
    expect(option).to_be_visible()
    expect(option.locator("mark")).not_to_have_count(0)  # the matched text is marked
    expect(page.locator("#palette-results")).not_to_contain_text("Harbour Films")
    # the best hit is active; the arrow keys move through the listbox (and round)
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#palette-input")).to_have_attribute(
        "aria-activedescendant", f"palette-action-log-{partner_id}"
    )
    expect(option).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#palette-input")).to_have_attribute("aria-activedescendant", f"palette-partner-{partner_id}")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/partners/{partner_id}$"))

    # `l` goes to the log form and says so
    page.keyboard.press("l")
    log_box = page.locator(f"#quick-log-{partner_id}")
    expect(log_box.locator("input[type=radio]").first).to_be_focused()
    expect(page.locator("#kbd-announce")).to_have_text("Log an interaction: pick a kind, then Log.")
    page.keyboard.press("Space")  # picks the focused kind
    log_box.locator("input[name=direction]").first.check()
    summary = log_box.locator("textarea[name=summary]")
    summary.click()
    # typing a shortcut's letter in a field types it and does nothing else
    summary.press_sequentially("Planned the new garden", delay=10)
    assert re.search(rf"/partners/{partner_id}$", page.url)
    expect(summary).to_have_value("Planned the new garden")
    log_box.get_by_role("button", name="Log").click()
    expect(page.locator(f"#quick-log-{partner_id} .flash-success")).to_contain_text("logged")
    page.goto(f"/partners/{partner_id}/timeline")
    expect(page.locator("main")).to_contain_text("Planned the new garden")


def test_question_mark_lists_the_shortcuts_and_escape_gives_focus_back(page, register_and_login):
    register_and_login(page)
    page.goto("/dashboard")
    link = page.locator("#main-nav a", has_text="Partners")
    link.focus()
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_visible()
    for text in ("New partner", "Go to Dashboard", "Go to Partners", "Go to Reminders", "Search and actions"):
        expect(dialog).to_contain_text(text)
    # Tab stays inside the dialog
    for _ in range(4):
        page.keyboard.press("Tab")
        assert (
            page.evaluate("document.activeElement.closest('dialog') && document.activeElement.closest('dialog').id")
            == "shortcuts"
        )
    # shortcuts do not fire behind an open dialog
    page.keyboard.press("n")
    assert page.url.endswith("/dashboard")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()

    # the palette too: Escape closes it and focus is back where it was
    link.focus()
    page.keyboard.press("Control+k")
    expect(page.locator("#palette")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert (
        page.evaluate("document.activeElement.closest('dialog') && document.activeElement.closest('dialog').id")
        == "palette"
    )
    page.keyboard.press("Escape")
    expect(page.locator("#palette")).to_be_hidden()
    expect(link).to_be_focused()


def test_single_key_shortcuts_go_places_but_never_from_a_field(page, register_and_login):
    register_and_login(page)
    page.goto("/dashboard")
    page.keyboard.press("g")
    page.keyboard.press("p")
    page.wait_for_url(re.compile(r"/partners/$"))
    expect(page.locator("#kbd-announce")).to_have_text("Going to partners.")
    page.keyboard.press("g")
    page.keyboard.press("r")
    page.wait_for_url(re.compile(r"/reminders/$"))
    page.keyboard.press("g")
    page.keyboard.press("d")
    page.wait_for_url(re.compile(r"/dashboard$"))
    # a modifier held: nothing
    page.keyboard.press("Alt+n")
    assert page.url.endswith("/dashboard")
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/partners/new$"))
    # typed inside a field, `n` is a letter, not a shortcut
    name = page.locator("input[name=name]")
    name.click()
    name.press_sequentially("Ann", delay=20)
    page.keyboard.press("n")
    page.keyboard.press("?")
    expect(name).to_have_value("Ann" + "n?")
    assert page.url.endswith("/partners/new")
    expect(page.locator("#shortcuts")).to_be_hidden()
    # `l` away from a partner's page says what to do
    page.goto("/dashboard")
    page.keyboard.press("l")
    expect(page.locator("#kbd-announce")).to_have_text("Open a partner's page first to log an interaction with it.")
    # `r` on a partner's page: a new reminder for that partner
    partner_id = _partner(page, "Reminder Partner")
    page.keyboard.press("r")
    page.wait_for_url(re.compile(rf"/reminders/new\?partner_id={partner_id}$"))
    expect(page.locator("main")).to_contain_text("Reminder Partner")


def test_slash_and_the_nav_box_open_the_palette_and_actions_run(page, register_and_login):
    register_and_login(page)
    page.goto("/dashboard")
    page.keyboard.press("/")
    expect(page.locator("#palette-input")).to_be_focused()
    page.locator("#palette-input").press_sequentially("go remi", delay=30)
    expect(page.locator("#palette-results [role=option]").first).to_contain_text("Go to Reminders")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reminders/$"))
    # Enter pressed before the results of what was typed arrive opens the best of those results
    harbour = _partner(page, "Harbour Films")
    page.goto("/dashboard")
    page.keyboard.press("Control+k")
    page.locator("#palette-input").press_sequentially("harbour", delay=0)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/partners/{harbour}$"))
    # typing in the navigation's box carries on in the palette
    page.locator("#nav-search-q").press_sequentially("new p", delay=40)
    expect(page.locator("#palette")).to_be_visible()
    expect(page.locator("#palette-input")).to_have_value("new p")
    expect(page.locator("#palette-results [role=option]").first).to_contain_text("New partner")


def test_a_failed_search_is_said_in_the_palette(page, register_and_login):
    register_and_login(page)
    page.goto("/dashboard")
    page.route("**/search/palette*", lambda route: route.fulfill(status=500, body="broken"))
    page.keyboard.press("Control+k")
    error = page.locator("#palette-error")
    expect(error).to_have_text("Search failed on the server. Try again in a moment.")
    page.unroute("**/search/palette*")
    page.route("**/search/palette*", lambda route: route.abort())
    page.locator("#palette-input").press_sequentially("abc", delay=20)
    expect(error).to_contain_text("the server could not be reached")
    page.unroute("**/search/palette*")
    page.locator("#palette-input").press_sequentially("d", delay=20)
    expect(error).to_be_hidden()
    expect(page.locator("#palette-results")).to_contain_text("All results for “abcd”")


def test_without_javascript_the_nav_box_searches_on_the_results_page(browser, live_server, register_and_login):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        register_and_login(page)
        _partner(page, "Garden Consulting")
        page.fill("#nav-search-q", "garden")
        page.locator("#nav-search-q").press("Enter")
        page.wait_for_url(re.compile(r"/search\?q=garden"))
        expect(page.locator("#search-partner")).to_contain_text("Garden Consulting")
        expect(page.locator("#search-partner mark")).to_have_text("Garden")
    finally:
        context.close()


def test_on_a_phone_the_box_is_a_button_and_the_palette_fills_the_width(browser, live_server, register_and_login):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        register_and_login(page)
        page.goto("/dashboard")
        expect(page.locator("#nav-search-q")).to_be_hidden()
        button = page.locator("#nav-search .nav-search-button")
        expect(button).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        button.click()
        article = page.locator("#palette > article")
        expect(article).to_be_visible()
        box = article.bounding_box()
        assert box["x"] <= 1 and box["width"] >= 388
        expect(page.locator("#palette-input")).to_be_focused()
    finally:
        context.close()
