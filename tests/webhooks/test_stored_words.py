"""What the delivery worker writes for an owner to read — why an endpoint was disabled, why an
attempt failed — is kept as a text, so a Russian owner reads it in Russian (it was stored in English)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.services.webhooks import DeliverySettings, deliver_due, emit
from tests.conftest import NOW
from tests.html import parse
from tests.webhooks.helpers import make_endpoint

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _russian(user):
    user.locale = "ru"
    db.session.commit()


def _failed_attempt(workspace, url, settings):
    endpoint = make_endpoint(workspace, url=url)
    emit(db.session, workspace_id=workspace.id, type="partner.created", data={"id": 1}, occurred_at=NOW)
    db.session.commit()
    deliver_due(db.session, NOW, settings=settings)
    db.session.commit()
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    return endpoint, delivery


@pytest.mark.parametrize(
    ("url", "settings", "english"),
    [
        ("http://127.0.0.1:9/hook", DeliverySettings(timeout=2, allow_loopback=True, require_https=False), "Could not"),
        ("http://127.0.0.1:9/hook", DeliverySettings(allow_loopback=False, require_https=False), "Refused"),
    ],
)
def test_why_an_attempt_failed_is_in_the_owners_language(logged_in, user, workspace, url, settings, english):
    endpoint, delivery = _failed_attempt(workspace, url, settings)
    (attempt,) = db.session.scalars(select(WebhookAttempt)).all()
    assert str(attempt.error).startswith(english)  # as an English reader sees it
    _russian(user)
    page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}").text)
    error = page.one("p", class_="field-error").text
    assert english not in error and any("а" <= c <= "я" for c in error.lower()), error


def test_why_an_endpoint_was_disabled_is_in_the_owners_language(logged_in, user, workspace):
    from app.services.webhooks.delivery import _disable_if_failing

    endpoint = make_endpoint(workspace, url="http://127.0.0.1:9/hook")
    endpoint.consecutive_failures, endpoint.failing_since = 10, NOW - timedelta(days=2)
    db.session.commit()
    _disable_if_failing(db.session, endpoint.id, NOW, DeliverySettings())
    db.session.commit()
    db.session.expire_all()
    assert "in a row failed over more than 24 hours" in str(
        db.session.get(WebhookEndpoint, endpoint.id).disabled_reason
    )
    _russian(user)
    for path in ("/settings/webhooks", f"/settings/webhooks/{endpoint.id}"):
        text = parse(logged_in.get(path).text).one("body").text
        assert "Disabled automatically" not in text, path
        assert "24" in text


def test_an_owner_s_disabling_is_said_in_the_readers_language(logged_in, user, workspace):
    endpoint = make_endpoint(workspace, url="http://127.0.0.1:9/hook")
    assert logged_in.post(f"/settings/webhooks/{endpoint.id}/enabled", data={"enabled": "0"}).status_code in (302, 303)
    _russian(user)
    text = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text).one(id="webhook-disabled").text
    assert "Disabled by an owner" not in text, text
