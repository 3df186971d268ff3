"""What the worker's periodic tasks share: one unit of work in an app context and a transaction of
its own, and a schedule whose failures are logged (the next run tries again) instead of stopping the
consumer. The tasks: webhook_scan (every minute), report_weeks (hourly), trash_purge (nightly)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from huey import crontab
from sqlalchemy.orm import Session

from app.extensions import db

logger = logging.getLogger(__name__)
T = TypeVar("T")


def in_own_transaction(app: Flask, work: Callable[[Session], T]) -> T:
    """`work(session)` in an app context of its own, committed; rolled back on error."""
    with app.app_context():
        try:
            result = work(db.session)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
    return result


def every(huey, schedule: crontab, name: str, run: Callable[[], object], failure: str) -> None:
    """Register `run` as a periodic task; an exception is logged as `failure`, never raised."""

    def task():
        try:
            run()
        except Exception:  # logged; the next run tries again
            logger.exception(failure)

    task.__name__ = name.rsplit(".", 1)[-1]
    huey.periodic_task(schedule, name=name)(task)
