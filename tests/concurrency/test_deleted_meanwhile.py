"""A page answered after its commit, when someone else deleted what it was about in between: the
request's change was saved, and the answer is "not found" — never a server error."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Partner
from tests.conftest import make_partner

pytestmark = pytest.mark.usefixtures("frozen_clock")


@contextmanager
def deleted_after_next_commit(partner_id: int):
    """Once the request's transaction commits, another connection deletes the partner (what a
    teammate's delete landing between the commit and the rendering does)."""
    pending = [partner_id]

    def deleted_by_someone_else(session):
        if pending:
            with db.engine.begin() as other:
                other.execute(delete(Partner).where(Partner.id == pending.pop()))

    event.listen(Session, "after_commit", deleted_by_someone_else)
    try:
        yield
    finally:
        event.remove(Session, "after_commit", deleted_by_someone_else)


def test_a_contact_added_just_before_its_partner_is_deleted_answers_not_found(logged_in, workspace):
    partner = make_partner(workspace, name="Leaving")
    db.session.commit()
    with deleted_after_next_commit(partner.id):
        response = logged_in.post(f"/partners/{partner.id}/contacts", data={"name": "Late Contact"})
    assert response.status_code == 404
