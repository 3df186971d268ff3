"""Two teammates importing the same mail at the same instant: each message is logged once."""

from datetime import timedelta
from io import BytesIO

from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction, Job
from app.models.email_log import EmailMessage
from tests.concurrency.helpers import at_once
from tests.mail_import.mail import mbox, message


def test_same_mbox_at_once_from_two_teammates_logs_each_message_once(app, user, workspace, acme, factories, now):
    teammate = factories.member(workspace)
    export = mbox(
        *[
            message(sender="carla@acme.test", to=f"{user.email}, {teammate.email}", when=now - timedelta(days=n + 1))
            for n in range(5)
        ]
    )
    responses = at_once(
        app,
        user,
        ("POST", "/mail/import", {"files": [(BytesIO(export), "mine.mbox")]}),
        ("POST", "/mail/import", {"files": [(BytesIO(export), "theirs.mbox")]}, teammate),
    )
    assert [r.status_code for r in responses] == [302, 302]
    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [j.status for j in jobs] == ["done", "done"]
    assert sum(j.result["logged"] for j in jobs) == 5
    assert sum(j.result["duplicates"] for j in jobs) == 5
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 5
    assert db.session.scalar(select(func.count()).select_from(EmailMessage)) == 5
