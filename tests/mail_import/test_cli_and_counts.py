"""`flask mail import`, and constant query counts on the pages that show mail."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.models.email_log import MailSuggestion
from app.services import jobs as job_service
from app.services.mail_log import RawMessage, record_messages
from tests.mail_import.mail import mbox, message


def test_cli_imports_an_mbox_and_again_logs_nothing_twice(runner, user, workspace, acme, tmp_path):
    partner, _ = acme
    path = tmp_path / "export.mbox"
    path.write_bytes(
        mbox(
            message(sender="carla@acme.test", to=user.email, subject="Hi"),
            message(sender=user.email, to="carla@acme.test", subject="Re: Hi"),
            message(sender="stranger@nowhere.test", to=user.email),
        )
    )
    args = ["mail", "import", str(path), "--user", "OLGA@example.com", "--workspace", str(workspace.id)]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "3 messages read: 2 logged, 0 already logged, 1 skipped" in first.output
    second = runner.invoke(args=args)
    assert "3 messages read: 0 logged, 2 already logged, 1 skipped" in second.output
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 2


def test_cli_imports_an_eml_file(runner, user, workspace, acme, tmp_path):
    path = tmp_path / "one.eml"
    path.write_bytes(message(sender="carla@acme.test", to=user.email))
    result = runner.invoke(args=["mail", "import", str(path), "--user", user.email, "--workspace", str(workspace.id)])
    assert "1 messages read: 1 logged" in result.output


def test_cli_refuses_a_non_member_a_missing_workspace_and_a_non_mbox(runner, user, workspace, other, tmp_path):
    path = tmp_path / "export.mbox"
    path.write_bytes(b"name,email\nA,a@b.test\n")
    not_mail = runner.invoke(args=["mail", "import", str(path), "--user", user.email, "--workspace", str(workspace.id)])
    assert not_mail.exit_code != 0 and "not an mbox file" in not_mail.output
    stranger = runner.invoke(
        args=["mail", "import", str(path), "--user", other["user"].email, "--workspace", str(workspace.id)]
    )
    assert stranger.exit_code != 0 and "is not a member of workspace" in stranger.output
    missing = runner.invoke(args=["mail", "import", str(path), "--user", user.email, "--workspace", "999999"])
    assert missing.exit_code != 0 and "No workspace with id 999999" in missing.output


def _log(user, workspace, now, count, start=0):
    mails = [
        message(sender="carla@acme.test", to=user.email, subject=f"Mail {n}", when=now - timedelta(hours=n + 1))
        for n in range(start, start + count)
    ]
    record_messages(
        db.session, workspace_id=workspace.id, user_id=user.id, messages=[RawMessage(m) for m in mails], now=now
    )
    db.session.commit()


@pytest.mark.usefixtures("frozen_clock")
def test_timeline_queries_do_not_grow_with_logged_mail(logged_in, user, workspace, now, acme, count_queries):
    partner, _ = acme
    url = f"/partners/{partner.id}/timeline"
    _log(user, workspace, now, 1)
    logged_in.get(url)
    with count_queries() as few:
        assert logged_in.get(url).status_code == 200
    _log(user, workspace, now, 15, start=1)
    with count_queries() as many:
        page = logged_in.get(url).get_data(as_text=True)
    assert page.count("from-mail") == 16
    assert many.count == few.count


@pytest.mark.usefixtures("frozen_clock")
def test_result_page_queries_do_not_grow_with_suggestions(logged_in, user, workspace, now, factories, count_queries):
    partners = [factories.partner(workspace, website=f"https://p{n}.test") for n in range(6)]
    job = job_service.start_job(db.session, workspace, user, "mail.import", now=now)
    job_service.finish(db.session, job, {"seen": 1}, now=now)
    db.session.add(
        MailSuggestion(
            workspace_id=workspace.id, email="a@p0.test", partner_id=partners[0].id, last_seen_at=now, created_at=now
        )
    )
    db.session.commit()
    url = f"/mail/import/{job.id}"
    logged_in.get(url)
    with count_queries() as few:
        logged_in.get(url)
    for n, partner in enumerate(partners[1:], start=1):
        db.session.add(
            MailSuggestion(
                workspace_id=workspace.id, email=f"a@p{n}.test", partner_id=partner.id, last_seen_at=now, created_at=now
            )
        )
    db.session.commit()
    with count_queries() as many:
        page = logged_in.get(url).get_data(as_text=True)
    assert page.count('id="suggestion-') == 6
    assert many.count == few.count


def test_recording_reads_the_workspace_once_not_per_message(user, workspace, now, acme, count_queries):
    _log(user, workspace, now, 1)
    with count_queries() as ten:
        _log(user, workspace, now, 10, start=100)
    with count_queries() as twenty:
        _log(user, workspace, now, 20, start=200)
    per_message = (twenty.count - ten.count) / 10
    assert per_message <= 12  # claim, lock the partner, the interaction and its summaries: no scans


def test_cli_prints_its_summary_once(runner, user, workspace, acme, tmp_path):
    path = tmp_path / "export.mbox"
    path.write_bytes(mbox(message(sender="carla@acme.test", to=user.email, subject="Hi")))
    result = runner.invoke(args=["mail", "import", str(path), "--user", user.email, "--workspace", str(workspace.id)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("1 logged") == 1
    assert "logged" not in result.stderr  # the progress of a small file is its summary: said once
