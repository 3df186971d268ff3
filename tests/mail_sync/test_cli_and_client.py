"""`flask mail sync`, the IMAP client's fetch (headers + a snippet, or the whole message), the key."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.services.mail_sync import crypto, imap
from config import ProductionConfig
from tests.conftest import make_user
from tests.mail_sync.conftest import connect, message


def test_the_command_syncs_every_account_or_one(app, runner, owner, mailbox, imap_server):
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Plans", msgid="<1@g>"))
    first = connect(app, owner["user"], mailbox).id
    second = connect(app, make_user(name="Sam"), imap_server.add_user()).id
    db.session.commit()  # the command works in a session of its own

    result = runner.invoke(args=["mail", "sync", "--account", str(first)])
    assert result.exit_code == 0, result.output
    assert f"account {first}: 1 read, 1 logged" in result.output
    assert db.session.scalar(select(func.count(Interaction.id))) == 1

    result = runner.invoke(args=["mail", "sync"])
    assert result.exit_code == 0, result.output
    assert f"account {first}: 0 read, 0 logged" in result.output and f"account {second}:" in result.output
    assert "2 accounts synced, 0 failed." in result.output


def test_the_command_exits_1_when_an_account_failed(app, runner, owner, mailbox):
    account = connect(app, owner["user"], mailbox)
    account.password_encrypted = crypto.encrypt(crypto.key_from_config(app.config), "stale-password")
    db.session.commit()
    result = runner.invoke(args=["mail", "sync"])
    assert result.exit_code == 1
    assert "failed (auth)" in result.output and "stale-password" not in result.output


def test_an_unknown_account_is_a_clear_error(runner, app):
    result = runner.invoke(args=["mail", "sync", "--account", "999"])
    assert result.exit_code == 1 and "No mail account 999." in result.output


def _long_message() -> bytes:
    return message(
        "gina@garden.example", "mia@orchard.test", "Long", msgid="<long@g>", body="x" * 10_000 + "\nTHE END\n"
    )


def test_fetch_reads_headers_and_a_snippet_unless_the_whole_message_is_wanted(mailbox):
    mailbox.append("INBOX", _long_message())
    server = imap.Server(mailbox.host, mailbox.port, "plain", mailbox.user, mailbox.password)
    with imap.connect(server, timeout=5) as connection:
        validity = connection.examine("INBOX")
        [uid] = connection.uids_after(0)
        assert connection.uids_after(uid) == []  # "n:*" answers the last UID; it is not "after"
        [short] = connection.fetch([uid], whole=False)
        [whole] = connection.fetch([uid], whole=True)
    assert validity == mailbox.uidvalidity()
    assert b"Subject: Long" in short.data and b"THE END" not in short.data
    assert len(short.data) < 3000
    assert b"THE END" in whole.data and len(whole.data) > 10_000
    assert short.internal_date is not None and short.internal_date.tzinfo is not None
    assert all(b"\\Seen" not in flags for flags in mailbox.flags())  # BODY.PEEK marks nothing read


def test_a_folder_gone_from_the_server_is_a_folder_error(app, owner, mailbox):
    from tests.mail_sync.conftest import sync

    account = connect(app, owner["user"], mailbox)
    account.sent_folder = "Vanished"
    db.session.commit()
    [result] = sync(app).results
    assert result.error_kind == "folder"


def test_production_stores_no_password_without_its_key(app, client, auth, owner):
    app.config["MAIL_SECRETS_KEY_REQUIRED"] = True
    app.config["MAIL_SECRETS_KEY"] = None
    try:
        auth.login(owner["user"])
        page = client.get("/settings/mail").get_data(as_text=True)
        assert 'id="mail-not-configured"' in page
        response = client.post(
            "/settings/mail",
            data={"host": "127.0.0.1", "port": "143", "security": "plain", "username": "u", "password": "p"},
        )
        assert response.status_code == 422 and "MAIL_SECRETS_KEY" in response.get_data(as_text=True)
        with pytest.raises(crypto.KeyMissing):
            crypto.key_from_config(app.config)
    finally:
        app.config["MAIL_SECRETS_KEY_REQUIRED"] = False


def test_production_refuses_a_key_that_is_not_a_fernet_key():
    with pytest.raises(RuntimeError, match="MAIL_SECRETS_KEY is not a Fernet key"):
        ProductionConfig.validate({"SECRET_KEY": "a-long-random-value-for-the-tests-only", "MAIL_SECRETS_KEY": "short"})
    from cryptography.fernet import Fernet

    ProductionConfig.validate(
        {"SECRET_KEY": "a-long-random-value-for-the-tests-only", "MAIL_SECRETS_KEY": Fernet.generate_key().decode()}
    )


def test_a_changed_key_asks_for_the_password_again(app, owner, mailbox):
    from tests.mail_sync.conftest import sync

    connect(app, owner["user"], mailbox)
    from cryptography.fernet import Fernet

    app.config["MAIL_SECRETS_KEY"] = Fernet.generate_key().decode()
    try:
        [result] = sync(app).results
    finally:
        app.config["MAIL_SECRETS_KEY"] = None
    assert result.error_kind == "key"


def test_the_workers_periodic_run_syncs_in_a_session_of_its_own(app, owner, mailbox):
    from app.jobs import queue
    from app.jobs.mail_sync import sync_now
    from tests.conftest import NOW

    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Plans", msgid="<1@g>"))
    account_id = connect(app, owner["user"], mailbox).id
    db.session.commit()
    run = sync_now(app, clock=lambda: NOW)
    assert [(r.account_id, r.seen, r.logged) for r in run.results] == [(account_id, 1, 1)]
    periodic = {task.__name__ for task in queue(app).huey._registry._periodic_tasks}
    assert "orchard.mail_sync" in periodic


def test_folders_with_non_ascii_names_are_listed_readable(mailbox):
    from app.services.mail_sync import folder_label

    sent = "Отправленные"
    encoded = sent.encode("utf-7").decode("ascii").replace("+", "&").replace("/", ",")
    mailbox.create(encoded)
    server = imap.Server(mailbox.host, mailbox.port, "plain", mailbox.user, mailbox.password)
    with imap.connect(server, timeout=5) as connection:
        names = [name for name, _ in connection.folders()]
    assert encoded in names and sent in [folder_label(n) for n in names]
    assert folder_label("Tom & Jerry") == "Tom & Jerry" and folder_label("A&-B") == "A&B"


def test_the_command_says_one_account_in_the_singular(app, runner, owner, mailbox):
    connect(app, owner["user"], mailbox)
    db.session.commit()
    result = runner.invoke(args=["mail", "sync"])
    assert result.exit_code == 0, result.output
    assert "1 account synced, 0 failed." in result.output
