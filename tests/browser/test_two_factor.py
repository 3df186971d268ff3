"""Two-factor authentication in a real Chromium: set it up reading the key from the page, keep
the recovery codes, log out, log in with the password and then a code computed from the key."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE + 1


PHONE = 390


def test_enrol_then_log_in_with_a_code(page, live_server, register_and_login, now):
    page.set_viewport_size({"width": PHONE, "height": 844})
    # the served app and this test read the same travelling clock: codes are computed for its time
    with time_machine.travel(now, tick=True) as clock:
        person = register_and_login(page)
        page.goto(live_server.url + "/settings/")
        page.get_by_role("link", name="Security").click()  # two-factor is a part of Settings → Security
        page.get_by_role("link", name="Set up two-factor authentication").click()
        page.wait_for_url(re.compile(r"/settings/two-factor$"))
        page.fill("input[name=start-password]", person.password)  # setting up asks for the password
        page.get_by_role("button", name="Set up two-factor authentication").click()
        expect(page.locator(".qr-code svg")).to_be_visible()
        secret = page.locator("#two-factor-secret").get_attribute("data-secret")
        totp = pyotp.TOTP(secret)
        _fits_a_phone(page)

        page.fill("input[name=code]", "000000" if totp.now() != "000000" else "111111")
        page.get_by_role("button", name="Turn on").click()
        expect(page.locator(".field-error")).to_contain_text("not right")

        page.fill("input[name=code]", totp.now())
        page.get_by_role("button", name="Turn on").click()
        page.wait_for_url(re.compile(r"/settings/two-factor/recovery-codes$"))
        codes = page.locator("#recovery-codes li")
        expect(codes).to_have_count(10)
        _fits_a_phone(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download as .txt").click()
        assert download.value.suggested_filename == "orchard-recovery-codes.txt"
        page.get_by_role("button", name="I have saved them").click()
        expect(page.locator("#two-factor")).to_contain_text("10 recovery codes left.")

        page.locator("details.dropdown summary").first.click()
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(re.compile(r"/login"))
        page.fill("input[name=email]", person.email)
        page.fill("input[name=password]", person.password)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/login/code$"))

        clock.shift(timedelta(seconds=30))  # the code used to turn it on is used up: the next one
        page.fill("input[name=code]", totp.now())
        page.locator("form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(live_server.url + "/settings/two-factor")
        expect(page.locator("#two-factor")).to_contain_text("On")
