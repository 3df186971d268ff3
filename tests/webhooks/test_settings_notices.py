"""Owners hear about a disabled webhook endpoint: a banner on the dashboard (one counted query,
full page only) and a line in their reminder digest. Members see neither."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.reminders.cli import _renderer
from app.services import digest as digest_service
from app.services.webhooks import endpoints as endpoint_service
from tests.conftest import HX, NOW, add_member
from tests.html import parse
from tests.webhooks.test_settings import make_endpoint

pytestmark = pytest.mark.usefixtures("frozen_clock")

MORNING = datetime.fromisoformat("2026-11-24T09:00:00+00:00")


def _disable(endpoint, reason="5 deliveries in a row failed (last: HTTP 500)."):
    endpoint.enabled = False
    endpoint.disabled_reason = reason
    endpoint.disabled_at = NOW
    db.session.commit()


def test_banner_for_owners_when_an_endpoint_is_disabled(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    assert parse(logged_in.get("/dashboard").text).find(id="webhooks-disabled-banner") is None
    _disable(endpoint)
    banner = parse(logged_in.get("/dashboard").text).one(id="webhooks-disabled-banner")
    assert "1 webhook endpoint was disabled" in banner.text
    banner.one("a", href="/settings/webhooks")
    # the list says why
    assert "5 deliveries in a row failed" in logged_in.get("/settings/webhooks").text


def test_no_banner_for_members(client, auth, workspace):
    _disable(make_endpoint(workspace))
    auth.login(add_member(workspace))
    assert parse(client.get("/dashboard").text).find(id="webhooks-disabled-banner") is None


def test_the_banner_costs_one_query_on_the_full_page_and_none_on_fragments(
    logged_in, workspace, count_queries, monkeypatch
):
    _disable(make_endpoint(workspace))
    calls = []
    real = endpoint_service.disabled_count
    monkeypatch.setattr(endpoint_service, "disabled_count", lambda *a, **k: calls.append(1) or real(*a, **k))
    logged_in.get("/dashboard")
    with count_queries() as with_banner:
        assert logged_in.get("/dashboard").status_code == 200
    assert len(calls) == 2
    assert sum("webhook_endpoint" in s for s in with_banner.statements) == 1
    calls.clear()
    with count_queries() as fragment:
        assert logged_in.get("/dashboard", headers=HX).status_code == 200
    assert calls == [] and not any("webhook_endpoint" in s for s in fragment.statements)


def test_digest_line_for_owners_only(app, workspace, user):
    member = add_member(workspace)
    _disable(make_endpoint(workspace))
    digests = {d.user.id: d for d in digest_service.collect(db.session, MORNING)}
    assert digests[user.id].disabled_webhooks == 1  # sent although nothing else is due
    assert member.id not in digests  # a member has nothing to hear about here
    with app.test_request_context():
        rendered = _renderer()(digests[user.id])
    assert "1 webhook endpoint disabled" in rendered.subject
    for body in (rendered.text, rendered.html):
        assert "1 endpoint was disabled" in body.replace("webhook endpoint", "endpoint")
        assert "/settings/webhooks" in body


def test_no_digest_line_while_every_endpoint_works(workspace, user):
    make_endpoint(workspace)
    assert digest_service.collect(db.session, MORNING) == []  # nothing else to say: no mail
