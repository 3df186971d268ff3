"""Delivery to a real HTTP receiver on 127.0.0.1: signed, logged, retried, ordered, replayed."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
import standardwebhooks
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.services.webhooks import DeliverySettings, deliver_due, emit, replay
from app.services.webhooks.backoff import MAX_ATTEMPTS, SCHEDULE
from app.services.webhooks.signing import new_secret
from tests.conftest import NOW
from tests.webhooks.helpers import SECRET, Receiver, make_endpoint

LOCAL = DeliverySettings(timeout=2, allow_loopback=True, require_https=False)


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def workspace(factories):
    return factories.workspace_of(factories.user())


def _emit(workspace, type="partner.created", data=None, at=NOW):
    emit(db.session, workspace_id=workspace.id, type=type, data=data or {"id": 1}, occurred_at=at)
    db.session.commit()


def _delivery():
    db.session.expire_all()
    return db.session.scalars(select(WebhookDelivery)).one()


def _attempts():
    return db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()


def test_a_delivery_is_signed_so_standardwebhooks_verifies_it(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace, data={"id": 42, "name": "Acme"})
    assert deliver_due(db.session, NOW, settings=LOCAL) == 1
    (request,) = receiver.requests
    with time_machine.travel(NOW, tick=False):  # the receiver's clock when it got it
        body = standardwebhooks.Webhook(SECRET).verify(request["body"], request["headers"])
    assert body == {
        "type": "partner.created",
        "timestamp": "2026-11-24T12:00:00Z",
        "workspace_id": workspace.id,
        "data": {"id": 42, "name": "Acme"},
    }
    assert request["headers"]["webhook-id"].startswith("msg_")
    assert request["headers"]["Host"] == receiver.url.split("/")[2]
    delivery = _delivery()
    assert (delivery.status, delivery.attempt_count, delivery.delivered_at, delivery.last_status_code) == (
        "delivered",
        1,
        NOW,
        200,
    )
    (attempt,) = _attempts()
    assert (attempt.status_code, attempt.response_excerpt, attempt.error) == (200, "received", None)


def test_a_new_secret_signs_what_standardwebhooks_verifies_with_it(workspace, receiver):
    endpoint = make_endpoint(workspace, url=receiver.url, secret=new_secret())
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 38
    _emit(workspace)
    deliver_due(db.session, NOW, settings=LOCAL)
    (request,) = receiver.requests
    with time_machine.travel(NOW + timedelta(minutes=4), tick=False):  # within the 5 minutes' tolerance
        assert standardwebhooks.Webhook(endpoint.secret).verify(request["body"], request["headers"])["type"]


def test_a_tampered_body_or_another_secret_does_not_verify(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    deliver_due(db.session, NOW, settings=LOCAL)
    (request,) = receiver.requests
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(standardwebhooks.WebhookVerificationError):
            standardwebhooks.Webhook(SECRET).verify(request["body"].replace(b"1", b"2"), request["headers"])
        other = "whsec_" + "A" * 32
        with pytest.raises(standardwebhooks.WebhookVerificationError):
            standardwebhooks.Webhook(other).verify(request["body"], request["headers"])


def test_a_500_is_retried_with_backoff_then_delivered_with_the_same_webhook_id(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    receiver.plan = [500, 503]
    rng = random.Random(1)
    assert deliver_due(db.session, NOW, settings=LOCAL, rng=rng) == 1
    first = _delivery()
    assert first.status == "pending" and first.last_status_code == 500
    assert NOW + timedelta(seconds=4.5) <= first.next_attempt_at <= NOW + timedelta(seconds=5.5)
    # not due yet: nothing is sent
    assert deliver_due(db.session, NOW + timedelta(seconds=4), settings=LOCAL) == 0
    second_try = first.next_attempt_at
    assert deliver_due(db.session, second_try, settings=LOCAL, rng=rng) == 1
    again = _delivery()
    assert again.next_attempt_at - second_try >= timedelta(seconds=54)
    assert deliver_due(db.session, again.next_attempt_at, settings=LOCAL) == 1
    assert _delivery().status == "delivered"
    assert [a.status_code for a in _attempts()] == [500, 503, 200]
    assert len(_attempts()[0].response_excerpt) == 1024  # the first KB of the answer
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1  # receivers de-duplicate by it


def test_a_timeout_is_logged_and_retried(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    receiver.plan = ["hang"]
    deliver_due(db.session, NOW, settings=DeliverySettings(timeout=0.3, allow_loopback=True, require_https=False))
    receiver.hang.set()
    (attempt,) = _attempts()
    assert attempt.status_code is None and "timed out" in str(attempt.error)
    assert _delivery().status == "pending" and _delivery().attempt_count == 1


def test_a_receiver_that_is_down_is_retried(workspace):
    make_endpoint(workspace, url="http://127.0.0.1:9/hook")  # nothing listens on the discard port
    _emit(workspace)
    deliver_due(db.session, NOW, settings=LOCAL)
    (attempt,) = _attempts()
    assert attempt.status_code is None and str(attempt.error).startswith("Could not connect")
    assert _delivery().status == "pending"


def test_retries_are_exhausted_after_about_three_days_then_the_delivery_fails(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    receiver.plan = [500] * MAX_ATTEMPTS
    at = NOW
    strict = DeliverySettings(timeout=2, allow_loopback=True, require_https=False, disable_after_failures=10**6)
    for _ in range(MAX_ATTEMPTS):
        assert deliver_due(db.session, at, settings=strict) == 1
        delivery = _delivery()
        at = delivery.next_attempt_at
    assert delivery.status == "failed" and delivery.attempt_count == MAX_ATTEMPTS
    span = _attempts()[-1].attempted_at - NOW
    assert timedelta(days=2.8) < span < timedelta(days=3.5)
    assert sum(SCHEDULE) == 272165  # 3 days 3.6 hours before jitter
    assert deliver_due(db.session, at + timedelta(days=30), settings=strict) == 0


def test_an_endpoint_failing_for_a_day_is_disabled_with_its_reason(workspace, receiver):
    endpoint = make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    _emit(workspace, type="partner.updated", at=NOW + timedelta(seconds=1))
    receiver.plan = [500] * 20
    at = NOW
    while _delivery_of_first().status == "pending":
        assert at - NOW < timedelta(days=2)
        deliver_due(db.session, at, settings=LOCAL)
        at = _delivery_of_first().next_attempt_at
    db.session.expire_all()
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert not endpoint.enabled and "in a row failed" in str(endpoint.disabled_reason)
    assert endpoint.disabled_at - NOW >= timedelta(hours=24)
    assert endpoint.consecutive_failures >= 5
    statuses = db.session.scalars(select(WebhookDelivery.status).order_by(WebhookDelivery.id)).all()
    assert statuses == ["failed", "failed"]  # the later one was never sent: order holds
    assert len(receiver.requests) == endpoint.consecutive_failures
    # no new deliveries for a disabled endpoint
    _emit(workspace, at=at)
    assert len(db.session.scalars(select(WebhookDelivery)).all()) == 2


def _delivery_of_first():
    db.session.expire_all()
    return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).first()


def test_an_hour_down_is_survived_without_disabling(workspace, receiver):
    endpoint = make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    receiver.plan = [500] * 5  # attempts in the first ~37 minutes fail
    at = NOW
    while _delivery_of_first().status == "pending":
        deliver_due(db.session, at, settings=LOCAL)
        at = _delivery_of_first().next_attempt_at
    db.session.expire_all()
    assert _delivery_of_first().status == "delivered"
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.enabled and endpoint.consecutive_failures == 0 and endpoint.failing_since is None


def test_events_reach_one_endpoint_in_event_time_order(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace, type="deal.won", at=NOW + timedelta(seconds=2))
    _emit(workspace, type="deal.created", at=NOW)
    _emit(workspace, type="deal.stage_changed", at=NOW + timedelta(seconds=1))
    receiver.plan = [500]
    assert deliver_due(db.session, NOW + timedelta(seconds=3), settings=LOCAL) == 1  # the first fails: the rest wait
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["deal.created"]
    assert deliver_due(db.session, NOW + timedelta(minutes=1), settings=LOCAL) == 3
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == [
        "deal.created",
        "deal.created",
        "deal.stage_changed",
        "deal.won",
    ]


def test_replay_sends_a_delivered_event_again(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    deliver_due(db.session, NOW, settings=LOCAL)
    later = NOW + timedelta(hours=1)
    replay(db.session, _delivery(), later)
    db.session.commit()
    assert _delivery().status == "pending"
    assert deliver_due(db.session, later, settings=LOCAL) == 1
    assert _delivery().status == "delivered" and _delivery().delivered_at == later
    assert len(receiver.requests) == 2 and len(_attempts()) == 2
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1


def test_a_failed_delivery_replayed_gets_a_fresh_schedule(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    delivery = _delivery()
    delivery.status, delivery.attempt_count = "failed", MAX_ATTEMPTS
    db.session.commit()
    replay(db.session, _delivery(), NOW)
    db.session.commit()
    assert _delivery().attempt_count == 0
    assert deliver_due(db.session, NOW, settings=LOCAL) == 1
    assert _delivery().status == "delivered"


def test_a_loopback_url_is_refused_at_delivery_when_loopback_is_not_allowed(workspace, receiver):
    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    deliver_due(db.session, NOW, settings=DeliverySettings(allow_loopback=False, require_https=False))
    assert receiver.requests == []
    (attempt,) = _attempts()
    assert str(attempt.error).startswith("Refused") and "private or reserved" in str(attempt.error)
    assert _delivery().status == "pending"


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_ends(workspace, receiver):
    from app.services.webhooks.delivery import claim

    make_endpoint(workspace, url=receiver.url)
    _emit(workspace)
    lease = NOW + timedelta(minutes=1)
    assert len(claim(db.session, NOW, 10, lease)) == 1
    db.session.commit()
    assert claim(db.session, NOW, 10, lease) == []
    assert deliver_due(db.session, NOW, settings=LOCAL) == 0
    assert deliver_due(db.session, lease, settings=LOCAL) == 1  # a worker that died: taken over
    assert _delivery().status == "delivered"
