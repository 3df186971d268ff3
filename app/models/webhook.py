"""Webhooks: the endpoints a workspace sends events to, the outbox of events, one delivery per
(endpoint, event) and the log of every attempt to send it (app/services/webhooks)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.messages import Text as TextForReader
from app.models.base import ShortTextForUser, Timestamps, UTCDateTime, WorkspaceScoped, utcnow


class WebhookEndpoint(WorkspaceScoped, Timestamps, db.Model):
    __tablename__ = "webhook_endpoint"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    # a JSON list of event types; ["*"] means every type
    event_types: Mapped[str] = mapped_column(Text, default='["*"]')
    # "whsec_" + base64 of 24 random bytes: kept in clear because signing needs it
    secret: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # why it was disabled, for the owner to read: a text (shown in the reader's language)
    disabled_reason: Mapped[str | TextForReader | None] = mapped_column(ShortTextForUser(300))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # attempts failed in a row (any success resets it) and when the first of them was made
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookEvent(WorkspaceScoped, db.Model):
    """The transactional outbox: written in the same transaction as the change it tells of."""

    __tablename__ = "webhook_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)  # the webhook-id header
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[str] = mapped_column(Text)  # the JSON body exactly as sent


class WebhookDelivery(WorkspaceScoped, db.Model):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True)
    # pending -> delivered | failed (retries exhausted, or its endpoint disabled); a replay makes a
    # failed or delivered one pending again
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # a worker that claimed it sends it until then; after that another worker may claim it again
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)

    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="raise_on_sql")
    event: Mapped[WebhookEvent] = relationship(lazy="raise_on_sql")


class WebhookAttempt(WorkspaceScoped, db.Model):
    __tablename__ = "webhook_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")  # the first KB of the answer
    error: Mapped[str | TextForReader | None] = mapped_column(ShortTextForUser(300))  # a text, as above
