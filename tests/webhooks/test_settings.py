"""Settings → Webhooks: the owner's pages — list, form with grouped events, the secret shown once,
enable/disable, rotate, delete, test event, the delivery log, a delivery's attempts and replays.
A member (and anyone of another workspace) gets 404."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.services.webhooks import endpoints as endpoint_service
from tests.conftest import HX, NOW, add_member
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")

URL = "http://127.0.0.1:9/orchard"  # no DNS in the tests: addresses are literal, loopback allowed


@pytest.fixture(autouse=True)
def _loopback_allowed(app):
    app.config.update(WEBHOOKS_ALLOW_LOOPBACK=True, WEBHOOKS_REQUIRE_HTTPS=False)


def make_endpoint(workspace, *, url=URL, types=("*",), enabled=True) -> WebhookEndpoint:
    endpoint, _secret = endpoint_service.create_endpoint(
        db.session,
        workspace_id=workspace.id,
        fields={"url": url, "event_types": list(types), "enabled": enabled},
        now=NOW,
        allow_loopback=True,
        require_https=False,
    )
    db.session.commit()
    return endpoint


def make_delivery(endpoint, *, status="failed", type="partner.created", at=NOW, attempts=1, code=500):
    event = WebhookEvent(
        workspace_id=endpoint.workspace_id,
        msg_id=f"msg_{type}_{at.timestamp()}_{endpoint.id}",
        type=type,
        occurred_at=at,
        payload=json.dumps({"type": type}),
    )
    db.session.add(event)
    db.session.flush()
    delivery = WebhookDelivery(
        workspace_id=endpoint.workspace_id,
        endpoint_id=endpoint.id,
        event_id=event.id,
        status=status,
        attempt_count=attempts,
        next_attempt_at=at,
        last_status_code=code,
    )
    db.session.add(delivery)
    db.session.flush()
    for n in range(attempts):
        db.session.add(
            WebhookAttempt(
                workspace_id=endpoint.workspace_id,
                delivery_id=delivery.id,
                attempted_at=at + timedelta(minutes=n),
                status_code=code,
                duration_ms=120 + n,
                response_excerpt="<h1>Internal error</h1>",
                error=None if code else "timed out",
            )
        )
    db.session.commit()
    return delivery


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- list and empty state -------------------------------------------------------------------------


def test_empty_state_says_what_to_do(logged_in):
    response = logged_in.get("/settings/webhooks")
    assert response.status_code == 200
    page = parse(response.text)
    empty = page.one(class_="empty-state")
    assert "Add the URL" in empty.text
    empty.one("a", href="/settings/webhooks/new")
    assert page.one("nav", class_="tabs").one("a", aria_current="page").text == "Webhooks"


def test_list_shows_each_endpoint_with_its_last_delivery(logged_in, workspace):
    first = make_endpoint(workspace, types=["partner.created", "deal.won"])
    second = make_endpoint(workspace, url="http://127.0.0.2:9/in")
    make_delivery(first, status="failed", code=503)
    make_delivery(first, status="delivered", code=200, at=NOW + timedelta(minutes=5))
    page = parse(logged_in.get("/settings/webhooks").text)
    row = page.one(id=f"webhook-{first.id}")
    assert "partner.created, deal.won" in row.text and "Delivered" in row.text and "HTTP 200" in row.text
    other_row = page.one(id=f"webhook-{second.id}")
    assert "All events" in other_row.text and "No deliveries yet" in other_row.text


# --- create, secret once ----------------------------------------------------------------------------


def test_new_form_groups_the_events_with_all_events_first(logged_in):
    page = parse(logged_in.get("/settings/webhooks/new").text)
    boxes = page.one(id="event-types").find_all("input", type="checkbox")
    assert boxes[0]["value"] == "*" and boxes[0].get("checked") is not None  # all events by default
    values = {b["value"] for b in boxes}
    assert {"partner.created", "deal.won", "reminder.due", "flag.raised"} <= values
    assert len(page.find_all("details", class_="event-group")) >= 3


def test_create_shows_the_secret_once(logged_in, workspace):
    response = logged_in.post(
        "/settings/webhooks/new",
        data={"url": URL, "description": "Invoicing", "event_types": ["partner.created", "deal.won"], "enabled": "y"},
    )
    assert response.status_code == 302
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.workspace_id == workspace.id and endpoint.enabled
    assert json.loads(endpoint.event_types) == ["partner.created", "deal.won"]
    assert response.headers["Location"].endswith(f"/settings/webhooks/{endpoint.id}")
    page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text)
    assert page.one(id="secret-value")["value"] == endpoint.secret
    assert endpoint.secret.startswith("whsec_")
    again = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text)
    assert again.find(id="webhook-secret") is None  # shown only once
    assert endpoint.secret not in logged_in.get("/settings/webhooks").text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "", "event_types": ["*"]}, "url", "Enter the URL"),
        ({"url": "ftp://example.com/x", "event_types": ["*"]}, "url", ""),
        ({"url": URL, "event_types": []}, "event_types", "Choose at least one event"),
        ({"url": URL, "event_types": ["no.such"]}, "event_types", ""),
    ],
)
def test_bad_input_is_shown_on_the_form(logged_in, data, field, message):
    response = logged_in.post("/settings/webhooks/new", data=data)
    assert response.status_code == 422
    page = parse(response.text)
    error = page.one(id=f"{field.replace('_', '-')}-error" if field == "event_types" else f"{field}-error")
    assert message in error.text and error.text.strip()
    assert _count(WebhookEndpoint) == 0


def test_a_private_address_is_refused(app, logged_in):
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = False
    response = logged_in.post("/settings/webhooks/new", data={"url": "http://127.0.0.1:9/x", "event_types": ["*"]})
    assert response.status_code == 422
    assert parse(response.text).one(id="url-error").text.strip()
    assert _count(WebhookEndpoint) == 0


# --- edit, enable/disable, rotate, delete -----------------------------------------------------------


def test_edit_keeps_the_secret_and_saves_the_events(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    secret = endpoint.secret
    form = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}/edit").text)
    assert form.one("input", name="url")["value"] == URL
    response = logged_in.post(
        f"/settings/webhooks/{endpoint.id}/edit",
        data={"url": "http://127.0.0.3:9/h", "event_types": ["deal.lost", "*"], "enabled": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(endpoint)
    assert endpoint.url == "http://127.0.0.3:9/h" and endpoint.secret == secret
    assert json.loads(endpoint.event_types) == ["*"]  # all events wins over a list


def test_disable_shows_the_reason_and_enable_starts_again(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    logged_in.post(f"/settings/webhooks/{endpoint.id}/enabled", data={"enabled": "0"})
    db.session.refresh(endpoint)
    assert not endpoint.enabled and endpoint.disabled_reason
    page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text)
    assert "Disabled by an owner" in page.one(id="webhook-disabled").text
    endpoint.consecutive_failures = 4
    db.session.commit()
    logged_in.post(f"/settings/webhooks/{endpoint.id}/enabled", data={"enabled": "1"})
    db.session.refresh(endpoint)
    assert endpoint.enabled and endpoint.disabled_reason is None and endpoint.consecutive_failures == 0


def test_rotate_shows_a_new_secret_once(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    old = endpoint.secret
    assert logged_in.post(f"/settings/webhooks/{endpoint.id}/rotate").status_code == 302
    db.session.refresh(endpoint)
    assert endpoint.secret != old
    page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text)
    assert page.one(id="secret-value")["value"] == endpoint.secret


def test_delete_confirms_and_removes_the_log(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    make_delivery(endpoint)
    page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text)
    delete = page.one("form", action=f"/settings/webhooks/{endpoint.id}/delete")
    assert delete["hx-confirm"]
    assert logged_in.post(f"/settings/webhooks/{endpoint.id}/delete").status_code == 302
    assert _count(WebhookEndpoint) == 0 and _count(WebhookDelivery) == 0 and _count(WebhookAttempt) == 0


# --- test event, log, delivery page, replays ----------------------------------------------------------


def test_send_test_queues_a_delivery_to_this_endpoint_only(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    bystander = make_endpoint(workspace, url="http://127.0.0.4:9/h")
    response = logged_in.post(f"/settings/webhooks/{endpoint.id}/test", headers=HX)
    assert response.status_code == 200 and "Test event queued" in response.text
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert [d.endpoint_id for d in deliveries] == [endpoint.id]
    assert _count(WebhookDelivery, WebhookDelivery.endpoint_id == bystander.id) == 0
    event = db.session.get(WebhookEvent, deliveries[0].event_id)
    assert event.type == endpoint_service.TEST_EVENT_TYPE


def test_send_test_to_a_disabled_endpoint_says_why(logged_in, workspace):
    endpoint = make_endpoint(workspace, enabled=False)
    response = logged_in.post(f"/settings/webhooks/{endpoint.id}/test", headers=HX)
    assert response.status_code == 422 and "Enable the endpoint" in response.text
    assert _count(WebhookDelivery) == 0
    # without htmx: a flash on the endpoint page
    response = logged_in.post(f"/settings/webhooks/{endpoint.id}/test", follow_redirects=True)
    assert "Enable the endpoint" in response.text


def test_log_is_paginated_newest_first(app, logged_in, workspace):
    app.config["PER_PAGE"] = 3
    endpoint = make_endpoint(workspace)
    made = [make_delivery(endpoint, at=NOW + timedelta(minutes=n), type="deal.won") for n in range(5)]
    page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text)
    rows = page.one(id="webhook-log").find_all("tr", id=lambda v: v and v.startswith("delivery-"))
    assert [r["id"] for r in rows] == [f"delivery-{d.id}" for d in reversed(made[2:])]
    assert page.one(id="webhook-log").one("a", rel="next")
    fragment = logged_in.get(f"/settings/webhooks/{endpoint.id}?page=2", headers=HX)
    rows = parse(fragment.text).find_all("tr", id=lambda v: v and v.startswith("delivery-"))
    assert [r["id"] for r in rows] == [f"delivery-{made[1].id}", f"delivery-{made[0].id}"]
    assert "<html" not in fragment.text


def test_empty_log_says_what_to_do(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    text = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text).one(id="webhook-log").text
    assert "Send a test event" in text


def test_delivery_page_shows_every_attempt(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    delivery = make_delivery(endpoint, attempts=3, code=502)
    response = logged_in.get(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}")
    assert response.status_code == 200
    page = parse(response.text)
    attempts = page.find_all("article", class_="attempt")
    assert len(attempts) == 3
    assert "HTTP 502" in attempts[0].text and "122 ms" in attempts[0].text  # newest first
    assert "Internal error" in attempts[0].text
    replay = page.one("form", action=f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}/replay")
    assert replay["hx-post"] == replay["action"]
    replay.one("input", name="csrf_token")


def test_replay_one_delivery(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    delivery = make_delivery(endpoint, status="failed")
    response = logged_in.post(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}/replay", headers=HX)
    assert response.status_code == 200 and "sent again" in response.text
    pending = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
    ).all()
    assert len(pending) == 1


def test_replay_failed_replays_only_the_failed(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    for n in range(3):
        make_delivery(endpoint, status="failed", at=NOW + timedelta(minutes=n))
    make_delivery(endpoint, status="delivered", code=200, at=NOW + timedelta(minutes=9))
    response = logged_in.post(f"/settings/webhooks/{endpoint.id}/replay-failed", headers=HX)
    assert response.status_code == 200 and "3 failed deliveries" in response.text
    assert _count(WebhookDelivery, WebhookDelivery.status == "failed") == 0
    assert _count(WebhookDelivery, WebhookDelivery.status == "delivered") == 1
    again = logged_in.post(f"/settings/webhooks/{endpoint.id}/replay-failed", headers=HX)
    assert again.status_code == 422 and "No failed deliveries" in again.text


def test_a_delivery_of_another_endpoint_is_404(logged_in, workspace):
    endpoint = make_endpoint(workspace)
    elsewhere = make_endpoint(workspace, url="http://127.0.0.5:9/h")
    delivery = make_delivery(elsewhere)
    assert logged_in.get(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}").status_code == 404
    assert logged_in.post(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}/replay").status_code == 404


# --- who may see it --------------------------------------------------------------------------------


def test_a_member_gets_404_everywhere(client, auth, workspace):
    endpoint = make_endpoint(workspace)
    delivery = make_delivery(endpoint)
    member = add_member(workspace)
    auth.login(member)
    base = f"/settings/webhooks/{endpoint.id}"
    for url in (
        "/settings/webhooks",
        "/settings/webhooks/new",
        base,
        f"{base}/edit",
        f"{base}/deliveries/{delivery.id}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/delete", f"{base}/rotate", f"{base}/test", f"{base}/enabled", f"{base}/replay-failed"):
        assert client.post(url, data={"enabled": "0"}).status_code == 404, url
    assert _count(WebhookEndpoint) == 1
    assert "/settings/webhooks" not in client.get("/settings/").text  # no tab for members


def test_pages_run_a_constant_number_of_queries(app, logged_in, workspace, count_queries):
    def counts():
        endpoint = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).first()
        delivery = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
        urls = ["/settings/webhooks", f"/settings/webhooks/{endpoint.id}"]
        urls.append(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}")
        result = {}
        for url in urls:
            logged_in.get(url)
            db.session.expunge_all()  # nothing the test made is at hand for the request
            with count_queries() as counter:
                assert logged_in.get(url).status_code == 200
            result[url] = counter.count
        return result

    first = make_endpoint(workspace)
    make_delivery(first, attempts=1)
    small = counts()
    for n in range(6):
        extra = make_endpoint(workspace, url=f"http://127.0.1.{n}:9/h")
        make_delivery(extra)
        make_delivery(first, at=NOW + timedelta(minutes=n + 1), attempts=3)
    big = counts()
    assert list(small.values()) == list(big.values()), (small, big)
    assert max(big.values()) <= 10, big


# --- end to end with a real receiver ------------------------------------------------------------------


def test_test_event_reaches_a_real_receiver_and_the_log_shows_it(app, logged_in, workspace):
    from app.jobs.webhooks import settings_from
    from app.services.webhooks import deliver_due
    from tests.webhooks.helpers import Receiver

    settings = settings_from(app.config)

    with Receiver() as receiver:
        receiver.plan = [500]  # the first try fails, the replay succeeds
        logged_in.post(
            "/settings/webhooks/new", data={"url": receiver.url, "event_types": ["deal.won"], "enabled": "y"}
        )
        endpoint = db.session.scalar(select(WebhookEndpoint))
        logged_in.post(f"/settings/webhooks/{endpoint.id}/test")
        assert deliver_due(db.session, NOW, settings=settings) == 1
        delivery = db.session.scalar(select(WebhookDelivery))
        page = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}").text)
        assert "HTTP 500" in page.one("article", class_="attempt").text
        logged_in.post(f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}/replay")
        assert deliver_due(db.session, NOW + timedelta(seconds=1), settings=settings) == 1
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == [endpoint_service.TEST_EVENT_TYPE] * 2
    row = parse(logged_in.get(f"/settings/webhooks/{endpoint.id}").text).one(id=f"delivery-{delivery.id}")
    assert "Delivered" in row.text and "200" in row.text
