"""/api/v1/partners/{id}/referrer, /ancestry, /children, /subtree."""

from __future__ import annotations

from tests.conftest import make_contact, make_partner


def test_set_and_clear_the_referrer(api, workspace):
    root = make_partner(workspace, name="Root")
    middle = make_partner(workspace, name="Middle")
    leaf = make_partner(workspace, name="Leaf")
    introducer = make_contact(root, name="Intro")
    response = api.put(
        f"/api/v1/partners/{middle.id}/referrer",
        json={"referrer_id": root.id, "contact_id": introducer.id, "referred_on": "2026-11-01", "note": "At a fair"},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["referrer_id"] == root.id and body["generation"] == 1 and body["root_id"] == root.id
    assert body["contact_id"] == introducer.id and body["referred_on"] == "2026-11-01" and body["note"] == "At a fair"
    assert api.put(f"/api/v1/partners/{leaf.id}/referrer", json={"referrer_id": middle.id}).status_code == 200

    ancestry = api.get(f"/api/v1/partners/{leaf.id}/ancestry").get_json()["data"]
    assert [(n["name"], n["generation"]) for n in ancestry] == [("Root", 0), ("Middle", 1), ("Leaf", 2)]
    children = api.get(f"/api/v1/partners/{root.id}/children").get_json()["data"]
    assert [n["name"] for n in children] == ["Middle"] and children[0]["subtree_size"] == 2
    subtree = api.get(f"/api/v1/partners/{root.id}/subtree").get_json()
    assert (subtree["subtree_size"], subtree["subtree_depth"], subtree["direct_count"]) == (3, 2, 1)

    assert api.delete(f"/api/v1/partners/{middle.id}/referrer").status_code == 204
    assert api.get(f"/api/v1/partners/{middle.id}").get_json()["referred_by_id"] is None
    assert api.get(f"/api/v1/partners/{root.id}/subtree").get_json()["subtree_size"] == 1


def test_the_tabs_rules(api, workspace, other):
    a = make_partner(workspace, name="A")
    b = make_partner(workspace, name="B", referred_by_id=a.id)
    loop = api.put(f"/api/v1/partners/{a.id}/referrer", json={"referrer_id": b.id})
    assert loop.status_code == 422 and "referrer_id" in loop.get_json()["errors"]  # the field it was sent as
    itself = api.put(f"/api/v1/partners/{a.id}/referrer", json={"referrer_id": a.id})
    assert itself.get_json()["errors"] == {"referrer_id": ["A partner cannot refer itself."]}
    foreign = api.put(f"/api/v1/partners/{a.id}/referrer", json={"referrer_id": other["partner"].id})
    assert foreign.get_json()["errors"] == {"referrer_id": ["Choose a referrer among this workspace's partners."]}
    future = api.put(f"/api/v1/partners/{b.id}/referrer", json={"referrer_id": a.id, "referred_on": "2999-01-01"})
    assert future.get_json()["errors"] == {"referred_on": ["The referral date cannot be in the future."]}
    missing = api.put(f"/api/v1/partners/{b.id}/referrer", json={})
    assert missing.status_code == 422 and "referrer_id" in missing.get_json()["errors"]
