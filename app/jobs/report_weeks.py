"""Health over time in the worker: close the weeks that are over, every hour (a huey periodic task;
idempotent, so the hours after the first of a week change nothing). `flask reports close-week` does
the same by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from huey import crontab

from app.jobs.periodic import every, in_own_transaction


def _utcnow() -> datetime:
    return datetime.now(UTC)


def close(app: Flask, *, clock: Callable[[], datetime] = _utcnow) -> int:
    """One close in an app context and transaction of its own (committed; rolled back on error)."""
    from app.services.reports.health import close_weeks

    return in_own_transaction(app, lambda session: close_weeks(session, clock()))


def register(huey, app: Flask) -> None:
    """Every hour at :07 in the worker (its consumer runs the periodic tasks)."""
    every(
        huey, crontab(minute="7"), "orchard.reports_close_weeks", lambda: close(app), "closing the health weeks failed"
    )
