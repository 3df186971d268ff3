"""The session rows behind the cookies: a password change ends the other ones, last seen is written at
most every few minutes, the device is read from the user agent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import UserSession
from app.services.sessions import device_summary
from tests.conftest import PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)


def _login(client, user, agent=FIREFOX, password=PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password}, headers={"User-Agent": agent})
    assert response.status_code == 302
    return client


def _rows(user):
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)))


def test_changing_the_password_ends_every_other_session(app, user):
    laptop, phone = _login(app.test_client(), user), _login(app.test_client(), user, IPHONE)
    response = laptop.post(
        "/settings/profile",
        data={"form": "password", "pw-current_password": PASSWORD, "pw-new_password": "a brand new secret"},
    )
    assert response.status_code == 302
    assert "Other sessions were logged out" in laptop.get("/settings/profile").get_data(as_text=True)
    assert phone.get("/partners/").status_code == 302  # sent to the login page
    assert laptop.get("/partners/").status_code == 200
    live = [row for row in _rows(user) if row.revoked_at is None]
    assert len(live) == 1


def test_a_wrong_current_password_ends_nothing(app, user):
    laptop, phone = _login(app.test_client(), user), _login(app.test_client(), user, IPHONE)
    response = laptop.post(
        "/settings/profile",
        data={"form": "password", "pw-current_password": "not my password", "pw-new_password": "a brand new secret"},
    )
    assert response.status_code == 422
    assert "The current password is not right." in response.get_data(as_text=True)
    assert phone.get("/partners/").status_code == 200


def test_last_seen_is_written_at_most_every_five_minutes(client, user, frozen_clock, now, count_queries):
    _login(client, user)
    (row,) = _rows(user)
    assert row.last_seen_at == now and row.expires_at == now + timedelta(days=90)  # not remembered
    frozen_clock.shift(timedelta(minutes=4))
    with count_queries() as quiet:
        client.get("/partners/")
    assert _rows(user)[0].last_seen_at == now
    frozen_clock.shift(timedelta(minutes=2))
    with count_queries() as touched:
        client.get("/partners/")
    assert _rows(user)[0].last_seen_at == now + timedelta(minutes=6)
    assert touched.count == quiet.count + 1  # one conditional UPDATE, no more


def test_the_device_is_read_from_the_user_agent():
    assert device_summary(FIREFOX) == "Firefox · Windows"
    assert device_summary(IPHONE) == "Safari · iPhone"
    assert device_summary("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36") == (
        "Chrome · Linux"
    )
    assert device_summary("curl/8.5.0") == "curl"
    assert device_summary("") == ""
