"""Who the audit log names: the page's user, the API token, the import job, the CLI command; secrets
never stored; the log is append-only, pruned only by retention."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from app.jobs.runner import run_job
from app.models import AuditEvent
from app.services import accounts, api_tokens, audit
from app.services.jobs import start_job
from app.services.webhooks import endpoints
from tests.api.conftest import ApiClient, make_token
from tests.audit.conftest import events
from tests.conftest import NOW, make_partner
from tests.importing.conftest import make_run

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_a_page_change_is_the_logged_in_users(logged_in, session, user, workspace):
    response = logged_in.post(
        "/partners/new", data={"name": "Acme", "kind": "company", "status": "active", "tier": "B", "source": "direct"}
    )
    assert response.status_code == 302
    [event] = events(session, workspace.id, object_type="partner")
    assert (event.actor_kind, event.actor_user_id, event.actor_label) == ("user", user.id, "Olga Owner")
    assert event.occurred_at == NOW  # the request's now


def test_an_api_write_is_the_tokens(client, session, user, workspace):
    api = ApiClient(client, make_token(user, workspace, name="Zapier"))
    response = api.post("/api/v1/partners", json={"name": "From the API"})
    assert response.status_code == 201, response.get_json()
    [event] = events(session, workspace.id, object_type="partner", action="created")
    token = session.get(AuditEvent, event.id)
    assert event.actor_kind == "token"
    assert event.actor_token_id is not None and event.actor_user_id == user.id
    assert event.actor_label == "API token “Zapier” of Olga Owner"
    assert token.changes["name"] == [None, "From the API"]
    # the token's actor does not outlive its request: a later change in the same session is not the token's
    make_partner(workspace, name="Later")
    assert events(session, workspace.id, object_label="Later")[0].actor_kind == "system"


def test_an_import_job_is_the_jobs(app, session, user, workspace):
    rows = [["Name", "Email"], ["Imported One", "one@example.com"], ["Imported Two", "two@example.com"]]
    run = make_run(workspace, user, rows, {"Name": "partner.name", "Email": "contact.email"})
    job = start_job(session, workspace, user, "import.execute", now=NOW, params={"run_id": run.id}, subject_id=run.id)
    job_id = job.id
    session.commit()  # and nothing read after it: the job runs in a session of its own (SQLite's lock)
    run_job(app, job_id, clock=lambda: NOW)
    session.expire_all()
    created = events(session, workspace.id, object_type="partner", action="created")
    assert {e.object_label for e in created} == {"Imported One", "Imported Two"}
    assert {(e.actor_kind, e.actor_label) for e in created} == {("job", f"import job #{job_id}")}
    assert events(session, workspace.id, object_type="contact", action="created")


@pytest.mark.parametrize("size", [3, 40])
def test_an_import_writes_its_events_in_batches(app, session, user, workspace, count_queries, size):
    rows = [["Name", "Email"]] + [[f"Imported {n}", f"p{n}@example.com"] for n in range(size)]
    run = make_run(workspace, user, rows, {"Name": "partner.name", "Email": "contact.email"})
    job = start_job(session, workspace, user, "import.execute", now=NOW, params={"run_id": run.id}, subject_id=run.id)
    job_id = job.id
    session.commit()
    with count_queries() as counter:
        run_job(app, job_id, clock=lambda: NOW)
    inserts = [s for s in counter.statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT")]
    assert 1 <= len(inserts) <= 2  # one statement per flush, not one per row
    session.expire_all()
    assert len(events(session, workspace.id, object_type="partner", action="created")) == size


def test_a_cli_command_is_named(app, runner, session, user, workspace):
    make_partner(workspace, name="Acme")  # outside any request or command: "system"
    result = runner.invoke(
        args=[
            "api",
            "token",
            "create",
            "--user",
            user.email,
            "--workspace",
            str(workspace.id),
            "--name",
            "From CLI",
            "--scope",
            "read",
        ]
    )
    assert result.exit_code == 0, result.output
    [event] = events(session, workspace.id, object_type="api_token")
    assert event.actor_kind == "cli" and event.actor_label == "flask api token create"
    assert events(session, workspace.id, object_type="partner")[0].actor_label == "system"


def test_secrets_never_appear(session, workspace, user, now):
    audit.set_actor(session, audit.Actor.of_user(user))
    token, plaintext = api_tokens.create_token(
        session, workspace_id=workspace.id, user_id=user.id, name="CI", scope="read", expires_on=None, now=now
    )
    endpoint, secret = endpoints.create_endpoint(
        session,
        workspace_id=workspace.id,
        fields={"url": "https://93.184.215.14/h", "event_types": ["*"]},
        now=now,
        allow_loopback=False,
        require_https=False,
    )
    endpoints.rotate_secret(session, endpoint, now)
    invite, invite_token = accounts.create_invite(session, workspace, user, now)
    session.commit()
    stored = json.dumps([(e.changes, e.object_label, str(e.actor_label)) for e in events(session)])
    for value in (
        plaintext,
        token.token_hash,
        secret,
        endpoint.secret,
        invite_token,
        invite.token_hash,
        user.password_hash,
    ):
        assert value not in stored
    for name in ("token_hash", "secret", "password_hash"):
        assert f'"{name}"' not in stored


def test_the_log_is_append_only(session, workspace, user):
    make_partner(workspace, name="Acme")
    event = events(session, workspace.id, object_type="partner")[0]
    event.action = "deleted"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(audit.AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    for statement in (update(AuditEvent).values(action="x"), delete(AuditEvent)):
        with pytest.raises(audit.AuditLogIsAppendOnly):
            session.execute(statement)
        session.rollback()
    assert [e.action for e in events(session, workspace.id, object_type="partner")] == ["created"]


def test_prune_keeps_the_retention_period(app, runner, session, workspace, user):
    from datetime import UTC, datetime

    make_partner(workspace, name="Recent")
    session.execute(  # an old event, as years of use would leave (bulk insert: no flush hook)
        AuditEvent.__table__.insert().values(
            workspace_id=workspace.id,
            occurred_at=datetime.now(UTC) - timedelta(days=400),
            actor_kind="system",
            actor_label="system",
            object_type="partner",
            object_label="Old",
            action="created",
            changes={},
        )
    )
    session.commit()
    result = runner.invoke(args=["audit", "prune"])
    labels = [e.object_label for e in events(session, workspace.id, object_type="partner")]
    assert "kept forever" in result.output and labels == ["Recent", "Old"]
    result = runner.invoke(args=["audit", "prune", "--days", "365"])
    assert result.exit_code == 0 and "Deleted 1 audit events" in result.output
    assert [e.object_label for e in events(session, workspace.id, object_type="partner")] == ["Recent"]
    app.config["AUDIT_RETENTION_DAYS"] = 30
    result = runner.invoke(args=["audit", "prune"])
    assert "Deleted 0 audit events" in result.output


def test_a_restored_workspace_starts_its_log_with_the_restore(session, user, workspace):
    """The rows of a restore are bulk inserts no flush sees: one event says where they came from."""
    from app.services import backup
    from tests.backup.helpers import backup_bytes

    make_partner(workspace, name="Garden")
    result = backup.restore_backup(session, backup_bytes(session, workspace.id), actor=user, name="Copy", now=NOW)
    session.commit()
    events = session.scalars(select(AuditEvent).where(AuditEvent.workspace_id == result.workspace.id)).all()
    restored = [e for e in events if e.action == "restored"]
    assert len(restored) == 1 and restored[0].object_type == "workspace"
    assert restored[0].changes["name"] == [workspace.name, "Copy"]
    assert restored[0].changes["partners"] == [None, 1]
