"""The import wizard in a real browser (CSRF on): upload a CSV of five partners whose referrers form
a chain in shuffled order, map the column the guess left out, see the preview with its one problem
row (and use it on a 390 px phone), change a row's action with htmx, run the import, watch the
progress bar reach done, and find the chain in the referral tree."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
_run = itertools.count(1)


def _csv(prefix: str) -> bytes:
    # the chain Alpha → Beta → Gamma → Delta → Epsilon, rows shuffled; Zeta has a bad email
    rows = [
        ("Delta", "Gamma"),
        ("Alpha", ""),
        ("Gamma", "Beta"),
        ("Zeta", "Epsilon"),
        ("Epsilon", "Delta"),
        ("Beta", "Alpha"),
    ]
    lines = ["Company,Email,Introducer,Comment"]
    for name, referrer in rows:
        email = "zeta-at-nowhere" if name == "Zeta" else f"hello@{name.lower()}{prefix.lower()}.example"
        lines.append(f"{prefix} {name},{email},{prefix + ' ' + referrer if referrer else ''},Met at the fair")
    return ("\n".join(lines) + "\n").encode()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_import_a_referral_chain_with_the_wizard(page, live_server, register_and_login):
    register_and_login(page)
    prefix = f"Chain{next(_run)}"

    # the partners list leads to the imports page, whose empty state says what works
    page.goto(live_server("/partners/"))
    page.locator(".page-head").get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url("**/imports/")
    assert "nothing is saved until you confirm" in page.locator(".empty-state").text_content()
    page.locator(".empty-state a", has_text="Import a file").click()
    page.wait_for_url("**/imports/new")

    # step 1: upload
    page.set_input_files("#file", files=[{"name": "chain.csv", "mimeType": "text/csv", "buffer": _csv(prefix)}])
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/map")

    # step 2: the guess left "Introducer" unmapped; map it to "Referred by"
    assert page.locator("#col-0-field").input_value() == "partner.name"
    assert page.locator("#col-2-field").input_value() == ""
    page.select_option("#col-2-field", "partner.referred_by")
    page.get_by_role("button", name="Continue to the preview").click()
    page.wait_for_url("**/preview")

    # step 3: the preview, one problem row, shown under its cell
    counts = page.locator("#import-counts")
    assert counts.locator("div", has_text="Rows").locator("dd").text_content() == "6"
    assert counts.locator("div", has_text="New").locator("dd").text_content() == "5"
    assert counts.locator("div", has_text="With problems").locator("dd").text_content() == "1"
    problems = page.locator(".preview-table .cell-problem")
    assert problems.count() == 1 and "email" in problems.text_content().lower()
    assert "row-has-problem" in page.locator("#import-row-4").get_attribute("class")

    # a row's action is saved at once (htmx, with the CSRF header); the counts follow
    new = page.locator("#import-counts div", has_text="New").locator("dd")
    page.locator('#import-row-1 input[value="skip"]').check()
    expect(new).to_have_text("4")
    page.locator('#import-row-1 input[value="create"]').check()
    expect(new).to_have_text("5")
    assert page.locator("#flashes [data-htmx-error]").count() == 0
    # a failed htmx request is never silent: the message shows in the flash area
    page.route("**/rows/*/action", lambda route: route.fulfill(status=500, body="broken"))
    page.locator('#import-row-1 input[value="skip"]').check()
    expect(page.locator("#flashes [data-htmx-error]")).to_be_visible()
    page.unroute("**/rows/*/action")
    page.reload()
    expect(new).to_have_text("5")

    # on a phone the preview is cards: nothing runs off the side of the page
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert _no_sideways_scroll(page)
    assert page.locator("#import-row-2").is_visible()
    assert page.get_by_role("button", name="Import 5 rows").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # step 4: run; the job page's bar reaches done, then the browser goes on to the result
    with page.expect_response(lambda r: "/jobs/" in r.url and r.request.method == "GET") as job_page:
        page.get_by_role("button", name="Import 5 rows").click()
    html = job_page.value.text()
    assert 'data-status="done"' in html and '<progress value="1" max="1"' in html
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    page.wait_for_selector("text=Import result")
    result = page.locator(".import-counts")
    assert result.locator("div", has_text="Created").locator("dd").text_content() == "5"
    assert result.locator("div", has_text="Failed").locator("dd").text_content() == "1"  # the problem row
    assert page.get_by_role("button", name="Download failed rows (CSV)").is_visible()

    # the chain is in the referral tree
    page.get_by_role("button", name="See the referral tree").click()
    page.wait_for_url("**/referrals/")
    root = page.locator("tr", has=page.get_by_role("link", name=f"{prefix} Alpha", exact=True))
    assert root.locator("td.num").first.text_content().strip() == "5"
    root.get_by_role("link", name="Tree").click()
    page.wait_for_url("**/referrals/tree/**")
    page.wait_for_selector("#tree-canvas .tnode")
    tree = page.locator("#tree-list")
    for name in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon"):
        assert tree.get_by_text(f"{prefix} {name}", exact=True).count() == 1
    assert tree.get_by_text(f"{prefix} Zeta", exact=True).count() == 0
