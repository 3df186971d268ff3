"""/api/v1/partners: list, create, read, change, archive/restore, delete, health."""

from __future__ import annotations

from app.extensions import db
from app.models import Partner
from tests.conftest import add_member, make_partner

PROBLEM = "application/problem+json"


def test_create_then_read(api, workspace, user):
    response = api.post(
        "/api/v1/partners", json={"name": "Acme Studio", "tier": "A", "website": "https://acme.example"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "Acme Studio" and body["tier"] == "A" and body["owner_id"] == user.id
    assert response.headers["Location"].endswith(f"/api/v1/partners/{body['id']}")
    again = api.get(response.headers["Location"])
    assert again.status_code == 200 and again.get_json() == body


def test_create_answers_with_the_forms_messages(api):
    response = api.post("/api/v1/partners", json={"name": "", "website": "not a site"})
    assert response.status_code == 422 and response.content_type == PROBLEM
    errors = response.get_json()["errors"]
    assert errors["name"] == ["This field is required."]
    assert errors["website"] == ["Enter a web address, like example.com or https://example.com"]


def test_create_refuses_wrong_types_and_unknown_fields(api):
    response = api.post("/api/v1/partners", json={"name": 5, "colour": "red", "tier": "Z"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"name", "colour", "tier"}


def test_service_rule_is_a_field_error(api):
    response = api.post("/api/v1/partners", json={"name": "Grumpy", "no_prospects": True})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "no_prospects_reason": ["Say why this partner has no prospects, so the team knows."]
    }


def test_owner_must_be_a_member(api, other):
    response = api.post("/api/v1/partners", json={"name": "X", "owner_id": other["user"].id})
    assert response.status_code == 422 and "owner_id" in response.get_json()["errors"]


def test_patch_keeps_what_it_leaves_out(api, workspace):
    partner = make_partner(workspace, name="Old", tier="C", notes="keep me")
    response = api.patch(f"/api/v1/partners/{partner.id}", json={"name": "New"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "New" and body["tier"] == "C" and body["notes"] == "keep me"
    bad = api.patch(f"/api/v1/partners/{partner.id}", json={"name": ""})
    assert bad.status_code == 422 and bad.get_json()["errors"]["name"] == ["This field is required."]


def test_archive_and_restore(api, workspace):
    partner = make_partner(workspace)
    archived = api.post(f"/api/v1/partners/{partner.id}/archive")
    assert archived.status_code == 200 and archived.get_json()["archived"] is True
    listed = api.get("/api/v1/partners").get_json()["data"]
    assert partner.id not in [p["id"] for p in listed]
    only = api.get("/api/v1/partners?archived=only").get_json()["data"]
    assert [p["id"] for p in only] == [partner.id]
    restored = api.post(f"/api/v1/partners/{partner.id}/restore")
    assert restored.get_json()["archived"] is False


def test_delete_needs_the_typed_name_and_an_owner(api, api_token, client, workspace):
    partner = make_partner(workspace, name="Gone Ltd")
    wrong = api.delete(f"/api/v1/partners/{partner.id}?confirm_name=Gone")
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {"confirm_name": ["Type the partner's name exactly as shown to confirm."]}
    missing = api.delete(f"/api/v1/partners/{partner.id}")
    assert missing.status_code == 422 and "confirm_name" in missing.get_json()["errors"]
    member = add_member(workspace)
    as_member = api.as_token(api_token(member, workspace))
    assert as_member.delete(f"/api/v1/partners/{partner.id}?confirm_name=Gone Ltd").status_code == 403
    done = api.delete(f"/api/v1/partners/{partner.id}?confirm_name=Gone Ltd")
    assert done.status_code == 204 and done.data == b""
    assert db.session.get(Partner, partner.id) is None
    assert api.get(f"/api/v1/partners/{partner.id}").status_code == 404


def test_health(api, workspace):
    partner = make_partner(workspace)
    body = api.get(f"/api/v1/partners/{partner.id}/health").get_json()
    assert body["partner_id"] == partner.id and 0 <= body["score"] <= 100
    assert {c["key"] for c in body["components"]} >= {"recency", "reciprocity", "breadth"}


def test_another_workspaces_partner_is_a_plain_404(api, other):
    missing = api.get("/api/v1/partners/999999")
    theirs = api.get(f"/api/v1/partners/{other['partner'].id}")
    assert missing.status_code == theirs.status_code == 404
    assert missing.get_json() == theirs.get_json() and theirs.content_type == PROBLEM
    for method, suffix in (
        ("PATCH", ""),
        ("DELETE", "?confirm_name=Outsider Partner"),
        ("POST", "/archive"),
        ("POST", "/restore"),
        ("GET", "/health"),
    ):
        response = api.open(
            method, f"/api/v1/partners/{other['partner'].id}{suffix}", json={} if method == "PATCH" else None
        )
        assert response.status_code == 404, (method, suffix)


def test_a_website_without_a_scheme_is_taken_as_https(api):
    response = api.post("/api/v1/partners", json={"name": "Acme", "website": "acme.com"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["website"] == "https://acme.com"
