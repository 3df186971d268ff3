"""The transactional outbox: `emit` writes the event and its deliveries in the caller's transaction.

It uses Core statements through `session.execute`, so it works the same from ordinary code and from
a session `after_flush` hook (where `session.add` would only be flushed by the next flush): the rows
are in the transaction the moment `emit` returns, and a rollback takes them away with the change.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import insert, select

from app.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.services.webhooks.events import ALL


def new_msg_id() -> str:
    return "msg_" + secrets.token_urlsafe(24)


def subscribed(event_types_json: str, event_type: str) -> bool:
    try:
        types = json.loads(event_types_json or "[]")
    except ValueError:
        return False
    return ALL in types or event_type in types


def body(*, event_type: str, occurred_at: datetime, workspace_id: int, data: dict) -> str:
    """The JSON body sent to the endpoints, exactly as stored."""
    document = {
        "type": event_type,
        "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
        "workspace_id": workspace_id,
        "data": data,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str)


def write_event(
    session, *, workspace_id: int, type: str, data: dict, occurred_at: datetime, endpoint_ids=None
) -> int | None:
    """Write the event and one pending delivery per enabled endpoint subscribed to its type (or only
    to `endpoint_ids` when given). No endpoint wants it: nothing is written. Returns the event id."""
    rows = session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
            WebhookEndpoint.workspace_id == workspace_id, WebhookEndpoint.enabled.is_(True)
        )
    ).all()
    if endpoint_ids is not None:
        wanted = [row.id for row in rows if row.id in set(endpoint_ids)]
    else:
        wanted = [row.id for row in rows if subscribed(row.event_types, type)]
    if not wanted:
        return None
    event_id = session.execute(
        insert(WebhookEvent).values(
            workspace_id=workspace_id,
            msg_id=new_msg_id(),
            type=type,
            occurred_at=occurred_at,
            payload=body(event_type=type, occurred_at=occurred_at, workspace_id=workspace_id, data=data),
        )
    ).inserted_primary_key[0]
    session.execute(
        insert(WebhookDelivery),
        [
            {
                "workspace_id": workspace_id,
                "endpoint_id": endpoint_id,
                "event_id": event_id,
                "status": "pending",
                "attempt_count": 0,
                "next_attempt_at": occurred_at,
            }
            for endpoint_id in wanted
        ],
    )
    return event_id
