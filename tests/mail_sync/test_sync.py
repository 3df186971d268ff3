"""The sync against Dovecot: first sync, nothing new, a new message, UIDVALIDITY, errors."""

from __future__ import annotations

import io
import socket
import zipfile

from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction, MailAccount, MailFolderState
from tests.backup.helpers import backup_bytes
from tests.imap_server import free_port
from tests.mail_sync.conftest import connect, message, sync


def _emails(partner_id=None):
    stmt = select(func.count(Interaction.id)).where(Interaction.kind == "email")
    if partner_id is not None:
        stmt = stmt.where(Interaction.partner_id == partner_id)
    return db.session.scalar(stmt)


def _fill(box):
    box.append("INBOX", message("Gina Garden <gina@garden.example>", "mia@orchard.test", "Plans", msgid="<1@g>"))
    box.append("INBOX", message("news@shop.example", "mia@orchard.test", "Sale!", msgid="<2@s>"))
    box.create("Sent")
    box.append("Sent", message("mia@orchard.test", "GINA@garden.example", "Re: Plans", msgid="<3@o>"))


def test_first_sync_logs_the_emails_of_contacts(app, owner, mailbox):
    _fill(mailbox)
    account = connect(app, owner["user"], mailbox)
    assert (account.inbox_folder, account.sent_folder) == ("INBOX", "Sent")

    run = sync(app)

    assert [(r.seen, r.logged, r.error_kind) for r in run.results] == [(3, 2, None)]
    rows = db.session.scalars(select(Interaction).order_by(Interaction.id)).all()
    assert [(i.partner_id, i.direction, i.summary) for i in rows] == [
        (owner["partner"].id, "theirs", "Plans"),
        (owner["partner"].id, "ours", "Re: Plans"),
    ]
    db.session.refresh(account)
    assert (account.last_seen, account.last_logged, account.total_logged, account.last_error) == (3, 2, 2, None)
    # read-only: the sync never marked anything read
    assert all(b"\\Seen" not in flags for flags in mailbox.flags("INBOX"))


def test_second_sync_fetches_nothing_new_and_a_new_message_only_it(app, owner, mailbox):
    _fill(mailbox)
    connect(app, owner["user"], mailbox)
    sync(app)

    again = sync(app)
    assert [(r.seen, r.logged) for r in again.results] == [(0, 0)]
    assert _emails() == 2

    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "One more", msgid="<4@g>"))
    third = sync(app)
    assert [(r.seen, r.logged) for r in third.results] == [(1, 1)]
    assert db.session.scalars(select(Interaction.summary).order_by(Interaction.id.desc())).first() == "One more"


def test_batches_keep_every_message(app, owner, mailbox):
    for n in range(7):
        mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", f"Note {n}", msgid=f"<n{n}@g>"))
    connect(app, owner["user"], mailbox)
    run = sync(app, batch_size=3)
    assert [(r.seen, r.logged) for r in run.results] == [(7, 7)]
    state = db.session.scalars(select(MailFolderState).where(MailFolderState.folder == "INBOX")).one()
    assert state.last_uid == 7


def test_a_uidvalidity_change_starts_the_folder_over(app, owner, mailbox):
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "First", msgid="<1@g>"))
    connect(app, owner["user"], mailbox)
    sync(app)
    state = db.session.scalars(select(MailFolderState)).one()
    old = state.uidvalidity

    new = mailbox.change_uidvalidity("INBOX")
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Second", msgid="<2@g>"))
    run = sync(app)

    db.session.refresh(state)
    assert state.uidvalidity == new != old
    assert state.last_uid >= 2
    # the folder was read again from its start: both messages were handed to the log again
    assert [r.seen for r in run.results] == [2]
    assert "Second" in db.session.scalars(select(Interaction.summary)).all()


def test_a_bad_password_is_recorded_and_the_other_accounts_still_sync(app, owner, mailbox, imap_server):
    from app.services.mail_sync import crypto
    from tests.conftest import make_user

    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Hi", msgid="<1@g>"))
    broken = connect(app, owner["user"], mailbox)
    # the password was changed on the server since
    broken.password_encrypted = crypto.encrypt(crypto.key_from_config(app.config), "not-the-password")
    db.session.commit()
    second = make_user(name="Sam Second", email="sam@orchard.test")
    other_box = imap_server.add_user()
    other_box.append("INBOX", message("someone@else.example", "sam@orchard.test", "Hello", msgid="<s@e>"))
    connect(app, second, other_box)

    run = sync(app)

    assert [(r.error_kind, r.logged) for r in run.results] == [("auth", 0), (None, 0)]
    assert [r.seen for r in run.results] == [0, 1]  # the second account was read all the same
    db.session.refresh(broken)
    assert broken.last_error_kind == "auth" and "not-the-password" not in (broken.last_error or "")


def test_server_gone_is_an_unreachable_error(app, owner, mailbox):
    account = connect(app, owner["user"], mailbox)
    account.port = free_port()  # nothing listens there any more
    db.session.commit()
    run = sync(app)
    assert [r.error_kind for r in run.results] == ["unreachable"]
    db.session.refresh(account)
    assert account.last_error_kind == "unreachable" and account.last_error_at is not None


def test_a_silent_server_times_out(app, owner, mailbox):
    from app.services import mail_sync

    account = connect(app, owner["user"], mailbox)
    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        account.port = silent.getsockname()[1]
        db.session.commit()
        run = mail_sync.sync_accounts(
            db.session,
            key=mail_sync.key_from_config(app.config),
            now=account.created_at,
            timeout=0.3,
            commit=db.session.commit,
        )
    assert [r.error_kind for r in run.results] == ["timeout"]


def test_the_password_is_encrypted_at_rest(app, owner, mailbox):
    account = connect(app, owner["user"], mailbox)
    stored = db.session.execute(select(MailAccount.password_encrypted).where(MailAccount.id == account.id)).scalar()
    assert mailbox.password not in stored and stored.startswith("gAAAA")


def test_mail_from_the_mailbox_s_own_address_is_ours(app, owner, mailbox):
    """The connected mailbox's address need not be the Orchard login: what it sent (in the Sent
    folder, or copied to the inbox) is "we reached out", never "they reached out"."""
    assert "@" in mailbox.user and mailbox.user != owner["user"].email
    mailbox.create("Sent")
    mailbox.append("Sent", message(mailbox.user, "gina@garden.example", "IMAP: sent to Gina", msgid="<s1@o>"))
    mailbox.append("INBOX", message(mailbox.user.upper(), "gina@garden.example", "A copy to myself", msgid="<s2@o>"))
    mailbox.append(
        "Sent", message("Me <other-alias@mine.example>", "gina@garden.example", "From an alias", msgid="<s3@o>")
    )
    connect(app, owner["user"], mailbox)
    sync(app)
    rows = db.session.execute(select(Interaction.summary, Interaction.direction).order_by(Interaction.id)).all()
    assert sorted(rows) == [("A copy to myself", "ours"), ("From an alias", "ours"), ("IMAP: sent to Gina", "ours")]


def test_what_an_import_logged_the_sync_does_not_log_again(app, owner, mailbox):
    """The same message imported from a mail export, then fetched from the mailbox: one touch."""
    from app.services.mail_log import RawMessage, record_messages
    from tests.mail_sync.conftest import NOW

    plans = message("Gina Garden <gina@garden.example>", "mia@orchard.test", "Plans", msgid="<plans@g>")
    imported = record_messages(
        db.session,
        workspace_id=owner["partner"].workspace_id,
        user_id=owner["user"].id,
        messages=[RawMessage(plans)],
        now=NOW,
    )
    db.session.commit()
    assert imported.logged == 1
    mailbox.append("INBOX", plans)
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Later", msgid="<later@g>"))
    connect(app, owner["user"], mailbox)
    run = sync(app)
    assert [(r.seen, r.logged) for r in run.results] == [(2, 1)]
    assert _emails(owner["partner"].id) == 2


def test_the_backup_holds_neither_the_password_nor_its_encrypted_form(app, owner, mailbox):
    mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", "Hi", msgid="<1@g>"))
    account = connect(app, owner["user"], mailbox)
    sync(app)
    token = account.password_encrypted

    data = backup_bytes(db.session, owner["user"].current_workspace_id)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = b"".join(archive.read(name) for name in archive.namelist())
        assert not any("mail_account" in name or "folder_state" in name for name in archive.namelist())
    assert b"Hi" in contents  # the logged email is there
    assert mailbox.password.encode() not in contents and token.encode() not in contents
