"""The outbox: emit writes the event and its deliveries in the caller's transaction, from ordinary
code and from an after_flush hook; a rolled-back change leaves no event."""

from __future__ import annotations

import json

from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Partner, WebhookDelivery, WebhookEvent
from app.services.webhooks import emit
from tests.conftest import NOW
from tests.webhooks.helpers import make_endpoint


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_emit_writes_the_event_and_a_delivery_per_subscribed_endpoint(factories):
    user = factories.user()
    workspace = factories.workspace_of(user)
    everything = make_endpoint(workspace)
    deals_only = make_endpoint(workspace, event_types=["deal.won"])
    make_endpoint(workspace, enabled=False)
    emit(db.session, workspace_id=workspace.id, type="partner.created", data={"id": 7}, occurred_at=NOW)
    db.session.commit()
    stored = db.session.scalars(select(WebhookEvent)).one()
    assert stored.type == "partner.created" and stored.msg_id.startswith("msg_")
    assert json.loads(stored.payload) == {
        "type": "partner.created",
        "timestamp": "2026-11-24T12:00:00Z",
        "workspace_id": workspace.id,
        "data": {"id": 7},
    }
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert [(d.endpoint_id, d.status, d.next_attempt_at) for d in deliveries] == [(everything.id, "pending", NOW)]
    assert deals_only.id not in {d.endpoint_id for d in deliveries}


def test_no_endpoint_no_event(factories):
    workspace = factories.workspace_of(factories.user())
    emit(db.session, workspace_id=workspace.id, type="partner.created", data={}, occurred_at=NOW)
    db.session.commit()
    assert _count(WebhookEvent) == 0


def test_another_workspaces_endpoints_get_nothing(factories):
    mine = factories.workspace_of(factories.user())
    theirs = factories.workspace_of(factories.user())
    make_endpoint(theirs)
    emit(db.session, workspace_id=mine.id, type="partner.created", data={}, occurred_at=NOW)
    db.session.commit()
    assert _count(WebhookDelivery) == 0


def test_a_rolled_back_change_leaves_no_event(factories):
    workspace = factories.workspace_of(factories.user())
    make_endpoint(workspace)
    db.session.add(Partner(workspace_id=workspace.id, name="Rolled back"))
    db.session.flush()
    emit(db.session, workspace_id=workspace.id, type="partner.created", data={}, occurred_at=NOW)
    db.session.rollback()
    assert _count(WebhookEvent) == 0 and _count(WebhookDelivery) == 0


def test_emit_from_an_after_flush_hook_is_committed_with_the_change(factories):
    workspace = factories.workspace_of(factories.user())
    make_endpoint(workspace, event_types=("terms.changed",))  # not a type adding a partner sends itself

    def hook(session, flush_context):
        for obj in session.new:
            if isinstance(obj, Partner):
                emit(session, workspace_id=obj.workspace_id, type="terms.changed", data={"id": obj.id}, occurred_at=NOW)

    event.listen(db.session, "after_flush", hook)
    try:
        db.session.add(Partner(workspace_id=workspace.id, name="Hooked"))
        db.session.commit()
    finally:
        event.remove(db.session, "after_flush", hook)
    partner = db.session.scalars(select(Partner).where(Partner.name == "Hooked")).one()
    stored = db.session.scalars(select(WebhookEvent)).one()
    assert json.loads(stored.payload)["data"] == {"id": partner.id}
    assert _count(WebhookDelivery) == 1


def test_emit_from_an_after_flush_hook_is_rolled_back_with_the_change(factories):
    workspace = factories.workspace_of(factories.user())
    make_endpoint(workspace)

    def hook(session, flush_context):
        for obj in session.new:
            if isinstance(obj, Partner):
                emit(session, workspace_id=obj.workspace_id, type="partner.created", data={}, occurred_at=NOW)

    event.listen(db.session, "after_flush", hook)
    try:
        db.session.add(Partner(workspace_id=workspace.id, name="Hooked"))
        db.session.flush()
        db.session.rollback()
    finally:
        event.remove(db.session, "after_flush", hook)
    assert _count(WebhookEvent) == 0


def test_every_event_type_is_in_one_group_with_a_description():
    from app.services.webhooks import EVENT_GROUPS, EVENT_TYPES
    from app.services.webhooks.events import describe

    grouped = [t for _, types in EVENT_GROUPS for t in types]
    assert sorted(grouped) == sorted(EVENT_TYPES) and len(grouped) == len(set(grouped)) == 20
    assert all(describe(t) != t for t in EVENT_TYPES)
    assert describe("webhook.test") == "webhook.test"
