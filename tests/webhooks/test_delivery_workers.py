"""Several workers delivering at the same instant: each attempt is made once, order per endpoint holds."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import WebhookAttempt, WebhookDelivery
from app.services.webhooks import DeliverySettings, deliver_due, emit
from tests.conftest import NOW
from tests.webhooks.helpers import Receiver, make_endpoint

LOCAL = DeliverySettings(timeout=5, allow_loopback=True, require_https=False)


def test_workers_at_once_send_every_event_once_in_order(app, factories):
    workspace = factories.workspace_of(factories.user())
    with Receiver() as receiver:
        for n in range(3):
            make_endpoint(workspace, url=f"{receiver.url}/{n}")
        for second in range(4):
            emit(
                db.session,
                workspace_id=workspace.id,
                type="deal.updated",
                data={"n": second},
                occurred_at=NOW + timedelta(seconds=second),
            )
        db.session.commit()
        db.session.rollback()
        barrier = threading.Barrier(3)
        made = []

        def worker():
            with app.app_context():
                barrier.wait()
                try:
                    made.append(deliver_due(db.session, NOW + timedelta(minutes=1), settings=LOCAL))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        requests = list(receiver.requests)
    assert sum(made) == 12
    assert len(requests) == 12
    assert len({(r["path"], r["headers"]["webhook-id"]) for r in requests}) == 12
    for n in range(3):
        seen = [json.loads(r["body"])["data"]["n"] for r in requests if r["path"].endswith(f"/{n}")]
        assert seen == [0, 1, 2, 3]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(WebhookAttempt)) == 12
    assert set(db.session.scalars(select(WebhookDelivery.status))) == {"delivered"}
