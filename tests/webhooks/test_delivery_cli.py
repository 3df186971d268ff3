"""`flask webhooks deliver` and the worker's periodic task run a delivery pass."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.jobs import queue
from app.models import WebhookDelivery
from app.services.webhooks import emit
from tests.conftest import NOW
from tests.webhooks.helpers import Receiver, make_endpoint


def test_flask_webhooks_deliver_sends_what_is_due(app, runner, factories):
    workspace = factories.workspace_of(factories.user())
    with Receiver() as receiver:
        make_endpoint(workspace, url=receiver.url)
        emit(db.session, workspace_id=workspace.id, type="partner.created", data={"id": 1}, occurred_at=NOW)
        db.session.commit()
        result = runner.invoke(args=["webhooks", "deliver"])
        assert result.exit_code == 0, result.output
        assert "1 delivery attempt(s) made." in result.output
        assert len(receiver.requests) == 1
    db.session.expire_all()
    assert db.session.scalars(select(WebhookDelivery.status)).one() == "delivered"


def test_a_bad_limit_is_refused(runner):
    result = runner.invoke(args=["webhooks", "deliver", "--limit", "0"])
    assert result.exit_code == 2 and "must be at least 1" in result.output


def test_the_worker_runs_delivery_every_minute(app):
    due = [task.name for task in queue(app).huey.read_periodic(NOW.replace(tzinfo=None))]
    assert "orchard.webhooks.deliver" in due
