"""Webhook endpoints as the owner manages them (Settings → Webhooks): create, change, delete,
rotate the secret, enable/disable, send a test event, replay failed deliveries; and the reads the
pages need, each a fixed number of queries whatever the number of deliveries.

Flask-free: ServiceError(message, field) names the form field a refusal belongs to."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.messages import N_plural, Text
from app.models import Membership, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.models.workspace import ROLE_OWNER
from app.services import Gone, ServiceError
from app.services.pagination import Page
from app.services.webhooks import signing
from app.services.webhooks.delivery import replay
from app.services.webhooks.events import ALL, EVENT_TYPES
from app.services.webhooks.outbox import write_event
from app.services.webhooks.ssrf import check_url

ALL_EVENTS = ALL
TEST_EVENT_TYPE = "webhook.test"
DESCRIPTION_LENGTH = 200
URL_LENGTH = 2000
REPLAY_LIMIT = 500  # failed deliveries replayed by one "Replay failed deliveries"


@dataclass(frozen=True)
class EndpointRow:
    """An endpoint on the list, with the status and answer code of its latest delivery (None: none yet)."""

    endpoint: WebhookEndpoint
    last_status: str | None
    last_code: int | None


def event_types_of(endpoint: WebhookEndpoint) -> list[str]:
    """The event types an endpoint asked for; ["*"] means all of them."""
    try:
        types = json.loads(endpoint.event_types or "[]")
    except ValueError:
        return []
    return [t for t in types if isinstance(t, str)]


def _clean(fields: dict, *, allow_loopback: bool, require_https: bool) -> dict:
    url = (fields.get("url") or "").strip()
    if not url:
        raise ServiceError("Enter the URL that should receive the events.", field="url")
    if len(url) > URL_LENGTH:
        raise ServiceError(
            N_plural("Use at most %(num)s character.", "Use at most %(num)s characters.", URL_LENGTH), field="url"
        )
    check_url(url, allow_loopback=allow_loopback, require_https=require_https)
    description = (fields.get("description") or "").strip() or None
    if description and len(description) > DESCRIPTION_LENGTH:
        raise ServiceError(
            N_plural("Use at most %(num)s character.", "Use at most %(num)s characters.", DESCRIPTION_LENGTH),
            field="description",
        )
    types = list(fields.get("event_types") or [])
    if ALL_EVENTS in types:
        types = [ALL_EVENTS]
    else:
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown:
            raise ServiceError("Unknown event type: %(types)s.", field="event_types", types=", ".join(unknown))
        types = [t for t in EVENT_TYPES if t in types]  # the catalogue's order, once each
    if not types:
        raise ServiceError("Choose at least one event, or all events.", field="event_types")
    return {"url": url, "description": description, "event_types": json.dumps(types)}


def create_endpoint(
    session: Session, *, workspace_id: int, fields: dict, now: datetime, allow_loopback: bool, require_https: bool
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (returned here, to be shown once)."""
    values = _clean(fields, allow_loopback=allow_loopback, require_https=require_https)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        workspace_id=workspace_id,
        secret=secret,
        enabled=bool(fields.get("enabled", True)),
        consecutive_failures=0,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def update_endpoint(
    session: Session,
    endpoint: WebhookEndpoint,
    *,
    fields: dict,
    now: datetime,
    allow_loopback: bool,
    require_https: bool,
) -> WebhookEndpoint:
    values = _clean(fields, allow_loopback=allow_loopback, require_https=require_https)
    for name, value in values.items():
        setattr(endpoint, name, value)
    if "enabled" in fields:
        _enable(endpoint, bool(fields["enabled"]), now)
    endpoint.updated_at = now
    session.flush()
    return endpoint


def _enable(endpoint: WebhookEndpoint, enabled: bool, now: datetime) -> None:
    if enabled and not endpoint.enabled:
        endpoint.disabled_reason = None
        endpoint.disabled_at = None
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
    elif not enabled and endpoint.enabled:
        endpoint.disabled_reason = Text("Disabled by an owner.")
        endpoint.disabled_at = now
    endpoint.enabled = enabled


def set_enabled(session: Session, endpoint: WebhookEndpoint, enabled: bool, now: datetime) -> None:
    """Switch an endpoint on (its failure count starts again) or off (nothing more is sent to it)."""
    _enable(endpoint, enabled, now)
    endpoint.updated_at = now
    session.flush()


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries and attempts (the owner confirmed it)."""
    session.delete(endpoint)
    session.flush()


def rotate_secret(session: Session, endpoint: WebhookEndpoint, now: datetime) -> str:
    """A new secret for the endpoint (the old one stops verifying at once); returned to show once."""
    endpoint.secret = signing.new_secret()
    endpoint.updated_at = now
    session.flush()
    return endpoint.secret


def send_test(session: Session, endpoint: WebhookEndpoint, now: datetime) -> WebhookDelivery:
    """A `webhook.test` event delivered to this endpoint only (not to the others)."""
    if not endpoint.enabled:
        raise ServiceError("Enable the endpoint before sending it a test event.")
    event_id = write_event(
        session,
        workspace_id=endpoint.workspace_id,
        type=TEST_EVENT_TYPE,
        data={"endpoint_id": endpoint.id, "message": "A test event from Orchard."},
        occurred_at=now,
        endpoint_ids=[endpoint.id],
    )
    if event_id is None:  # disabled a moment ago by someone else
        raise ServiceError("Enable the endpoint before sending it a test event.")
    return session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event_id, WebhookDelivery.endpoint_id == endpoint.id)
    ).one()


def replay_one(session: Session, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Deliver this event again now (its attempts so far stay in the log)."""
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None:
        raise Gone()
    if not endpoint.enabled:
        raise ServiceError("Enable the endpoint before replaying its deliveries.")
    return replay(session, delivery, now)


def replay_failed(session: Session, endpoint: WebhookEndpoint, now: datetime) -> int:
    """Replay every failed delivery of the endpoint (up to REPLAY_LIMIT); how many were replayed."""
    if not endpoint.enabled:
        raise ServiceError("Enable the endpoint before replaying its deliveries.")
    failed = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "failed")
        .order_by(WebhookDelivery.id)
        .limit(REPLAY_LIMIT)
    ).all()
    if not failed:
        raise ServiceError("No failed deliveries to replay.")
    for item in failed:
        replay(session, item, now)
    return len(failed)


# --- reads -----------------------------------------------------------------------------------------


def endpoints_of(session: Session, workspace_id: int) -> list[EndpointRow]:
    """Every endpoint of the workspace with its latest delivery: one query."""
    latest = (
        select(func.max(WebhookDelivery.id))
        .where(WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .correlate(WebhookEndpoint)
        .scalar_subquery()
    )
    stmt = (
        select(WebhookEndpoint, WebhookDelivery.status, WebhookDelivery.last_status_code)
        .outerjoin(WebhookDelivery, WebhookDelivery.id == latest)
        .where(WebhookEndpoint.workspace_id == workspace_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return [EndpointRow(*row) for row in session.execute(stmt)]


def deliveries_page(session: Session, endpoint: WebhookEndpoint, page: int, per_page: int) -> Page:
    """The endpoint's delivery log, newest event first, with each event: two queries."""
    base = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookEvent.occurred_at.desc(), WebhookDelivery.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=[tuple(row) for row in rows], total=total or 0, page=page, per_page=per_page)


def delivery_of(
    session: Session, endpoint: WebhookEndpoint, delivery_id: int | None
) -> tuple[WebhookDelivery, WebhookEvent] | None:
    """One delivery of the endpoint with its event, or None (not this endpoint's): one query."""
    if delivery_id is None:
        return None
    row = session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.workspace_id == endpoint.workspace_id,
        )
    ).one_or_none()
    return tuple(row) if row else None


def attempts_of(session: Session, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    """Every attempt of a delivery, newest first: one query."""
    return list(
        session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery.id)
            .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
        )
    )


def disabled_count(session: Session, workspace_id: int) -> int:
    """How many endpoints of the workspace are disabled (the dashboard banner): one query."""
    return session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.workspace_id == workspace_id, WebhookEndpoint.enabled.is_(False))
    )


def disabled_for_owners(session: Session, user_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """(owner's user id, workspace id) -> disabled endpoints there, for the digest: one query."""
    stmt = (
        select(Membership.user_id, Membership.workspace_id, func.count(WebhookEndpoint.id))
        .join(WebhookEndpoint, WebhookEndpoint.workspace_id == Membership.workspace_id)
        .where(Membership.role == ROLE_OWNER, WebhookEndpoint.enabled.is_(False))
        .group_by(Membership.user_id, Membership.workspace_id)
    )
    if user_ids is not None:
        stmt = stmt.where(Membership.user_id.in_(list(user_ids)))
    return {(user_id, workspace_id): count for user_id, workspace_id, count in session.execute(stmt)}
