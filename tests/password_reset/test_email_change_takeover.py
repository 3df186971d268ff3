"""Someone holding the user's session asks to move the account to their own address: whatever the
owner does to secure the account (change the password, log out everywhere else, reset the password)
cancels that change, and the owner can cancel it outright. Opening the link alone (a mail scanner
fetching it) changes nothing: the address changes when the person confirms on the page."""

from __future__ import annotations

from app.extensions import db
from tests.conftest import PASSWORD
from tests.password_reset.helpers import link_in
from tests.password_reset.test_email_change import NEW_EMAIL, _by_recipient, _confirm_link

NEW_PASSWORD = "a brand new password"


def _refused(client, link, user) -> None:
    answer = client.post(link)
    assert answer.status_code == 404 and "has expired or was already used" in answer.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "olga@example.com"


def test_opening_the_link_asks_before_it_changes_anything(app, logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    page = app.test_client().get(link)
    assert page.status_code == 200 and "Confirm" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "olga@example.com"
    assert app.test_client().post(link).status_code == 302
    db.session.refresh(user)
    assert user.email == NEW_EMAIL


def test_a_password_change_cancels_a_pending_change(logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    changed = logged_in.post(
        "/settings/profile",
        data={"form": "password", "pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert "Waiting for" not in logged_in.get("/settings/security").get_data(as_text=True)
    _refused(logged_in, link, user)


def test_logging_out_everywhere_else_cancels_a_pending_change(logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    assert logged_in.post("/settings/security/sessions/end-others").status_code == 302
    _refused(logged_in, link, user)


def test_a_password_reset_cancels_a_pending_change(app, logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    anonymous = app.test_client()
    anonymous.post("/password/forgot", data={"email": user.email})
    reset_link = link_in(smtp_server.messages[-1], "/password/reset/")
    assert anonymous.post(reset_link, data={"password": NEW_PASSWORD}).status_code == 302
    _refused(anonymous, link, user)


def test_the_owner_can_cancel_a_pending_change(logged_in, user, smtp_server):
    link = _confirm_link(logged_in, smtp_server)
    page = logged_in.get("/settings/security").get_data(as_text=True)
    assert "/settings/security/email/cancel" in page
    cancelled = logged_in.post("/settings/security/email/cancel", follow_redirects=True)
    assert "The email change was cancelled" in cancelled.get_data(as_text=True)
    assert "Waiting for" not in cancelled.get_data(as_text=True)
    _refused(logged_in, link, user)


def test_the_notice_to_the_old_address_says_where_to_cancel(logged_in, user, smtp_server):
    _confirm_link(logged_in, smtp_server)
    from tests.password_reset.helpers import body

    notice = body(_by_recipient(smtp_server)["olga@example.com"])
    assert "Settings → Security" in notice and "cancel the change" in notice
