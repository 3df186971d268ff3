"""The reminder digest with hostile names, through a real SMTP server (observed: a workspace name
with CR/LF made `flask reminders digest` raise and exit 1, so every later user got no mail; a profile
name `Eve, extra@evil.example` sent the digest to extra@evil.example)."""

from __future__ import annotations

import logging
from datetime import date

from app.extensions import db
from app.services import digest as digest_service
from tests.conftest import make_user, workspace_of
from tests.reminders.conftest import make_reminder

TUESDAY_MORNING = "2026-11-24T06:00:00+00:00"


def _run(runner):
    return runner.invoke(args=["reminders", "digest", "--now", TUESDAY_MORNING])


def _user_with_a_due_reminder(name, email, workspace_name=None):
    user = make_user(name=name, email=email, workspace_name=workspace_name)
    make_reminder(workspace_of(user), user, title=f"Task of {email}", due_on=date(2026, 11, 24))
    return user


def test_a_name_with_a_comma_and_an_address_gets_mail_only_at_her_own_address(app, runner, smtp_server):
    _user_with_a_due_reminder("Eve, extra@evil.example", "eve@example.com")
    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [["eve@example.com"]]
    (message,) = smtp_server.messages
    (address,) = message["To"].addresses
    assert address.addr_spec == "eve@example.com" and address.display_name == "Eve, extra@evil.example"


def test_a_workspace_name_with_line_breaks_does_not_stop_the_run(app, runner, smtp_server):
    first = _user_with_a_due_reminder("First", "first@example.com")
    workspace_of(first).name = "Evil\r\nBcc: extra@evil.example"  # saved before names were checked
    db.session.commit()
    _user_with_a_due_reminder("Later", "later@example.com")
    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert sorted(rcpt for envelope in smtp_server.envelopes for rcpt in envelope.rcpt_tos) == [
        "first@example.com",
        "later@example.com",
    ]
    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in smtp_server.messages}
    assert "\n" not in subjects["first@example.com"] and "Evil Bcc: extra@evil.example" in subjects["first@example.com"]
    assert all("Bcc" not in m for m in smtp_server.messages)


def test_a_user_name_with_line_breaks_gets_one_clean_message(app, runner, smtp_server):
    user = _user_with_a_due_reminder("Mallory", "mallory@example.com")
    user.name = "Mallory\r\nBcc: extra@evil.example"
    db.session.commit()
    assert _run(runner).exit_code == 0
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [["mallory@example.com"]]
    assert "Bcc" not in smtp_server.messages[0]


def _send_at_seven(session, now, render):
    """Run the digests at 07:00 with `render` through a transport that notes each recipient."""
    sent = []

    class Transport:
        def send(self, msg):
            sent.append(msg["To"].addresses[0].addr_spec)

    outcome = digest_service.send_digests(
        session,
        now.replace(hour=7),
        render=render,
        transport=Transport(),
        mail_from="Orchard <orchard@crm.example.com>",
        commit=session.commit,
    )
    return outcome, sent


def test_one_users_failure_is_logged_counted_and_the_run_goes_on(app, session, smtp_server, caplog, now):
    """Anything going wrong with one user's digest (here: rendering it) is isolated."""
    broken = _user_with_a_due_reminder("Broken", "broken@example.com")
    _user_with_a_due_reminder("Fine", "fine@example.com")

    def render(d):
        if d.user.id == broken.id:
            raise RuntimeError("template exploded")
        return digest_service.Rendered(subject="Digest", text="text", html="<p>html</p>")

    with caplog.at_level(logging.ERROR, logger="app.services.digest"):
        outcome, sent = _send_at_seven(session, now, render)
    assert sent == ["fine@example.com"]
    assert [d.user.email for d in outcome.sent] == ["fine@example.com"]
    assert [(d.user.email, error) for d, error in outcome.failed] == [("broken@example.com", "template exploded")]
    assert "broken@example.com" in caplog.text and "template exploded" in caplog.text


def test_a_database_error_in_one_digest_does_not_stop_the_others(app, session, now):
    """On PostgreSQL a failed statement aborts the transaction: the next user's digest must still go."""
    from sqlalchemy import text

    broken = _user_with_a_due_reminder("Broken", "broken@example.com")
    _user_with_a_due_reminder("Fine", "fine@example.com")

    def render(d):
        if d.user.id == broken.id:
            session.execute(text("SELECT no_such_column FROM digest_log"))
        session.execute(text("SELECT count(*) FROM digest_log"))  # the session still works for the others
        return digest_service.Rendered(subject="Digest", text="text", html="<p>html</p>")

    outcome, sent = _send_at_seven(session, now, render)
    assert sent == ["fine@example.com"]
    assert [d.user.email for d, _error in outcome.failed] == ["broken@example.com"]
