"""/api/v1/partners/{id}/contacts and /api/v1/contacts/{id}."""

from __future__ import annotations

from tests.conftest import make_contact, make_partner


def test_add_list_read_change(api, workspace):
    partner = make_partner(workspace)
    created = api.post(f"/api/v1/partners/{partner.id}/contacts", json={"name": "Ann", "email": "ANN@Example.com"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["email"] == "ann@example.com" and body["partner_id"] == partner.id
    assert api.get(created.headers["Location"]).get_json() == body
    listed = api.get(f"/api/v1/partners/{partner.id}/contacts").get_json()
    assert [c["name"] for c in listed["data"]] == ["Ann"] and listed["next_cursor"] is None
    changed = api.patch(f"/api/v1/contacts/{body['id']}", json={"role": "CEO"})
    assert changed.status_code == 200 and changed.get_json()["role"] == "CEO"
    assert changed.get_json()["email"] == "ann@example.com"


def test_the_forms_messages(api, workspace):
    partner = make_partner(workspace)
    response = api.post(f"/api/v1/partners/{partner.id}/contacts", json={"name": "", "email": "nope"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["name"] == ["This field is required."] and errors["email"] == ["Invalid email address."]


def test_one_primary_contact(api, workspace):
    partner = make_partner(workspace)
    first = make_contact(partner, is_primary=True)
    second = make_contact(partner)
    assert api.patch(f"/api/v1/contacts/{second.id}", json={"is_primary": True}).status_code == 200
    assert api.get(f"/api/v1/contacts/{first.id}").get_json()["is_primary"] is False


def test_remove_and_restore(api, workspace):
    partner = make_partner(workspace)
    contact = make_contact(partner)
    response = api.delete(f"/api/v1/contacts/{contact.id}")
    assert response.status_code == 204
    assert api.get(f"/api/v1/partners/{partner.id}/contacts").get_json()["data"] == []
    removed = api.get(f"/api/v1/partners/{partner.id}/contacts?removed=only").get_json()["data"]
    assert [c["id"] for c in removed] == [contact.id] and removed[0]["removed"] is True
    restored = api.post(f"/api/v1/contacts/{contact.id}/restore")
    assert restored.status_code == 200 and restored.get_json()["removed"] is False
    assert api.get(f"/api/v1/partners/{partner.id}").get_json()["contact_count"] == 1


def test_another_workspaces_contacts(api, other):
    assert api.get(f"/api/v1/contacts/{other['contact'].id}").status_code == 404
    assert api.get(f"/api/v1/partners/{other['partner'].id}/contacts").status_code == 404
    added = api.post(f"/api/v1/partners/{other['partner'].id}/contacts", json={"name": "Spy"})
    assert added.status_code == 404
