"""The user's own addresses in an export: mail sent from an address other than the login (a personal
address, an alias, the connected mailbox's) is "we reached out", on the page and on the command
line; mail between those addresses and the team is internal."""

from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction, MailAccount
from tests.html import parse
from tests.mail_import.mail import mbox, message

pytestmark = pytest.mark.usefixtures("frozen_clock")
ALIAS = "olga.private@gmail.test"


def upload(client, content: bytes, **fields):
    data = {"files": [(BytesIO(content), "export.mbox")], **fields}
    return client.post("/mail/import", data=data, content_type="multipart/form-data")


def export(now) -> bytes:
    return mbox(
        message(sender="Carla <carla@acme.test>", to=ALIAS, subject="Offer", when=now - timedelta(days=3)),
        message(sender=f"Olga <{ALIAS}>", to="carla@acme.test", subject="Re: Offer", when=now - timedelta(days=2)),
        message(sender=ALIAS, to="olga@example.com", subject="Note to self", when=now - timedelta(days=1)),
    )


def directions(partner):
    rows = db.session.scalars(
        select(Interaction).where(Interaction.partner_id == partner.id).order_by(Interaction.occurred_at)
    ).all()
    return [(i.summary, i.direction) for i in rows]


def test_mail_sent_from_an_address_given_on_the_upload_is_ours(logged_in, user, now, acme):
    partner, _ = acme
    response = upload(logged_in, export(now), addresses=f" {ALIAS.upper()} ; other@alias.test")
    assert response.status_code == 302
    assert directions(partner) == [("Offer", "theirs"), ("Re: Offer", "ours")]
    assert db.session.scalar(select(Interaction.id).where(Interaction.summary == "Note to self")) is None


def test_the_connected_mailbox_address_counts_as_the_users_own(logged_in, user, workspace, now, acme):
    partner, _ = acme
    db.session.add(
        MailAccount(
            workspace_id=workspace.id,
            user_id=user.id,
            host="imap.gmail.test",
            port=993,
            security="ssl",
            username=ALIAS,
            password_encrypted="x",
            created_at=now,
        )
    )
    db.session.commit()
    assert upload(logged_in, export(now)).status_code == 302
    assert directions(partner) == [("Offer", "theirs"), ("Re: Offer", "ours")]


def test_an_address_that_is_not_one_is_refused_next_to_its_field(logged_in, now, acme):
    response = upload(logged_in, export(now), addresses="olga at home")
    assert response.status_code == 422
    error = parse(response.get_data(as_text=True)).one(id="addresses-error").text
    assert "olga at home" in error
    assert db.session.scalar(select(Interaction.id)) is None


def test_the_upload_page_offers_the_field_with_the_login_address_named(logged_in, user):
    doc = parse(logged_in.get("/mail/import").get_data(as_text=True))
    assert doc.one("input", name="addresses")
    assert user.email in doc.one(id="addresses-help").text


def test_the_command_takes_the_users_other_addresses(runner, user, workspace, now, acme, tmp_path):
    partner, _ = acme
    path = tmp_path / "export.mbox"
    path.write_bytes(export(now))
    args = ["mail", "import", str(path), "--user", user.email, "--workspace", str(workspace.id), "--address", ALIAS]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert directions(partner) == [("Offer", "theirs"), ("Re: Offer", "ours")]
