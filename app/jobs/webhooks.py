"""Webhook delivery in the worker: a periodic task, every minute, that sends what is due
(app/services/webhooks/delivery.py). Several workers may run it at once: claiming is safe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from huey import crontab

from app.extensions import db
from app.services.webhooks import DeliverySettings, deliver_due


def settings_from(config) -> DeliverySettings:
    return DeliverySettings(
        timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        allow_loopback=bool(config["WEBHOOKS_ALLOW_LOOPBACK"]),
        require_https=bool(config["WEBHOOKS_REQUIRE_HTTPS"]),
        disable_after_failures=int(config["WEBHOOK_DISABLE_AFTER_FAILURES"]),
        disable_after=timedelta(hours=float(config["WEBHOOK_DISABLE_AFTER_HOURS"])),
    )


def deliver(app: Flask, now: datetime | None = None, *, limit: int | None = None) -> int:
    """Run one delivery pass in an app context of its own; returns the attempts made."""
    with app.app_context():
        try:
            return deliver_due(
                db.session,
                now or datetime.now(UTC),
                limit=limit or int(app.config["WEBHOOK_BATCH_SIZE"]),
                settings=settings_from(app.config),
            )
        finally:
            db.session.remove()


def register(jobs) -> None:
    """Add the every-minute delivery task to the app's queue."""
    jobs.huey.periodic_task(crontab(minute="*"), name="orchard.webhooks.deliver")(lambda: deliver(jobs.app))
