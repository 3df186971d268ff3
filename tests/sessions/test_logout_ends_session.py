"""Logout ends the session on the server: a copied session or remember-me cookie stops working, the
remember-me cookie lasts 30 days, and the CSRF token changes at login, at logout and with the user."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, app_on_empty_database, make_user
from tests.html import parse

REMEMBER = "remember_token"


def _login(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _copy(app, client, *names):
    """A second browser holding copies of `client`'s cookies `names`."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/partners/").status_code == 200


def test_a_copied_session_cookie_stops_working_at_logout(app, client, user):
    _login(client, user)
    thief = _copy(app, client, "session")
    assert _logged_in(thief)  # a copy works while the session lives ...
    client.post("/logout")
    assert not _logged_in(thief)  # ... and not after its owner logged out
    assert not _logged_in(client)


def test_a_copied_remember_cookie_stops_working_at_logout(app, client, user):
    _login(client, user, remember=True)
    thief = _copy(app, client, REMEMBER)  # the browser was closed: only the remember cookie is left
    assert _logged_in(thief)
    client.post("/logout")
    fresh = _copy(app, thief, REMEMBER)
    assert not _logged_in(fresh)


def test_remember_me_lasts_30_days(app, client, user, frozen_clock, now):
    _login(client, user, remember=True)
    expires = client.get_cookie(REMEMBER).expires
    assert abs(expires.replace(tzinfo=None) - (now + timedelta(days=30)).replace(tzinfo=None)) < timedelta(minutes=1)


def test_a_remembered_session_ends_after_30_days_even_with_the_cookie(app, client, user, frozen_clock):
    _login(client, user, remember=True)
    thief = _copy(app, client, REMEMBER)
    frozen_clock.shift(timedelta(days=29))
    assert _logged_in(_copy(app, thief, REMEMBER))
    frozen_clock.shift(timedelta(days=2))
    assert not _logged_in(_copy(app, thief, REMEMBER))


@pytest.fixture
def csrf_client(tmp_path):
    with app_on_empty_database(tmp_path, "csrf_rotation", WTF_CSRF_ENABLED=True) as app:
        yield app, app.test_client()


def _csrf(client):
    with client.session_transaction() as flask_session:
        return flask_session.get("csrf_token")


def _form_token(client, url="/login"):
    return parse(client.get(url).get_data(as_text=True)).find("input", name="csrf_token", type="hidden")["value"]


def test_the_csrf_token_changes_at_login_logout_and_with_the_user(csrf_client):
    app, client = csrf_client
    alice = make_user(name="Alice", email="alice@example.com")
    bob = make_user(name="Bob", email="bob@example.com")
    token = _form_token(client)
    before = _csrf(client)
    assert (
        client.post("/login", data={"email": alice.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    )
    as_alice = _csrf(client)
    assert as_alice is None or as_alice != before
    alice_form = _form_token(client, "/settings/profile")
    as_alice = _csrf(client)
    assert client.post("/logout", data={"csrf_token": alice_form}).status_code == 302
    assert _csrf(client) != as_alice
    # Alice's form token no longer works in this browser: not after logout, not for Bob
    refused = client.post("/login", data={"email": bob.email, "password": PASSWORD, "csrf_token": alice_form})
    assert refused.status_code == 400
    assert (
        client.post(
            "/login", data={"email": bob.email, "password": PASSWORD, "csrf_token": _form_token(client)}
        ).status_code
        == 302
    )
    assert _csrf(client) != as_alice
    stale = client.post(
        "/settings/profile", data={"form": "profile", "name": "Hijacked", "timezone": "UTC", "csrf_token": alice_form}
    )
    assert stale.status_code == 400


def test_a_boosted_login_or_logout_loads_the_next_page_in_full(csrf_client):
    """htmx keeps <body hx-headers> (the CSRF token it sends) across boosted navigations: after the
    token changed, the next page must load in full or every htmx post would be refused."""
    app, client = csrf_client
    user = make_user(name="Boosted", email="boosted@example.com")
    boosted = {"HX-Request": "true", "HX-Boosted": "true"}
    data = {"email": user.email, "password": PASSWORD, "csrf_token": _form_token(client)}
    response = client.post("/login", data=data, headers=boosted)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    assert _logged_in(client)  # the session cookie came with it
    response = client.post("/logout", data={"csrf_token": _form_token(client, "/settings/profile")}, headers=boosted)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/login"
    assert not _logged_in(client)
