"""Settings → two-factor: set it up from the page (the secret read from the page, the QR code
inline SVG), see the recovery codes once and download them, make new ones, turn it off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from tests.conftest import PASSWORD
from tests.html import parse
from tests.two_factor.conftest import STEP, code_at, enrol

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _secret(response) -> str:
    return parse(response.get_data(as_text=True)).one(id="two-factor-secret")["data-secret"]


START = {"start-password": PASSWORD}  # setting up asks for the password: a stolen session cannot


def _codes(response) -> list[str]:
    return [li.text.strip() for li in parse(response.get_data(as_text=True)).one(id="recovery-codes").find_all("li")]


def test_setting_up_from_the_page(logged_in, user, now):
    page = logged_in.get("/settings/two-factor")
    assert page.status_code == 200 and "Set up two-factor authentication" in page.get_data(as_text=True)
    logged_in.post("/settings/two-factor/start", data=START)
    page = logged_in.get("/settings/two-factor")
    secret = _secret(page)
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1]  # the QR code is inline SVG
    # the secret is the server's, whatever the form sends
    response = logged_in.post("/settings/two-factor/confirm", data={"code": code_at(secret, now), "secret": "A" * 32})
    assert response.status_code == 302 and response.location.endswith("/settings/two-factor/recovery-codes")
    db.session.refresh(user)
    assert user.has_two_factor and user.totp_secret == secret

    shown = logged_in.get("/settings/two-factor/recovery-codes")
    codes = _codes(shown)
    assert len(codes) == 10
    download = logged_in.get("/settings/two-factor/recovery-codes.txt")
    assert download.mimetype == "text/plain" and "attachment" in download.headers["Content-Disposition"]
    assert all(code in download.get_data(as_text=True) for code in codes)
    # shown once: after going back to the settings page they are gone
    after = logged_in.get("/settings/two-factor")
    assert "On" in after.get_data(as_text=True) and "10 recovery codes left." in after.get_data(as_text=True)
    assert logged_in.get("/settings/two-factor/recovery-codes").status_code == 302
    assert logged_in.get("/settings/two-factor/recovery-codes.txt").status_code == 302


def test_a_wrong_code_shows_next_to_the_field(logged_in, user, now):
    logged_in.post("/settings/two-factor/start", data=START)
    secret = _secret(logged_in.get("/settings/two-factor"))
    right = code_at(secret, now)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = logged_in.post("/settings/two-factor/confirm", data={"code": wrong})
    assert response.status_code == 422
    error = parse(response.get_data(as_text=True)).one("small", class_="field-error")
    assert "not right" in error.text
    assert _secret(response) == secret  # the same secret to try again
    empty = logged_in.post("/settings/two-factor/confirm", data={"code": ""})
    assert empty.status_code == 422 and "Enter the code." in empty.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.has_two_factor


def test_cancel_forgets_the_pending_secret(logged_in, user):
    logged_in.post("/settings/two-factor/start", data=START)
    logged_in.post("/settings/two-factor/cancel")
    db.session.refresh(user)
    assert user.totp_pending_secret is None
    assert "two-factor-secret" not in logged_in.get("/settings/two-factor").get_data(as_text=True)


def test_new_recovery_codes_from_the_page(logged_in, user, now, frozen_clock):
    enrolled = enrol(user, now)
    bad = logged_in.post(
        "/settings/two-factor/recovery-codes/regenerate",
        data={"regenerate-password": "nope", "regenerate-code": enrolled.code(now)},
    )
    assert bad.status_code == 422 and "The password is not right." in bad.get_data(as_text=True)
    response = logged_in.post(
        "/settings/two-factor/recovery-codes/regenerate",
        data={"regenerate-password": PASSWORD, "regenerate-code": enrolled.code(now)},
    )
    assert response.status_code == 302
    codes = _codes(logged_in.get("/settings/two-factor/recovery-codes"))
    assert len(codes) == 10 and not set(codes) & set(enrolled.recovery_codes)


def test_turning_off_from_the_page(logged_in, user, now, frozen_clock):
    enrolled = enrol(user, now)
    replay = enrolled.code(now)
    assert (
        logged_in.post(
            "/settings/two-factor/disable", data={"disable-password": PASSWORD, "disable-code": replay}
        ).status_code
        == 302
    )
    db.session.refresh(user)
    assert not user.has_two_factor
    assert "Set up two-factor authentication" in logged_in.get("/settings/two-factor").get_data(as_text=True)


def test_turning_off_with_a_replayed_code_is_refused(logged_in, user, now, frozen_clock):
    enrolled = enrol(user, now)
    code = enrolled.code(now)
    regenerate = {"regenerate-password": PASSWORD, "regenerate-code": code}
    assert logged_in.post("/settings/two-factor/recovery-codes/regenerate", data=regenerate).status_code == 302
    response = logged_in.post("/settings/two-factor/disable", data={"disable-password": PASSWORD, "disable-code": code})
    assert response.status_code == 422 and "used already" in response.get_data(as_text=True)
    frozen_clock.shift(STEP)
    later = code_at(enrolled.secret, now + STEP)
    response = logged_in.post(
        "/settings/two-factor/disable", data={"disable-password": PASSWORD, "disable-code": later}
    )
    assert response.status_code == 302


def test_the_settings_page_runs_a_constant_number_of_queries(logged_in, user, now, count_queries):
    def measure():
        with count_queries() as counter:
            assert logged_in.get("/settings/two-factor").status_code == 200
        return counter.count

    off = measure()
    enrol(user, now - timedelta(minutes=5))
    on = measure()
    assert off <= 4 and on <= off + 1  # the count of recovery codes left


def test_the_settings_tab_is_there(logged_in):
    html = logged_in.get("/settings/").get_data(as_text=True)
    assert parse(html).find("a", href="/settings/two-factor") is not None


def test_confirming_after_a_cancel_elsewhere_says_so(logged_in, user):
    logged_in.post("/settings/two-factor/start", data=START)
    logged_in.post("/settings/two-factor/cancel")
    response = logged_in.post("/settings/two-factor/confirm", data={"code": "123456"})
    assert response.status_code == 302
    assert "Start again" in logged_in.get("/settings/two-factor").get_data(as_text=True)


@pytest.mark.parametrize("password", ["", "not the password"])
def test_setting_up_needs_the_password(logged_in, user, password):
    """Else someone holding a stolen session turns it on with their own phone and locks the owner out."""
    response = logged_in.post("/settings/two-factor/start", data={"start-password": password})
    assert response.status_code == 422
    errors = parse(response.get_data(as_text=True)).find_all(class_="field-error")
    assert any("password" in e.text.lower() for e in errors)
    db.session.refresh(user)
    assert user.totp_pending_secret is None and not user.has_two_factor
