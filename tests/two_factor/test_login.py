"""Logging in with two-factor authentication: the password, then /login/code (a code from the app
or a recovery code, each once), valid 5 minutes; wrong codes are limited per account."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from tests.conftest import PASSWORD, app_on_empty_database, make_user
from tests.html import parse
from tests.two_factor.conftest import STEP, code_at, enrol

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def enrolled(user, now):
    return enrol(user, now)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_password_alone_does_not_log_in(client, auth, enrolled):
    response = auth.login(enrolled.user)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/partners/").status_code == 302  # not logged in yet
    page = client.get("/login/code")
    assert page.status_code == 200 and parse(page.get_data(as_text=True)).find("input", name="code") is not None


def test_a_right_code_logs_in_and_goes_to_the_next_page(client, enrolled, now):
    client.post("/login?next=/deals/", data={"email": enrolled.user.email, "password": PASSWORD})
    response = client.post("/login/code", data={"code": enrolled.code(now)})
    assert response.status_code == 302 and response.location.endswith("/deals/")
    assert client.get("/partners/").status_code == 200
    assert client.get("/login/code").status_code == 302  # nothing pending any more


def test_a_wrong_code_is_refused_next_to_the_field(client, auth, enrolled, now):
    auth.login(enrolled.user)
    response = client.post("/login/code", data={"code": _wrong(enrolled.code(now))})
    assert response.status_code == 422
    assert "not right" in parse(response.get_data(as_text=True)).one("small", class_="field-error").text
    assert client.get("/partners/").status_code == 302
    assert client.post("/login/code", data={"code": ""}).status_code == 422


def test_a_code_used_once_cannot_log_in_again(app, enrolled, now):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/login", data={"email": enrolled.user.email, "password": PASSWORD})
    code = enrolled.code(now)
    assert first.post("/login/code", data={"code": code}).status_code == 302
    replay = second.post("/login/code", data={"code": code})
    assert replay.status_code == 422 and "used already" in replay.get_data(as_text=True)
    assert second.get("/partners/").status_code == 302


def test_the_pending_login_expires_after_five_minutes(client, auth, enrolled, now, frozen_clock):
    auth.login(enrolled.user)
    frozen_clock.shift(timedelta(minutes=5, seconds=1))
    later = now + timedelta(minutes=5, seconds=1)
    response = client.post("/login/code", data={"code": code_at(enrolled.secret, later)})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert "Your login expired" in client.get("/login").get_data(as_text=True)
    assert client.get("/partners/").status_code == 302


def test_within_five_minutes_it_still_works(client, auth, enrolled, now, frozen_clock):
    auth.login(enrolled.user)
    frozen_clock.shift(timedelta(minutes=4, seconds=50))
    later = now + timedelta(minutes=4, seconds=50)
    assert client.post("/login/code", data={"code": code_at(enrolled.secret, later)}).status_code == 302
    assert client.get("/partners/").status_code == 200


def test_without_a_pending_login_the_code_page_sends_to_login(client):
    assert client.get("/login/code").location.endswith("/login")
    assert client.post("/login/code", data={"code": "123456"}).location.endswith("/login")


def test_a_recovery_code_logs_in_once(app, enrolled):
    code = enrolled.recovery_codes[0]
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/login", data={"email": enrolled.user.email, "password": PASSWORD})
    assert first.post("/login/code", data={"code": code}).status_code == 302
    assert "9 left" in first.get("/partners/").get_data(as_text=True)
    assert second.post("/login/code", data={"code": code}).status_code == 422


def test_turning_two_factor_off_elsewhere_ends_the_pending_login(client, auth, enrolled, now):
    auth.login(enrolled.user)
    enrolled.user.two_factor_enabled_at = None
    db.session.commit()
    assert client.post("/login/code", data={"code": enrolled.code(now)}).location.endswith("/login")


def test_without_two_factor_the_password_logs_in(client, auth, user):
    assert auth.login(user).location.endswith("/")
    assert client.get("/partners/").status_code == 200


def test_the_code_step_runs_a_constant_number_of_queries(client, auth, enrolled, now, frozen_clock, count_queries):
    auth.login(enrolled.user)
    right_code, wrong_code = enrolled.code(now), _wrong(enrolled.code(now))

    def measure(method, **kwargs):
        db.session.expunge_all()  # as a fresh request in production: nothing cached
        with count_queries() as counter:
            method("/login/code", **kwargs)
        return counter.count

    assert measure(client.get) == 1  # the pending user
    assert measure(client.post, data={"code": wrong_code}) == 1  # a code of no step: nothing to update
    # + the conditional update of the step, the new session's row and the user read again after its commit
    assert measure(client.post, data={"code": right_code}) == 4


@pytest.fixture
def limited_app(tmp_path):
    with app_on_empty_database(
        tmp_path, "limits", RATELIMIT_ENABLED=True, TWO_FACTOR_LIMIT_PER_ACCOUNT="3 per 5 minutes"
    ) as app:
        yield app


@pytest.mark.usefixtures("frozen_clock")
def test_wrong_codes_are_limited_per_account(limited_app, now):
    victim = make_user(email="victim@example.com")
    enrolled = enrol(victim, now)
    attacker = limited_app.test_client()
    attacker.post("/login", data={"email": victim.email, "password": PASSWORD})
    wrong = _wrong(enrolled.code(now))
    statuses = [attacker.post("/login/code", data={"code": wrong}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    # another address (another client) guessing the same account is limited too
    other = limited_app.test_client()
    other.post("/login", data={"email": victim.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    blocked = other.post("/login/code", data={"code": enrolled.code(now)}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # another account is not
    bystander = make_user(email="bystander@example.com")
    other_enrolled = enrol(bystander, now)
    third = limited_app.test_client()
    third.post("/login", data={"email": bystander.email, "password": PASSWORD})
    assert third.post("/login/code", data={"code": other_enrolled.code(now)}).status_code == 302


@pytest.mark.usefixtures("frozen_clock")
def test_right_codes_do_not_count_against_the_limit(limited_app, now):
    owner = make_user(email="owner@example.com")
    enrolled = enrol(owner, now)
    for minute in range(4):
        client = limited_app.test_client()
        client.post("/login", data={"email": owner.email, "password": PASSWORD})
        when = now + minute * STEP
        with_code = client.post("/login/code", data={"code": code_at(enrolled.secret, when)})
        assert with_code.status_code in (302, 422)
        assert with_code.status_code != 429


@pytest.mark.parametrize("which", ["totp", "recovery"])
def test_the_same_code_sent_twice_at_once_logs_in_once(app, enrolled, now, which):
    from tests.concurrency.helpers import at_once

    code = enrolled.code(now) if which == "totp" else enrolled.recovery_codes[0]
    responses = at_once(
        app, enrolled.user, ("POST", "/login/code", {"code": code}), ("POST", "/login/code", {"code": code})
    )
    # the winner's htmx request gets a full page load (the session began: a new CSRF token)
    assert sorted(r.status_code for r in responses) == [200, 422]
    assert next(r for r in responses if r.status_code == 200).headers["HX-Redirect"]
    loser = next(r for r in responses if r.status_code == 422)
    assert "used already" in loser.get_data(as_text=True)


def test_remember_me_is_kept_through_the_code_step(client, enrolled, now):
    client.post("/login", data={"email": enrolled.user.email, "password": PASSWORD, "remember": "y"})
    response = client.post("/login/code", data={"code": enrolled.code(now)})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None


def test_a_password_change_meanwhile_ends_the_pending_login(client, auth, enrolled, now):
    from werkzeug.security import generate_password_hash

    auth.login(enrolled.user)
    enrolled.user.password_hash = generate_password_hash("a new password here", method="pbkdf2:sha256:1000")
    db.session.commit()
    assert client.post("/login/code", data={"code": enrolled.code(now)}).location.endswith("/login")
    assert client.get("/partners/").status_code == 302


@pytest.fixture
def fair_app(tmp_path):
    """The fair limits of the login (LOGIN_LIMIT_*), the flat per-account cap left at its default."""
    with app_on_empty_database(
        tmp_path, "fair-2fa", RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per hour"
    ) as app:
        yield app


@pytest.mark.usefixtures("frozen_clock")
def test_wrong_codes_slow_the_guesser_but_not_the_owner_from_elsewhere(fair_app, now):
    """Someone who has the password guesses codes from one address: they wait, the owner does not."""
    owner = make_user(email="owner@example.com")
    enrolled = enrol(owner, now)
    attacker = fair_app.test_client()
    at_attacker = {"REMOTE_ADDR": "10.6.6.6"}
    attacker.post("/login", data={"email": owner.email, "password": PASSWORD}, environ_base=at_attacker)
    wrong = _wrong(enrolled.code(now))
    statuses = [
        attacker.post("/login/code", data={"code": wrong}, environ_base=at_attacker).status_code for _ in range(5)
    ]
    assert statuses[:3] == [422, 422, 422] and statuses[-1] == 429
    home = fair_app.test_client()
    at_home = {"REMOTE_ADDR": "192.168.1.20"}
    home.post("/login", data={"email": owner.email, "password": PASSWORD}, environ_base=at_home)
    assert home.post("/login/code", data={"code": enrolled.code(now)}, environ_base=at_home).status_code == 302
