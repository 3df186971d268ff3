"""`flask reminders digest`: mails received by a real SMTP server (aiosmtpd on 127.0.0.1), their
content, idempotence, preferences and failures."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import DigestLog
from app.services import digest as digest_service
from tests.reminders.conftest import make_reminder

# Tuesday 24 November 2026, 06:00 UTC (07:00 in Berlin)
TUESDAY_MORNING = "2026-11-24T06:00:00+00:00"
MONDAY_MORNING = "2026-11-30T06:00:00+00:00"


def _run(runner, *args, exit_code=0):
    result = runner.invoke(args=["reminders", "digest", *args])
    assert result.exit_code == exit_code, (result.exception, result.output)
    return result


def _setup(workspace, user, factories):
    user.timezone = "Europe/Berlin"
    db.session.commit()
    acme = factories.partner(workspace, name="Acme Dental", owner_id=user.id)
    make_reminder(workspace, user, title="Send the proposal", due_on=date(2026, 11, 20), partner=acme)  # overdue
    make_reminder(workspace, user, title="Call Anna back", due_on=date(2026, 11, 24))  # today
    make_reminder(workspace, user, title="Quarterly review", due_on=date(2026, 11, 27))  # this week
    make_reminder(
        workspace,
        user,
        title="Already done",
        due_on=date(2026, 11, 23),
        completed_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    teammate = factories.member(workspace, name="Sam Teammate")
    make_reminder(workspace, teammate, title="Sam's own task", due_on=date(2026, 11, 24))
    # A tier-B partner (cadence 30) owned by the user, never touched and added 45 days ago: neglected
    factories.partner(
        workspace,
        name="Forgotten Bakery",
        owner_id=user.id,
        status="active",
        created_at=datetime(2026, 10, 10, tzinfo=UTC),
    )
    return acme, teammate


def _by_recipient(mailbox):
    return {m["To"].addresses[0].addr_spec: m for m in mailbox.messages}


def test_daily_digest_content(app, runner, smtp_server, workspace, user, factories):
    acme, teammate = _setup(workspace, user, factories)
    result = _run(runner, "--now", TUESDAY_MORNING)
    assert "2 sent" in result.output, result.output

    mails = _by_recipient(smtp_server)
    assert set(mails) == {user.email, teammate.email}
    mail = mails[user.email]
    assert mail["From"] == "Orchard <orchard@crm.example.com>"
    assert workspace.name in mail["Subject"] and "2 due, 1 overdue" in mail["Subject"]
    assert mail.is_multipart()
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Send the proposal" in body and "Acme Dental" in body
        assert "Call Anna back" in body
        assert "Quarterly review" not in body  # daily: only overdue and today
        assert "Already done" not in body and "Sam's own task" not in body
        assert "Forgotten Bakery" in body  # the neglected partner
        assert "https://crm.example.com/settings/calendar" in body
        # days are written as everywhere else in Orchard (the medium format), not a long form of its own
        assert "Nov 24, 2026" in body and "Nov 20, 2026" in body and "Tuesday" not in body
    assert (
        text.index("OVERDUE") < text.index("Send the proposal") < text.index("DUE TODAY") < text.index("Call Anna back")
    )
    assert "https://crm.example.com/reminders/" in text
    assert "<li" in html and "&lt;" not in html.split("<body", 1)[1][:50]
    assert "Sam's own task" in _by_recipient(smtp_server)[teammate.email].get_body(("plain",)).get_content()


def test_running_twice_the_same_day_sends_nothing_new(app, runner, smtp_server, workspace, user, factories):
    _setup(workspace, user, factories)
    _run(runner, "--now", TUESDAY_MORNING)
    assert len(smtp_server.messages) == 2
    result = _run(runner, "--now", "2026-11-24T18:30:00+00:00")  # same local day in Berlin
    assert len(smtp_server.messages) == 2
    assert "0 sent, 2 already sent today" in result.output
    assert db.session.scalar(select(func.count(DigestLog.id))) == 2
    # the next day it goes out again
    _run(runner, "--now", "2026-11-25T06:00:00+00:00")
    assert len(smtp_server.messages) == 4


def test_the_day_is_the_users_local_day(app, runner, smtp_server, workspace, user, factories):
    _setup(workspace, user, factories)
    _run(runner, "--now", "2026-11-24T22:30:00+00:00", "--user", str(user.id))  # 23:30 on the 24th in Berlin
    result = _run(runner, "--now", "2026-11-24T23:30:00+00:00", "--user", str(user.id))  # 00:30 on the 25th
    assert len(smtp_server.messages) == 1 and "1 not scheduled" in result.output  # not before 06:00 local
    _run(runner, "--now", "2026-11-25T04:59:00+00:00", "--user", str(user.id))  # 05:59 in Berlin
    assert len(smtp_server.messages) == 1
    _run(runner, "--now", "2026-11-25T05:00:00+00:00", "--user", str(user.id))  # 06:00 in Berlin
    assert len(smtp_server.messages) == 2
    assert db.session.scalars(select(DigestLog.sent_on).order_by(DigestLog.sent_on)).all() == [
        date(2026, 11, 24),
        date(2026, 11, 25),
    ]


def test_weekly_goes_out_on_mondays_with_the_coming_week(app, runner, smtp_server, workspace, user, factories, now):
    _setup(workspace, user, factories)
    digest_service.set_frequency(db.session, user.id, "weekly", now)
    db.session.commit()
    _run(runner, "--now", TUESDAY_MORNING, "--user", str(user.id))
    assert smtp_server.messages == []
    make_reminder(workspace, user, title="Due next Thursday", due_on=date(2026, 12, 3))
    make_reminder(workspace, user, title="Too far out", due_on=date(2026, 12, 10))
    _run(runner, "--now", MONDAY_MORNING, "--user", str(user.id))
    assert len(smtp_server.messages) == 1
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "LATER THIS WEEK" in text and "Due next Thursday" in text and "Too far out" not in text
    assert "Quarterly review" in text  # 27 Nov is overdue by then
    assert "every Monday" in text


def test_off_sends_nothing(app, runner, smtp_server, workspace, user, factories, now):
    _setup(workspace, user, factories)
    digest_service.set_frequency(db.session, user.id, "off", now)
    db.session.commit()
    result = _run(runner, "--now", TUESDAY_MORNING, "--user", str(user.id))
    assert smtp_server.messages == [] and "1 not scheduled now" in result.output


def test_nothing_to_report_sends_no_mail(app, runner, smtp_server, workspace, user):
    result = _run(runner, "--now", TUESDAY_MORNING)
    assert smtp_server.messages == []
    assert "1 with nothing to report" in result.output
    assert db.session.scalar(select(func.count(DigestLog.id))) == 0


def test_one_mail_per_workspace_the_user_belongs_to(app, runner, smtp_server, workspace, user, factories):
    from app.models import Membership

    owner = factories.user(name="Other Owner")
    shared = factories.workspace_of(owner)
    db.session.add(Membership(workspace_id=shared.id, user_id=user.id, role="member"))
    db.session.commit()
    make_reminder(workspace, user, title="Mine here", due_on=date(2026, 11, 24))
    make_reminder(shared, user, title="Mine there", due_on=date(2026, 11, 24))
    _run(runner, "--now", TUESDAY_MORNING, "--user", str(user.id))
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert len(subjects) == 2 and any(shared.name in s for s in subjects) and any(workspace.name in s for s in subjects)
    bodies = " ".join(m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    assert bodies.count("Mine here") == 1 and bodies.count("Mine there") == 1


def test_a_rejected_mail_is_not_logged_and_is_retried(app, runner, smtp_server, workspace, user):
    make_reminder(workspace, user, title="Retry me", due_on=date(2026, 11, 24))
    smtp_server.reject = True
    result = _run(runner, "--now", TUESDAY_MORNING, exit_code=1)
    assert "failed" in result.output
    assert db.session.scalar(select(func.count(DigestLog.id))) == 0
    smtp_server.reject = False
    _run(runner, "--now", TUESDAY_MORNING)
    assert len(smtp_server.messages) == 1
    assert db.session.scalar(select(func.count(DigestLog.id))) == 1


def test_dry_run_sends_and_records_nothing(app, runner, smtp_server, workspace, user):
    make_reminder(workspace, user, title="Dry", due_on=date(2026, 11, 24))
    result = _run(runner, "--now", TUESDAY_MORNING, "--dry-run")
    assert f"would send: {user.email}" in result.output
    assert smtp_server.messages == []
    assert db.session.scalar(select(func.count(DigestLog.id))) == 0


def test_unreachable_mail_server_is_a_clear_error(app, runner, workspace, user):
    make_reminder(workspace, user, title="Nowhere", due_on=date(2026, 11, 24))
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=1)
    result = runner.invoke(args=["reminders", "digest", "--now", TUESDAY_MORNING])
    assert result.exit_code == 1 and "cannot reach the mail server" in result.output
    assert db.session.scalar(select(func.count(DigestLog.id))) == 0


def test_bad_now_is_refused(app, runner):
    result = runner.invoke(args=["reminders", "digest", "--now", "yesterday"])
    assert result.exit_code == 2 and "ISO 8601" in result.output


def test_frequency_validation(app, session, user, now):
    import pytest

    from app.services import ServiceError

    assert digest_service.get_frequency(session, user.id) == "daily"
    with pytest.raises(ServiceError):
        digest_service.set_frequency(session, user.id, "hourly", now)
    digest_service.set_frequency(session, user.id, "weekly", now + timedelta(seconds=1))
    assert digest_service.get_frequency(session, user.id) == "weekly"


def test_links_use_the_public_base_url_with_its_path_prefix(app, runner, smtp_server, workspace, user):
    app.config["PUBLIC_BASE_URL"] = "https://example.org/crm/"
    reminder = make_reminder(workspace, user, title="Prefixed", due_on=date(2026, 11, 24))
    _run(runner, "--now", TUESDAY_MORNING)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert f"https://example.org/crm/reminders/{reminder.id}/edit?ws={workspace.id}" in text
    assert "https://example.org/crm/settings/calendar" in text
