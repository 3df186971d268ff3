"""Who made a change, when it was not a person — an API token, a job, the system — is worded in the
reader's language on the audit log (the words were stored in English)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.services import audit, partners
from app.services.audit.actor import SYSTEM
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _partner_by(session, workspace, actor, name, now):
    audit.set_actor(session, actor)
    partners.create_partner(session, workspace.id, {"name": name, "kind": "company"}, now)
    session.commit()
    session.info.clear()


def test_who_changed_it_is_in_the_readers_language(logged_in, session, user, workspace, now):
    _partner_by(session, workspace, audit.Actor.of_token(SimpleNamespace(name="Zapier", id=None), user), "One", now)
    job = SimpleNamespace(kind="import.run", id=7, user_id=user.id)
    _partner_by(session, workspace, audit.Actor.of_job(job), "Two", now)
    _partner_by(
        session, workspace, audit.Actor.of_job(SimpleNamespace(kind="backup.restore", id=8, user_id=None)), "Three", now
    )
    _partner_by(session, workspace, SYSTEM, "Four", now)
    english = [a.text for a in parse(logged_in.get("/settings/audit-log").text).find_all(class_="audit-actor")]
    assert "API token “Zapier” of Olga Owner" in english and "import job #7" in english
    user.locale = "ru"
    session.commit()
    russian = [a.text for a in parse(logged_in.get("/settings/audit-log").text).find_all(class_="audit-actor")]
    for label in russian:
        assert not any(word in label for word in ("API token", " of ", "job", "restore", "system")), russian
    assert any("Zapier" in label and "Olga Owner" in label for label in russian)
    assert any("7" in label for label in russian)
