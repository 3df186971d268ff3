"""Settings → Mail against Dovecot: connecting (each failure next to its field, the password never
echoed), choosing folders, syncing from the page, the last error shown, disconnecting, isolation."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction, MailAccount
from app.services.mail_sync import crypto
from tests.conftest import add_member, make_user, workspace_of
from tests.html import parse
from tests.imap_server import free_port
from tests.mail_sync.conftest import connect, message

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _form(box, **overrides):
    data = {
        "host": box.host,
        "port": str(box.port),
        "security": "plain",
        "username": box.user,
        "password": box.password,
    }
    data.update(overrides)
    return data


def _error(html: str, field: str) -> str:
    element = parse(html).find("small", id=f"{field}-error")
    return element.text if element else ""


def _selected(select) -> list[str]:
    return [o["value"] for o in select.find_all("option") if o.get("selected") is not None]


@pytest.fixture
def mia(client, auth, owner):
    assert auth.login(owner["user"]).status_code == 302
    return client


def test_the_empty_page_says_what_to_do(mia):
    page = mia.get("/settings/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert parse(html).one(id="mail-empty")
    assert 'aria-current="page">Mail<' in html


def test_connect_then_choose_folders_and_sync_from_the_page(mia, owner, mailbox):
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Plans", msgid="<1@g>"))
    mailbox.create("Archive")
    mailbox.create("Sent")

    response = mia.post("/settings/mail", data=_form(mailbox))
    assert response.status_code == 302
    html = mia.get("/settings/mail").get_data(as_text=True)
    assert mailbox.password not in html
    doc = parse(html)
    assert doc.one("input", name="password").get("value") in (None, "")
    inbox = doc.one("select", name="inbox_folder")
    assert {o.get("value") for o in inbox.find_all("option")} == {"Archive", "INBOX", "Sent"}
    assert _selected(inbox) == ["INBOX"]
    assert _selected(doc.one("select", name="sent_folder")) == ["Sent"]
    assert doc.one("input", name="keep_body").get("checked") is None  # off by default

    account = db.session.scalars(select(MailAccount)).one()
    saved = mia.post(
        f"/settings/mail/{account.id}/folders", data={"inbox_folder": "INBOX", "sent_folder": "", "keep_body": "y"}
    )
    assert saved.status_code == 302
    db.session.refresh(account)
    assert (account.inbox_folder, account.sent_folder, account.keep_body) == ("INBOX", None, True)

    synced = mia.post(f"/settings/mail/{account.id}/sync")
    assert synced.status_code == 302 and "/jobs/" in synced.headers["Location"]
    job_page = mia.get(synced.headers["Location"]).get_data(as_text=True)
    assert "Settings → Mail" in job_page
    page = mia.get("/settings/mail").get_data(as_text=True)
    status = parse(page).one(id="mail-status").text
    assert "1 message read" in status and "1 email logged" in status
    assert db.session.scalar(select(func.count(Interaction.id))) == 1


def test_an_unknown_folder_is_refused_next_to_its_field(mia, owner, mailbox):
    account = connect(mia.application, owner["user"], mailbox)
    response = mia.post(f"/settings/mail/{account.id}/folders", data={"inbox_folder": "Nope", "sent_folder": ""})
    assert response.status_code == 422
    assert "Choose one of the server's folders." in _error(response.get_data(as_text=True), "inbox_folder")


def test_a_bad_password_is_shown_next_to_the_password_never_echoed(mia, mailbox):
    response = mia.post("/settings/mail", data=_form(mailbox, password="wrong-secret-42"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "refused this user name and password" in _error(html, "password")
    assert "wrong-secret-42" not in html
    assert db.session.scalar(select(func.count(MailAccount.id))) == 0


def test_a_refused_connection_is_shown_next_to_the_port(mia, mailbox):
    """The host answers but nothing listens on the port: the port is what to fix."""
    response = mia.post("/settings/mail", data=_form(mailbox, port=str(free_port())))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "refused the connection on port" in _error(html, "port")
    assert _error(html, "host") == ""


def test_an_unknown_host_is_shown_next_to_the_host(mia, mailbox):
    response = mia.post("/settings/mail", data=_form(mailbox, host="no-such-host.invalid", security="ssl"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Could not reach the server" in _error(html, "host")
    assert _error(html, "port") == ""


def test_tls_to_a_server_without_it_is_shown_next_to_security(mia, mailbox):
    for security in ("ssl", "starttls"):
        response = mia.post("/settings/mail", data=_form(mailbox, security=security))
        assert response.status_code == 422, security
        assert "secure connection failed" in _error(response.get_data(as_text=True), "security"), security


def test_a_silent_server_is_a_timeout_not_a_hang(mia, mailbox):
    mia.application.config["MAIL_SYNC_TIMEOUT_SECONDS"] = 0.3
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        response = mia.post("/settings/mail", data=_form(mailbox, port=str(silent.getsockname()[1])))
    assert response.status_code == 422
    assert "did not answer in time" in _error(response.get_data(as_text=True), "host")


def test_plain_is_refused_for_a_server_elsewhere(mia, mailbox):
    response = mia.post("/settings/mail", data=_form(mailbox, host="imap.example.com"))
    assert response.status_code == 422
    assert "choose SSL or STARTTLS" in _error(response.get_data(as_text=True), "security")


def test_missing_fields_are_shown_next_to_them(mia):
    response = mia.post("/settings/mail", data={"host": "", "port": "x", "security": "ssl", "username": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _error(html, "host") and _error(html, "username") and _error(html, "password")


def test_saving_again_keeps_the_stored_password(mia, owner, mailbox):
    connect(mia.application, owner["user"], mailbox)
    response = mia.post("/settings/mail", data=_form(mailbox, password=""))
    assert response.status_code == 302
    account = db.session.scalars(select(MailAccount)).one()
    assert (
        crypto.decrypt(crypto.key_from_config(mia.application.config), account.password_encrypted) == mailbox.password
    )


def test_a_failed_sync_is_on_the_page_and_in_the_digest(mia, runner, owner, mailbox, smtp_server):
    account = connect(mia.application, owner["user"], mailbox)
    account.password_encrypted = crypto.encrypt(crypto.key_from_config(mia.application.config), "changed-since")
    db.session.commit()
    mia.post(f"/settings/mail/{account.id}/sync")

    html = mia.get("/settings/mail").get_data(as_text=True)
    assert "refused this user name and password" in parse(html).one(id="mail-error").text
    assert "changed-since" not in html

    result = runner.invoke(args=["reminders", "digest", "--now", "2026-11-24T12:00:00+00:00"])
    assert result.exit_code == 0, result.output
    [mail] = smtp_server.messages
    text = mail.get_body(("plain",)).get_content()
    lines = [line for line in text.splitlines() if "MAIL SYNC" in line]
    assert len(lines) == 1 and mailbox.user in lines[0] and "refused this user name and password" in lines[0]
    assert "changed-since" not in mail.as_string()


def test_disconnect_forgets_the_account(mia, owner, mailbox):
    account = connect(mia.application, owner["user"], mailbox)
    response = mia.post(f"/settings/mail/{account.id}/disconnect")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(MailAccount.id))) == 0
    assert parse(mia.get("/settings/mail").get_data(as_text=True)).one(id="mail-empty")


def test_the_password_is_never_logged(mia, owner, mailbox, caplog):
    caplog.set_level(logging.DEBUG)
    mia.post("/settings/mail", data=_form(mailbox, password="wrong-secret-42"))
    account = connect(mia.application, owner["user"], mailbox)
    mia.post(f"/settings/mail/{account.id}/sync")
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Hi", msgid="<1@g>"))
    mia.post(f"/settings/mail/{account.id}/sync")
    assert caplog.records
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "wrong-secret-42" not in logged and mailbox.password not in logged


@pytest.mark.parametrize("action", ["folders", "sync", "disconnect"])
def test_another_users_or_workspaces_account_answers_404(mia, owner, imap_server, action):
    app = mia.application
    teammate = add_member(workspace_of(owner["user"]), name="Tom Teammate")
    outsider = make_user(name="Olaf Outsider", email="olaf@elsewhere.test")
    for someone in (teammate, outsider):
        account = connect(app, someone, imap_server.add_user())
        response = mia.post(f"/settings/mail/{account.id}/{action}", data={"inbox_folder": "INBOX"})
        assert response.status_code == 404
        assert db.session.get(MailAccount, account.id) is not None
    page = mia.get("/settings/mail").get_data(as_text=True)
    assert parse(page).one(id="mail-empty")  # a teammate's account is not shown either


def test_the_page_runs_the_same_queries_whatever_the_account(mia, owner, mailbox, count_queries):
    def measure():
        with count_queries() as counter:
            assert mia.get("/settings/mail").status_code == 200
        return counter.count

    empty = measure()
    account = connect(mia.application, owner["user"], mailbox)
    connected = measure()
    account.last_error_kind, account.last_error = "auth", "[AUTHENTICATIONFAILED]"
    account.last_error_at = account.created_at
    db.session.commit()
    failing = measure()
    assert empty == connected == failing
