"""Delivering the outbox: claim the due deliveries, send them signed, log every attempt, retry
with backoff, fail when retries are exhausted, disable an endpoint that keeps failing, replay.

Order is strict per endpoint: a delivery is due only when no earlier event (by occurred_at, then
id) is still pending for the same endpoint, so a receiver sees one endpoint's events in event time
order; a failing delivery holds the later ones back until it succeeds or fails for good.

Claiming is safe with several workers: the due rows are selected FOR UPDATE SKIP LOCKED on
PostgreSQL (locking.skip_locked; SQLite's write lock serialises the claimers) and leased with a
conditional update of claimed_until, committed before anything is sent; the result is written only
while the lease is still this worker's. This module commits (like a job's progress): sending must
not hold a transaction open.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import urllib3
from sqlalchemy import and_, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased

from app.messages import Text
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.models.base import UTCDateTime
from app.services import ServiceError
from app.services.locking import lock, locked, skip_locked
from app.services.webhooks import backoff, signing
from app.services.webhooks.ssrf import check_url

EXCERPT_BYTES = 1024
LEASE_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class DeliverySettings:
    """What the configuration decides (app/jobs/webhooks.py builds it from the app config)."""

    timeout: float = 10.0
    allow_loopback: bool = False
    require_https: bool = True
    # an endpoint is disabled when this many attempts in a row failed over at least `disable_after`
    disable_after_failures: int = 5
    disable_after: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Outgoing:
    url: str
    address: str  # the checked IP address connected to
    headers: dict[str, str]
    body: str
    timeout: float


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str = ""
    error: str | Text | None = None  # why there is no answer, for the owner to read


Transport = Callable[[Outgoing], Answer]


def _number(value: float) -> int | float:
    """A number of seconds or hours, kept as JSON can (shown as the reader's locale writes it: 0,3)."""
    return int(value) if float(value).is_integer() else float(f"{value:g}")


def _could_not_connect(error: Exception) -> Text:
    # the reason is the network library's own words (English); what happened is said in the reader's
    return Text("Could not connect: %(reason)s", reason=str(error)[:200])


def send_pinned(request: Outgoing) -> Answer:
    """POST with urllib3 to the checked address, with the URL's host as Host header and as the TLS
    server name (certificate checked against it). No redirects, no retries, a timeout."""
    parts = urlsplit(request.url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(connect=request.timeout, read=request.timeout)
    headers = dict(request.headers, Host=parts.netloc.rsplit("@", 1)[-1])
    if https:
        pool = urllib3.HTTPSConnectionPool(
            request.address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(request.address, port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST", path, body=request.body.encode(), headers=headers, redirect=False, preload_content=False
        )
        try:
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        finally:
            response.close()
        return Answer(response.status, excerpt)
    except urllib3.exceptions.NewConnectionError as error:  # (a subclass of the timeout error)
        return Answer(None, error=_could_not_connect(error))
    except urllib3.exceptions.TimeoutError:
        return Answer(
            None, error=Text("No answer within %(seconds)s seconds (timed out).", seconds=_number(request.timeout))
        )
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return Answer(None, error=_could_not_connect(error))
    finally:
        pool.close()


def _due(now: datetime, limit: int):
    earlier = aliased(WebhookDelivery)
    earlier_event = aliased(WebhookEvent)
    held_back = exists().where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.status == "pending",
        earlier.event_id == earlier_event.id,
        or_(
            earlier_event.occurred_at < WebhookEvent.occurred_at,
            and_(earlier_event.occurred_at == WebhookEvent.occurred_at, earlier_event.id < WebhookEvent.id),
        ),
    )
    stmt = (
        select(WebhookDelivery.id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
            WebhookEndpoint.enabled.is_(True),
            ~held_back,
        )
        .order_by(WebhookEvent.occurred_at, WebhookEvent.id)
        .limit(limit)
    )
    return skip_locked(stmt, WebhookDelivery)


def claim(session, now: datetime, limit: int, lease_until: datetime) -> list[int]:
    """Lease up to `limit` due deliveries (at most one per endpoint: its earliest pending one)."""
    claimed = []
    for delivery_id in session.scalars(_due(now, limit)).all():
        result = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == "pending",
                or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
            )
            .values(claimed_until=lease_until)
        )
        if result.rowcount == 1:
            claimed.append(delivery_id)
    return claimed


def deliver_due(
    session,
    now: datetime,
    *,
    limit: int = 50,
    transport: Transport | None = None,
    settings: DeliverySettings | None = None,
    rng: random.Random | None = None,
) -> int:
    """Send what is due at `now`, up to `limit` attempts; returns how many attempts were made.
    Commits: the claim before sending, each result after it."""
    settings = settings or DeliverySettings()
    transport = transport or send_pinned
    lease_until = now + timedelta(seconds=settings.timeout) + LEASE_MARGIN
    made = 0
    while made < limit:
        claimed = claim(session, now, limit - made, lease_until)
        session.commit()
        if not claimed:
            break
        for delivery_id in claimed:
            _attempt(session, delivery_id, now, lease_until, transport, settings, rng)
            session.commit()
            made += 1
    return made


def _attempt(session, delivery_id, now, lease_until, transport, settings, rng) -> None:
    delivery, event, endpoint = session.execute(
        select(WebhookDelivery, WebhookEvent, WebhookEndpoint)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id == delivery_id)
    ).one()
    secret, url, endpoint_id = endpoint.secret, endpoint.url, endpoint.id
    msg_id, payload = event.msg_id, event.payload
    session.commit()  # nothing is held open while sending
    started = time.monotonic()
    try:
        addresses = check_url(url, allow_loopback=settings.allow_loopback, require_https=settings.require_https)
    except ServiceError as refused:
        answer = Answer(None, error=Text("Refused: %(reason)s", reason=refused.text))
    else:
        headers = signing.headers(secret, msg_id=msg_id, payload=payload, now=now)
        answer = transport(Outgoing(url, addresses[0], headers, payload, settings.timeout))
    duration_ms = int((time.monotonic() - started) * 1000)
    _record(session, delivery_id, endpoint_id, answer, duration_ms, now, lease_until, settings, rng)


def _record(session, delivery_id, endpoint_id, answer, duration_ms, now, lease_until, settings, rng) -> None:
    delivery = session.execute(locked(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))).scalar()
    if delivery is None:  # the endpoint was deleted meanwhile
        return
    session.add(
        WebhookAttempt(
            workspace_id=delivery.workspace_id,
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=answer.status_code,
            duration_ms=duration_ms,
            response_excerpt=answer.excerpt[:EXCERPT_BYTES],
            error=answer.error,
        )
    )
    if delivery.status != "pending" or delivery.claimed_until != lease_until:
        return  # replayed or taken over meanwhile: the attempt is logged, the delivery is not ours
    ok = answer.status_code is not None and 200 <= answer.status_code < 300
    delivery.attempt_count += 1
    delivery.last_status_code = answer.status_code
    delivery.claimed_until = None
    endpoint = WebhookEndpoint.__table__.c
    if ok:
        delivery.status = "delivered"
        delivery.delivered_at = now
        session.execute(
            update(WebhookEndpoint).where(endpoint.id == endpoint_id).values(consecutive_failures=0, failing_since=None)
        )
        return
    retry_at = backoff.next_attempt_at(delivery.attempt_count, now, rng)
    if retry_at is None:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = retry_at
    session.flush()
    session.execute(
        update(WebhookEndpoint)
        .where(endpoint.id == endpoint_id)
        .values(
            consecutive_failures=endpoint.consecutive_failures + 1,
            failing_since=func.coalesce(endpoint.failing_since, literal(now, UTCDateTime)),
        )
    )
    _disable_if_failing(session, endpoint_id, now, settings)


def _disable_if_failing(session, endpoint_id: int, now: datetime, settings: DeliverySettings) -> None:
    c = WebhookEndpoint.__table__.c
    hours = settings.disable_after.total_seconds() / 3600
    reason = Text(
        "Disabled automatically: %(failures)s or more attempts in a row failed over more than %(hours)s hours.",
        failures=settings.disable_after_failures,
        hours=_number(hours),
    )
    result = session.execute(
        update(WebhookEndpoint)
        .where(
            c.id == endpoint_id,
            c.enabled.is_(True),
            c.consecutive_failures >= settings.disable_after_failures,
            c.failing_since <= now - settings.disable_after,
        )
        .values(enabled=False, disabled_at=now, disabled_reason=reason)
    )
    if result.rowcount == 1:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "pending")
            .values(status="failed", claimed_until=None)
        )


def replay(session, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Send a delivery again from now, with a fresh retry schedule (its attempts stay in the log).
    To a disabled endpoint it waits until the endpoint is enabled again."""
    lock(session, delivery)
    delivery.status = "pending"
    delivery.attempt_count = 0
    delivery.next_attempt_at = now
    delivery.claimed_until = None
    delivery.delivered_at = None
    session.flush()
    return delivery
