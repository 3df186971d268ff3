"""Signed webhooks (Standard Webhooks): the outbox, delivery with retries, SSRF checks.

    emit(session, workspace_id=..., type=..., data=..., occurred_at=...)   in the caller's transaction
    deliver_due(session, now)                                            the worker's loop (delivery.py)
    replay(session, delivery, now)                                       send a delivery again

See docs/WEBHOOKS.md for what a receiver sees.
"""

from __future__ import annotations

from datetime import datetime

from app.services.webhooks.events import EVENT_GROUPS, EVENT_TYPES
from app.services.webhooks.outbox import write_event


def emit(session, *, workspace_id: int, type: str, data: dict, occurred_at: datetime) -> None:
    """Record that `type` happened: the event and one pending delivery per enabled endpoint of the
    workspace subscribed to it, written in the caller's transaction (safe inside an after_flush hook)."""
    write_event(session, workspace_id=workspace_id, type=type, data=data, occurred_at=occurred_at)


__all__ = ["EVENT_GROUPS", "EVENT_TYPES", "emit"]
