"""Helpers of the audit log's tests: the events written, and a workspace with a few rows to change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent
from app.services.audit import Actor, set_actor


def events(session, workspace_id=None, **where):
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if workspace_id is not None:
        stmt = stmt.where(AuditEvent.workspace_id == workspace_id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(stmt))


@pytest.fixture
def acting(session, user):
    """The test's changes are made by `user` (as a page of theirs would)."""
    set_actor(session, Actor.of_user(user))
    yield user
    session.info.clear()
