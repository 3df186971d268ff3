"""Interactions over the API: log, list (partner, kind, updated_since), read, edit, delete, restore."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Interaction
from app.services import interactions as service

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def partner(factories, workspace):
    return factories.partner(workspace, name="Acme")


def log(partner, now, **values):
    data = {"kind": "call", "direction": "ours", "occurred_at": now - timedelta(hours=1), "summary": "Hi", **values}
    interaction = service.log_interaction(db.session, partner, data, actor_id=None, now=now)
    db.session.commit()
    return interaction


def test_log_with_an_offset(api, partner, factories, user):
    contact = factories.contact(partner, name="Ann")
    response = api.post(
        "/api/v1/interactions",
        json={
            "partner_id": partner.id,
            "kind": "meeting",
            "direction": "theirs",
            "contact_id": contact.id,
            "occurred_at": "2026-11-24T10:30:00+02:00",
            "summary": "Lunch",
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["occurred_at"].startswith("2026-11-24T08:30:00")
    assert body["contact_id"] == contact.id and body["created_by_id"] == user.id
    assert response.headers["Location"].endswith(f"/api/v1/interactions/{body['id']}")


def test_log_refusals_with_the_pages_messages(api, partner, other):
    future = api.post(
        "/api/v1/interactions",
        json={"partner_id": partner.id, "kind": "call", "occurred_at": "2026-12-30T10:00:00+00:00"},
    )
    assert future.status_code == 422
    assert future.json["errors"]["occurred_at"] == [
        "That is in the future. Log what happened; plan what comes next with a reminder."
    ]
    missing = api.post("/api/v1/interactions", json={"partner_id": partner.id, "kind": "call"})
    assert missing.status_code == 422 and missing.json["errors"]["occurred_at"] == ["Say when it happened."]
    note = api.post(
        "/api/v1/interactions",
        json={"partner_id": partner.id, "kind": "note", "occurred_at": "2026-11-24T10:00:00Z"},
    )
    assert note.status_code == 422 and note.json["errors"]["summary"] == ["A note needs some text."]
    foreign = api.post(
        "/api/v1/interactions",
        json={
            "partner_id": partner.id,
            "kind": "call",
            "occurred_at": "2026-11-24T10:00:00Z",
            "contact_id": other["contact"].id,
        },
    )
    assert foreign.status_code == 422
    assert foreign.json["errors"]["contact_id"] == ["Choose one of this partner's contacts."]
    theirs = api.post(
        "/api/v1/interactions",
        json={"partner_id": other["partner"].id, "kind": "call", "occurred_at": "2026-11-24T10:00:00Z"},
    )
    assert theirs.status_code == 422 and "partner_id" in theirs.json["errors"]
    assert db.session.query(Interaction).count() == 0


def test_list_filters_and_updated_since(api, partner, factories, workspace, now, frozen_clock):
    other_partner = factories.partner(workspace, name="Beta")
    call = log(partner, now)
    note = log(other_partner, now, kind="note", summary="Idea")
    assert [i["id"] for i in api.get(f"/api/v1/interactions?partner_id={partner.id}").json["data"]] == [call.id]
    assert [i["id"] for i in api.get("/api/v1/interactions?kind=note").json["data"]] == [note.id]
    frozen_clock.shift(timedelta(hours=2))
    assert api.patch(f"/api/v1/interactions/{call.id}", json={"summary": "Edited"}).status_code == 200
    since = (now + timedelta(hours=1)).isoformat()
    changed = api.get("/api/v1/interactions", query_string={"updated_since": since}).json["data"]
    assert [i["id"] for i in changed] == [call.id]


def test_patch_keeps_what_is_not_sent(api, partner, now):
    call = log(partner, now, summary="First")
    response = api.patch(f"/api/v1/interactions/{call.id}", json={"kind": "email"})
    assert response.status_code == 200, response.json
    assert response.json["kind"] == "email" and response.json["summary"] == "First"
    assert response.json["direction"] == "ours"
    bad = api.patch(f"/api/v1/interactions/{call.id}", json={"kind": "note", "summary": ""})
    assert bad.status_code == 422 and bad.json["errors"]["summary"] == ["A note needs some text."]


def test_delete_and_restore(api, partner, now):
    call = log(partner, now)
    assert api.delete(f"/api/v1/interactions/{call.id}").status_code == 204
    assert api.get("/api/v1/interactions").json["data"] == []
    assert [i["id"] for i in api.get("/api/v1/interactions?deleted=true").json["data"]] == [call.id]
    assert api.get(f"/api/v1/interactions/{call.id}").json["deleted"] is True
    edit = api.patch(f"/api/v1/interactions/{call.id}", json={"summary": "x"})
    assert edit.status_code == 422
    assert edit.json["detail"] == "This interaction was deleted. Undo the delete to edit it."
    restored = api.post(f"/api/v1/interactions/{call.id}/restore")
    assert restored.status_code == 200 and restored.json["deleted"] is False


def test_another_workspaces_interaction_is_not_found(api, other, now):
    theirs = log(other["partner"], now)
    missing = api.get("/api/v1/interactions/999999")
    for response in (
        api.get(f"/api/v1/interactions/{theirs.id}"),
        api.patch(f"/api/v1/interactions/{theirs.id}", json={"summary": "x"}),
        api.delete(f"/api/v1/interactions/{theirs.id}"),
        api.post(f"/api/v1/interactions/{theirs.id}/restore"),
    ):
        assert response.status_code == 404 and response.json == missing.json
    assert api.get("/api/v1/interactions").json["data"] == []
    db.session.expire_all()
    assert db.session.get(Interaction, theirs.id).deleted_at is None


def test_list_runs_constant_queries(api, partner, factories, now, count_queries):
    def measure():
        api.get("/api/v1/interactions?limit=100")
        with count_queries() as counter:
            response = api.get("/api/v1/interactions?limit=100")
        assert response.status_code == 200
        return counter.count, len(response.json["data"])

    contact = factories.contact(partner)
    log(partner, now, contact_id=contact.id)
    few, n = measure()
    for i in range(10):
        log(partner, now - timedelta(days=i + 1), contact_id=contact.id)
    many, m = measure()
    assert (n, m) == (1, 11)
    assert few == many
