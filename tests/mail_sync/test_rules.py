"""What a sync means for the rest of the app: flags move as with a typed touch; two syncs of one
folder interleaving never log a message twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.services import mail_sync
from app.services.mail_sync import imap
from app.services.neglect.flags import flag_counts
from tests.conftest import NOW
from tests.mail_sync.conftest import TIMEOUT, connect, key, message, sync


def test_a_contact_who_wrote_3_days_ago_unanswered_makes_the_partner_waiting_on_us(app, owner, mailbox):
    workspace_id = owner["user"].current_workspace_id
    before = flag_counts(db.session, workspace_id, NOW)["waiting_on_us"]
    mailbox.append(
        "INBOX",
        message("gina@garden.example", "mia@orchard.test", "Any news?", msgid="<w@g>", date=NOW - timedelta(days=3)),
    )
    connect(app, owner["user"], mailbox)
    sync(app)
    assert flag_counts(db.session, workspace_id, NOW)["waiting_on_us"] == before + 1


def test_a_second_sync_overtaking_the_first_logs_nothing_twice(app, owner, mailbox):
    for n in range(3):
        mailbox.append("INBOX", message("gina@garden.example", "mia@orchard.test", f"N{n}", msgid=f"<{n}@g>"))
    connect(app, owner["user"], mailbox)
    overtaken = []

    class Overtaken(imap.Connection):
        """After this sync listed the new UIDs, another sync of the same account runs to its end."""

        def uids_after(self, last_uid):
            uids = super().uids_after(last_uid)
            if not overtaken:
                overtaken.append(sync(app))
            return uids

    def opener(server, *, timeout):
        plain = imap.connect(server, timeout=timeout)
        return Overtaken(plain.imap, server.password)

    run = mail_sync.sync_accounts(
        db.session, key=key(app), now=NOW, timeout=TIMEOUT, commit=db.session.commit, opener=opener
    )

    assert [r.logged for r in overtaken[0].results] == [3]
    assert [(r.seen, r.logged, r.error_kind) for r in run.results] == [(0, 0, None)]  # it left the folder to the other
    assert db.session.scalar(select(func.count(Interaction.id))) == 3
