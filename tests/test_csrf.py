"""With CSRF protection on (as in production), unsafe requests need the token: in the form field for
plain forms, or in the X-CSRFToken header that htmx sends from <body hx-headers>."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Contact, Partner
from tests.conftest import HX, PASSWORD, app_on_empty_database, make_partner, make_user, workspace_of
from tests.html import parse


@pytest.fixture
def csrf_app(tmp_path):
    with app_on_empty_database(tmp_path, "csrf", WTF_CSRF_ENABLED=True) as app:
        yield app


def _token(page_html: str) -> str:
    """The token a plain form posts: its hidden csrf_token field."""
    return parse(page_html).find("input", name="csrf_token", type="hidden")["value"]


def _header_token(page_html: str) -> str:
    """The token htmx sends: the X-CSRFToken header in <body hx-headers>."""
    return json.loads(parse(page_html).one("body")["hx-headers"])["X-CSRFToken"]


@pytest.fixture
def setup(csrf_app):
    user = make_user(name="Csrf Owner", email="csrf@example.com")
    partner = make_partner(workspace_of(user), name="Guarded")
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(login_page)})
    assert response.status_code == 302
    page = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    return client, partner, page


def _contacts():
    return _db.session.scalar(select(func.count(Contact.id)))


def test_login_without_token_is_refused(csrf_app):
    make_user(email="plain@example.com")
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "plain@example.com", "password": PASSWORD})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Form expired" in text and "security token" in text
    assert client.get("/partners/").status_code == 302  # not logged in


def test_form_post_without_token_is_refused(setup):
    client, partner, _ = setup
    response = client.post(f"/partners/{partner.id}/archive")
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    _db.session.refresh(partner)
    assert partner.archived_at is None


def test_htmx_post_without_token_is_refused(setup):
    client, partner, _ = setup
    response = client.post(f"/partners/{partner.id}/contacts", data={"name": "No Token"}, headers=HX)
    assert response.status_code == 400
    assert _contacts() == 0


def test_wrong_token_is_refused(setup):
    client, partner, _ = setup
    response = client.post(
        f"/partners/{partner.id}/contacts",
        data={"name": "Forged"},
        headers={**HX, "X-CSRFToken": "forged-token"},
    )
    assert response.status_code == 400
    assert _contacts() == 0


def test_htmx_post_with_header_token_succeeds(setup):
    client, partner, page = setup
    token = _header_token(page)
    response = client.post(
        f"/partners/{partner.id}/contacts",
        data={"name": "With Header"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "With Header added." in response.get_data(as_text=True)
    assert _contacts() == 1


def test_form_post_with_field_token_succeeds(setup):
    client, partner, page = setup
    response = client.post(f"/partners/{partner.id}/archive", data={"csrf_token": _token(page)})
    assert response.status_code == 302
    _db.session.refresh(partner)
    assert partner.archived_at is not None


def test_logout_needs_token(setup):
    client, _, page = setup
    assert client.post("/logout").status_code == 400
    assert client.get("/partners/").status_code == 200
    assert client.post("/logout", data={"csrf_token": _token(page)}).status_code == 302
    assert client.get("/partners/").status_code == 302


def test_safe_methods_need_no_token(setup):
    client, partner, _ = setup
    assert client.get(f"/partners/{partner.id}").status_code == 200
    assert client.get("/partners/?q=guard", headers=HX).status_code == 200
    assert _db.session.scalar(select(func.count(Partner.id))) == 1


def test_account_security_forms_need_the_token(setup):
    """Settings → Security (end a session, log out everywhere else, change the email address) and the
    password reset pages refuse a post without the token, and change nothing."""
    from app.models import EmailChangeToken, PasswordResetToken, UserSession
    from app.services import password_reset
    from tests.conftest import NOW

    client, _, _page = setup
    security = client.get("/settings/security").get_data(as_text=True)
    end_url = parse(security).find("tr", data_session_id=True).find("form")["action"]
    anonymous = client.application.test_client()
    _user, token = password_reset.request_reset(_db.session, "csrf@example.com", NOW + timedelta(days=3650))
    _db.session.commit()
    reset_url = f"/password/reset/{token}"
    for poster, url, data in (
        (client, end_url, {}),
        (client, "/settings/security/sessions/end-others", {}),
        (client, "/settings/security/email/cancel", {}),
        (
            client,
            "/settings/security/email",
            {"email-new_email": "new@example.com", "email-current_password": PASSWORD},
        ),
        (anonymous, "/password/forgot", {"email": "csrf@example.com"}),
        (anonymous, reset_url, {"password": "a new password here"}),
    ):
        response = poster.post(url, data=data)
        assert response.status_code == 400, url
        assert "Form expired" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(UserSession.id)).where(UserSession.revoked_at.is_(None))) == 1
    assert _db.session.scalar(select(func.count(EmailChangeToken.id))) == 0
    assert (
        _db.session.scalar(select(func.count(PasswordResetToken.id)).where(PasswordResetToken.used_at.is_(None))) == 1
    )
    assert client.get("/partners/").status_code == 200
    # with its token, the reset form goes through
    page = anonymous.get(reset_url).get_data(as_text=True)
    assert (
        anonymous.post(reset_url, data={"password": "a new password here", "csrf_token": _token(page)}).status_code
        == 302
    )


@pytest.mark.parametrize(
    "url",
    [
        "/settings/two-factor/start",
        "/settings/two-factor/cancel",
        "/settings/two-factor/confirm",
        "/settings/two-factor/recovery-codes/regenerate",
        "/settings/two-factor/disable",
        "/settings/two-factor/requirement",
    ],
)
def test_two_factor_forms_need_the_token(setup, url):
    client, _, _ = setup
    response = client.post(url, data={"code": "123456", "require_two_factor": "y"})
    assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)


def test_the_login_code_step_needs_the_token(csrf_app, frozen_clock, now):
    from app.services import two_factor
    from tests.two_factor.conftest import enrol

    user = make_user(email="csrf-2fa@example.com")
    enrolled = enrol(user, now)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(login_page)})
    code = enrolled.code(now)
    assert client.post("/login/code", data={"code": code}).status_code == 400
    code_page = client.get("/login/code").get_data(as_text=True)
    response = client.post("/login/code", data={"code": code, "csrf_token": _token(code_page)})
    assert response.status_code == 302 and two_factor.recovery_codes_left(_db.session, user) == 10
    assert client.get("/partners/").status_code == 200


def test_mail_import_forms_need_the_token(setup, tmp_path):
    """Import email history, the suggestions, "not a touch" and the ignore list refuse a post
    without the token and change nothing; with it they go through."""
    from io import BytesIO

    from app.models import Job
    from app.models.email_log import MailIgnoreRule

    client, _partner, _page = setup
    client.application.config["MAIL_IMPORT_DIR"] = str(tmp_path / "mail")
    export = b"From x Tue Nov 17 10:00:00 2026\nFrom: a@b.test\nTo: c@d.test\n\nHi\n"
    for url, data in (
        ("/mail/import", {"files": [(BytesIO(export), "export.mbox")]}),
        ("/mail/ignore", {"pattern": "news@shop.test"}),
        ("/mail/ignore/1/delete", {}),
        ("/mail/suggestions/1/add", {}),
        ("/mail/suggestions/1/dismiss", {}),
        ("/mail/interactions/1/not-a-touch", {}),
        ("/mail/threads/1/count-again", {}),
    ):
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 400, url
        assert "Form expired" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(Job.id))) == 0
    assert _db.session.scalar(select(func.count(MailIgnoreRule.id))) == 0
    page = client.get("/mail/ignore").get_data(as_text=True)
    added = client.post("/mail/ignore", data={"pattern": "news@shop.test", "csrf_token": _token(page)})
    assert added.status_code == 302
    upload_page = client.get("/mail/import").get_data(as_text=True)
    uploaded = client.post(
        "/mail/import",
        data={"files": [(BytesIO(export), "export.mbox")], "csrf_token": _token(upload_page)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    assert _db.session.scalar(select(func.count(Job.id))) == 1


def test_mail_settings_forms_need_the_token(setup):
    """Settings → Mail: connect, folders, sync now and disconnect are refused without the token."""
    from app.models import MailAccount
    from app.services.mail_sync import crypto

    client, partner, _ = setup
    account = MailAccount(
        workspace_id=partner.workspace_id,
        user_id=_owner_id(partner),
        host="127.0.0.1",
        port=9,
        security="plain",
        username="me",
        password_encrypted=crypto.encrypt(crypto.derived_key(client.application.config["SECRET_KEY"]), "pw"),
        folders='["INBOX", "Sent"]',
        inbox_folder="INBOX",
    )
    _db.session.add(account)
    _db.session.commit()
    connect = {"host": "127.0.0.1", "port": "9", "security": "plain", "username": "me", "password": "pw"}
    assert client.post("/settings/mail", data=connect).status_code == 400
    folders = {"inbox_folder": "Sent", "sent_folder": ""}
    for action, data in (("folders", folders), ("sync", {}), ("disconnect", {})):
        assert client.post(f"/settings/mail/{account.id}/{action}", data=data).status_code == 400, action
    _db.session.refresh(account)
    assert account.inbox_folder == "INBOX" and account.last_sync_at is None
    page = client.get("/settings/mail").get_data(as_text=True)
    tokens = parse(page).find_all("input", name="csrf_token")
    assert tokens and all(t["value"] for t in tokens)
    response = client.post(f"/settings/mail/{account.id}/folders", data={**folders, "csrf_token": _token(page)})
    assert response.status_code == 302
    _db.session.refresh(account)
    assert account.inbox_folder == "Sent"


def _owner_id(partner) -> int:
    from app.models import Membership

    return _db.session.scalars(select(Membership.user_id).where(Membership.workspace_id == partner.workspace_id)).one()


def test_trash_forms_need_the_token(setup, now):
    """Settings → Trash: Restore and Empty trash are refused without the token; with it, they work
    (the Trash page's form carries it, htmx sends the header)."""
    from app.models import TrashEntry
    from app.services import contacts as contact_service

    client, partner, _ = setup
    contact = Contact(workspace_id=partner.workspace_id, partner_id=partner.id, name="Trashed")
    _db.session.add(contact)
    _db.session.flush()
    contact_service.remove_contact(contact, now)
    _db.session.commit()
    entry_id = _db.session.scalar(select(TrashEntry.id))
    assert client.post(f"/settings/trash/{entry_id}/restore", headers=HX).status_code == 400
    assert client.post(f"/settings/trash/{entry_id}/restore").status_code == 400
    assert client.post("/settings/trash/empty").status_code == 400
    _db.session.expire_all()
    assert _db.session.get(Contact, contact.id).removed_at is not None
    page = client.get("/settings/trash").get_data(as_text=True)
    response = client.post(f"/settings/trash/{entry_id}/restore", data={"csrf_token": _token(page), "from": "trash"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Contact, contact.id).removed_at is None
