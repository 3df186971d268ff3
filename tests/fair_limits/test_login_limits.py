"""Fair limits through the pages: an attacker is slowed (the wait doubles), the owner is not locked
out (observed: 5 wrong passwords made the right one answer 429 for 10 minutes), registration is
limited per address (observed: 137 accounts in 15 s), and behind a proxy each client has its own
count (observed: every user shared one)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import limiter
from config import Config
from tests.conftest import PASSWORD, app_on_empty_database, make_user

ATTACKER, OWNER, PROXY = "203.0.113.7", "198.51.100.4", "10.0.0.2"


@pytest.fixture
def limited(tmp_path):
    def build(**config):
        settings = {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per hour",
            "LOGIN_LIMIT_PER_IP": "20 per hour",
            **config,
        }
        return app_on_empty_database(tmp_path, "fair", **settings)

    yield build
    limiter.reset()


def _login(client, password, ip, email="olga@example.com", **headers):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}, headers=headers
    )


def test_the_attacker_waits_longer_each_time_and_the_owner_gets_in(limited, frozen_clock):
    with limited() as app:
        make_user(name="Olga", email="olga@example.com")
        attacker = app.test_client()
        assert [_login(attacker, "guess", ATTACKER).status_code for _ in range(3)] == [422, 422, 422]
        blocked = _login(attacker, "guess", ATTACKER)
        assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "30"
        assert "Wait 30 seconds and try again." in blocked.get_data(as_text=True)
        # even the right password from the attacker's address waits: it cannot be told apart
        assert _login(attacker, PASSWORD, ATTACKER).status_code == 429
        # the owner, from their own address, logs in meanwhile
        assert _login(app.test_client(), PASSWORD, OWNER).status_code == 302

        frozen_clock.shift(timedelta(seconds=30))
        assert _login(attacker, "guess", ATTACKER).status_code == 422  # one more try, then twice as long
        assert _login(attacker, "guess", ATTACKER).headers["Retry-After"] == "60"
        frozen_clock.shift(timedelta(seconds=59))
        assert _login(attacker, "guess", ATTACKER).status_code == 429
        frozen_clock.shift(timedelta(seconds=1))
        assert _login(attacker, "guess", ATTACKER).status_code == 422
        assert _login(attacker, "guess", ATTACKER).headers["Retry-After"] == "120"
        assert _login(app.test_client(), PASSWORD, OWNER).status_code == 302


def test_the_owner_typing_wrong_then_right_is_never_held_back(limited):
    with limited() as app:
        make_user(name="Olga", email="olga@example.com")
        owner = app.test_client()
        assert [_login(owner, "typo", OWNER).status_code for _ in range(2)] == [422, 422]
        assert _login(owner, PASSWORD, OWNER).status_code == 302  # and the count starts again


def test_without_limits_enabled_nothing_is_counted(tmp_path):
    with app_on_empty_database(tmp_path, "unlimited") as app:
        make_user(name="Olga", email="olga@example.com")
        client = app.test_client()
        assert {_login(client, "guess", ATTACKER).status_code for _ in range(8)} == {422}


def test_two_clients_behind_one_proxy_have_their_own_counts(limited):
    with limited(PROXY_FIX_X_FOR=1) as app:
        make_user(name="Olga", email="olga@example.com")
        client = app.test_client()
        for _ in range(3):
            assert _login(client, "guess", PROXY, **{"X-Forwarded-For": ATTACKER}).status_code == 422
        assert _login(client, "guess", PROXY, **{"X-Forwarded-For": ATTACKER}).status_code == 429
        # the owner behind the same proxy: their own count, they log in
        assert _login(client, PASSWORD, PROXY, **{"X-Forwarded-For": OWNER}).status_code == 302


def _register(client, n, ip):
    return client.post(
        "/register",
        data={"name": f"New {n}", "email": f"new{n}@example.com", "password": PASSWORD, "workspace_name": "W"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_registration_is_limited_per_address(limited):
    with limited(REGISTER_LIMIT_PER_IP="2 per hour") as app:
        assert [_register(app.test_client(), n, ATTACKER).status_code for n in range(2)] == [302, 302]
        refused = _register(app.test_client(), 2, ATTACKER)
        assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
        assert _register(app.test_client(), 3, OWNER).status_code == 302  # another address


def test_the_limit_settings_exist():
    assert Config.REGISTER_LIMIT_PER_IP and Config.RESET_LIMIT_PER_IP
    assert Config.LOGIN_BACKOFF_SECONDS < Config.LOGIN_BACKOFF_MAX_SECONDS
