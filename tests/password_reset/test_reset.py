"""Password reset by email, end to end with a real SMTP server: the same answer for unknown emails, a
hashed single-use one-hour link, every session ended after the reset, a clear message when mail is down."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import PasswordResetToken
from tests.conftest import PASSWORD
from tests.html import parse
from tests.password_reset.helpers import body, link_in, mail_server_down

NEW = "a fresh new password"


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email})


def _reset_link(client, smtp_server, user):
    assert _ask(client, user.email).status_code == 200
    (message,) = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == user.email
    return link_in(message, "/password/reset/")


def _logged_in(client) -> bool:
    return client.get("/partners/").status_code == 200


def test_the_login_page_links_to_the_reset(client):
    page = parse(client.get("/login").get_data(as_text=True))
    assert page.one("a", href="/password/forgot").text == "Forgot your password?"
    assert "Give the email address you log in with" in client.get("/password/forgot").get_data(as_text=True)


def test_reset_end_to_end_ends_every_session(app, client, user, smtp_server, frozen_clock):
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        assert (
            device.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}).status_code == 302
        )
    answer = _ask(client, user.email)
    assert "If an account uses olga@example.com, we sent it a link" in answer.get_data(as_text=True)
    (message,) = smtp_server.messages
    assert message["Subject"] == "Reset your Orchard password"
    assert "within one hour" in body(message)
    link = link_in(message, "/password/reset/")
    form = client.get(link)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    done = client.post(link, data={"password": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert "every session was logged out" in client.get("/login").get_data(as_text=True)
    assert not _logged_in(laptop) and not _logged_in(phone)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 422
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, user, smtp_server):
    known = _ask(client, user.email).get_data(as_text=True).replace(user.email, "EMAIL")
    unknown = _ask(client, "nobody@example.com").get_data(as_text=True).replace("nobody@example.com", "EMAIL")
    assert known == unknown
    assert len(smtp_server.messages) == 1  # the known one's
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 1


def test_only_the_tokens_hash_is_stored(client, user, smtp_server):
    token = _reset_link(client, smtp_server, user).rsplit("/", 1)[1]
    (row,) = db.session.scalars(select(PasswordResetToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash


def test_a_used_link_does_not_work_again(client, user, smtp_server):
    link = _reset_link(client, smtp_server, user)
    assert client.post(link, data={"password": NEW}).status_code == 302
    again = client.post(link, data={"password": "another new password"})
    assert again.status_code == 404
    assert "has expired or was already used" in again.get_data(as_text=True)
    assert client.get(link).status_code == 404
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_a_link_expires_after_an_hour(client, user, smtp_server, frozen_clock):
    link = _reset_link(client, smtp_server, user)
    frozen_clock.shift(timedelta(minutes=59))
    assert client.get(link).status_code == 200
    frozen_clock.shift(timedelta(minutes=2))
    expired = client.post(link, data={"password": NEW})
    assert expired.status_code == 404 and "has expired or was already used" in expired.get_data(as_text=True)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_made_up_token_is_refused(client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 404 and "Ask again" in response.get_data(as_text=True)


def test_a_short_password_is_refused_next_to_the_field_and_the_link_still_works(app, client, user, smtp_server):
    link = _reset_link(client, smtp_server, user)
    short = client.post(link, data={"password": "short"})
    assert short.status_code == 422
    assert f"Use at least {app.config['PASSWORD_MIN_LENGTH']} characters." in short.get_data(as_text=True)
    assert client.post(link, data={"password": NEW}).status_code == 302


def test_a_bad_email_is_refused_next_to_the_field(client, smtp_server):
    response = _ask(client, "not an email")
    assert response.status_code == 422 and "Invalid email address." in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_a_mail_server_that_is_down_gives_a_clear_message(app, client, user, smtp_server):
    mail_server_down(app)
    for email in (user.email, "nobody@example.com"):  # the same answer for both
        response = _ask(client, email)
        assert response.status_code == 503
        text = response.get_data(as_text=True)
        assert "We could not send the email just now" in text and "try again in a few minutes" in text
        assert parse(text).one("input", name="email")["value"] == email  # what was typed is kept
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 0
