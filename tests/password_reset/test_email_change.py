"""Changing the email address: a confirmation link to the new address, a notice to the old one; the
address changes only when the link is opened (once, within 24 hours, if no one took it meanwhile)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import EmailChangeToken
from tests.conftest import PASSWORD, make_user
from tests.password_reset.helpers import body, link_in, mail_server_down

NEW_EMAIL = "olga@new.example"


def _ask(client, new_email=NEW_EMAIL, password=PASSWORD):
    return client.post(
        "/settings/security/email", data={"email-new_email": new_email, "email-current_password": password}
    )


def _by_recipient(smtp_server):
    return {message["To"].addresses[0].addr_spec: message for message in smtp_server.messages}


def _confirm_link(logged_in, smtp_server):
    assert _ask(logged_in).status_code == 302
    return link_in(_by_recipient(smtp_server)[NEW_EMAIL], "/email/confirm/")


def test_change_end_to_end(app, logged_in, user, smtp_server):
    response = _ask(logged_in, new_email="  Olga@NEW.example ")
    assert response.status_code == 302
    page = logged_in.get("/settings/security").get_data(as_text=True)
    assert "We sent a confirmation link to" in page and "Waiting for olga@new.example to be confirmed" in page
    mails = _by_recipient(smtp_server)
    assert set(mails) == {NEW_EMAIL, "olga@example.com"}
    assert mails[NEW_EMAIL]["Subject"] == "Confirm your new Orchard email address"
    notice = body(mails["olga@example.com"])
    assert "change its email address to olga@new.example" in notice and "/email/confirm/" not in notice
    db.session.refresh(user)
    assert user.email == "olga@example.com"  # not before the link is opened
    done = logged_in.post(link_in(mails[NEW_EMAIL], "/email/confirm/"), follow_redirects=True)
    assert "Your email address is now olga@new.example." in done.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == NEW_EMAIL
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": NEW_EMAIL, "password": PASSWORD}).status_code == 302


def test_the_link_works_from_a_logged_out_browser(app, logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    response = app.test_client().post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    db.session.refresh(user)
    assert user.email == NEW_EMAIL


def test_a_wrong_current_password_is_refused(logged_in, user, smtp_server):
    response = _ask(logged_in, password="not my password")
    assert response.status_code == 422
    assert "The current password is not right." in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_an_email_another_account_uses_is_refused(logged_in, other, smtp_server):
    response = _ask(logged_in, new_email="XAVIER@example.com")
    assert response.status_code == 422
    assert "That email address is already used by another account." in response.get_data(as_text=True)
    same = _ask(logged_in, new_email="olga@example.com")
    assert same.status_code == 422 and "That is already your email address." in same.get_data(as_text=True)
    assert smtp_server.messages == []


def test_an_email_taken_meanwhile_is_refused_at_confirmation(logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    make_user(name="Quick Taker", email=NEW_EMAIL)
    response = logged_in.post(link)
    assert response.status_code == 404
    assert "That email address is already used by another account." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "olga@example.com"


def test_a_used_link_does_not_work_again(logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    assert logged_in.post(link).status_code == 302
    again = logged_in.post(link)
    assert again.status_code == 404 and "has expired or was already used" in again.get_data(as_text=True)


def test_a_link_expires_after_24_hours(frozen_clock, logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    frozen_clock.shift(timedelta(hours=24, minutes=1))
    expired = logged_in.get(link)
    assert expired.status_code == 404 and "has expired or was already used" in expired.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "olga@example.com"


def test_a_mail_server_that_is_down_gives_a_clear_message_and_nothing_is_kept(app, logged_in, user, smtp_server):
    mail_server_down(app)
    response = _ask(logged_in)
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "We could not send the email just now" in text and NEW_EMAIL in text  # the typed address is kept
    assert db.session.scalar(select(func.count(EmailChangeToken.id))) == 0


def test_a_bad_address_is_refused_next_to_the_field(logged_in, smtp_server):
    response = _ask(logged_in, new_email="not an address")
    assert response.status_code == 422 and "Invalid email address." in response.get_data(as_text=True)
