"""Pages that ask a signed-in user for their password again (change password, change email, turn
two-factor off, new recovery codes) count wrong answers like the login does: someone holding a stolen
session cannot guess the password there without limit."""

from __future__ import annotations

import pytest

from app.extensions import limiter
from tests.conftest import NOW, PASSWORD, app_on_empty_database, make_user

ADDRESS = "10.9.9.9"
CHECKS = {
    "password change": (
        "/settings/profile",
        lambda wrong: {"form": "password", "pw-current_password": wrong, "pw-new_password": "a brand new password"},
    ),
    "email change": (
        "/settings/security/email",
        lambda wrong: {"email-new_email": "thief@example.com", "email-current_password": wrong},
    ),
    "two-factor off": (
        "/settings/two-factor/disable",
        lambda wrong: {"disable-password": wrong, "disable-code": "123456"},
    ),
}


@pytest.fixture
def limited_app(tmp_path):
    with app_on_empty_database(
        tmp_path, "signed-in", RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per hour"
    ) as app:
        yield app
    limiter.reset()


@pytest.mark.parametrize("check", CHECKS)
def test_wrong_passwords_on_signed_in_pages_are_slowed(limited_app, frozen_clock, check):
    user = make_user(name="Olga", email="olga@example.com")
    enrolled = None
    if check == "two-factor off":
        from tests.two_factor.conftest import enrol

        enrolled = enrol(user, NOW)
    client = limited_app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    if enrolled is not None:
        assert client.post("/login/code", data={"code": enrolled.code(NOW)}).status_code == 302
    url, data = CHECKS[check]
    answers = [
        client.post(url, data=data(f"guess {n}"), environ_base={"REMOTE_ADDR": ADDRESS}).status_code for n in range(5)
    ]
    assert 429 in answers, answers
    assert answers[:3] == [422, 422, 422]
