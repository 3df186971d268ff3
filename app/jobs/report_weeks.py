"""Health over time in the worker: close the weeks that are over, every hour (a huey periodic task;
idempotent, so the hours after the first of a week change nothing). `flask reports close-week` does
the same by hand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from huey import crontab

from app.extensions import db

logger = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def close(app: Flask, *, clock: Callable[[], datetime] = _utcnow) -> int:
    """One close in an app context and transaction of its own (committed; rolled back on error)."""
    from app.services.reports.health import close_weeks

    with app.app_context():
        try:
            closed = close_weeks(db.session, clock())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
    return closed


def register(huey, app: Flask) -> None:
    def reports_close_weeks():
        try:
            close(app)
        except Exception:  # logged; the next hour tries again
            logger.exception("closing the health weeks failed")

    huey.periodic_task(crontab(minute="7"), name="orchard.reports_close_weeks")(reports_close_weeks)
