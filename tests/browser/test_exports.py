"""Export what you see, in a real Chromium: filter the partners list (htmx swaps the results), open
the Export menu, download the CSV; it holds the filtered partners only. On a 390 px phone the menu
fits the screen. A contact's vCard downloads from the partner page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _create_partner(page, live_server, name, status):
    page.goto(live_server.url + "/partners/new")
    page.fill("input[name=name]", name)
    page.select_option("select[name=status]", status)
    page.get_by_role("button", name=re.compile("save|create|add", re.I)).first.click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))


def _download(page, link):
    with page.expect_download() as info:
        link.click()
    download = info.value
    with open(download.path(), "rb") as f:
        return download.suggested_filename, f.read()


def test_export_what_you_see(page, live_server, register_and_login):
    register_and_login(page)
    _create_partner(page, live_server, "Active Apple", "active")
    _create_partner(page, live_server, "Dormant Date", "dormant")

    page.goto(live_server.url + "/partners/")
    page.select_option("select[name=status]", "active")
    expect(page.locator("#partner-results tbody tr")).to_have_count(1)

    menu = page.locator("#partner-export")
    menu.locator("summary").click()
    link = menu.get_by_role("link", name="CSV (comma, UTF-8)").first
    expect(link).to_be_visible()
    name, data = _download(page, link)
    assert re.fullmatch(r"orchard-partners-\d{4}-\d{2}-\d{2}\.csv", name)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [r["Name"] for r in rows] == ["Active Apple"]

    menu = page.locator("#partner-export")
    if not menu.evaluate("details => details.open"):  # still open after the first download
        menu.locator("summary").click()
    name, data = _download(page, menu.get_by_role("link", name="CSV for Excel (semicolon, UTF-8 with BOM)").first)
    assert data.startswith(b"\xef\xbb\xbf") and b"Orchard ID;Name;" in data


def test_the_menu_fits_a_phone_and_a_contact_card_downloads(browser, live_server, register_and_login):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        register_and_login(page)
        _create_partner(page, live_server, "Phone Partner", "active")
        form = page.locator("#add-contact-form")
        if not form.is_visible():
            page.locator("#partner-contacts details.add-contact summary").click()
        form.locator("input[name=name]").fill("Пётр Телефонов")
        form.locator("input[name=email]").fill("petr@phone.example.com")
        form.get_by_role("button", name="Add contact").click()
        expect(page.locator("#partner-contacts li.contact")).to_have_count(1)

        name, data = _download(page, page.locator("#partner-contacts li.contact").get_by_role("link", name="vCard"))
        assert name.endswith(".vcf")
        assert data.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n") and "Пётр Телефонов".encode() in data

        page.goto(live_server.url + "/partners/")
        menu = page.locator("#partner-export")
        menu.locator("summary").click()
        box = menu.locator("ul").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    finally:
        context.close()
