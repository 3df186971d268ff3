"""Who may call the API: a bearer token only (never a session cookie), its scope enforced for
every write, and a browser page never accepting a token."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import ApiToken
from app.services.api_tokens import revoke_token
from tests.api.conftest import ApiClient, make_token
from tests.conftest import NOW, app_on_empty_database, make_partner, make_user, workspace_of

PROBLEM = "application/problem+json"


def test_no_token_is_401_with_a_challenge(client, user):
    response = client.get("/api/v1/partners")
    assert response.status_code == 401 and response.content_type == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    assert body["status"] == 401 and body["title"] == "Authentication required"


@pytest.mark.parametrize("header", ["Bearer orch_nope", "Basic b3JjaDp4", "Bearer ", "orch_abc"])
def test_bad_token_is_401(client, user, header):
    response = client.get("/api/v1/partners", headers={"Authorization": header})
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]


def test_revoked_and_expired_tokens_are_401(client, user, workspace, frozen_clock):
    revoked = make_token(user, workspace)
    token = db.session.query(ApiToken).one()
    revoke_token(db.session, token, NOW)
    db.session.commit()
    assert ApiClient(client, revoked).get("/api/v1/partners").status_code == 401
    expiring = make_token(user, workspace, expires_on=date(2026, 11, 25))
    assert ApiClient(client, expiring).get("/api/v1/partners").status_code == 200
    frozen_clock.move_to("2026-11-26T12:00:00+00:00")
    assert ApiClient(client, expiring).get("/api/v1/partners").status_code == 401


def test_a_session_cookie_never_authenticates_the_api(logged_in):
    response = logged_in.get("/api/v1/partners")
    assert response.status_code == 401
    assert logged_in.post("/api/v1/partners", json={"name": "X"}).status_code == 401


def test_a_page_never_accepts_a_bearer_token(client, user, workspace):
    token = make_token(user, workspace)
    response = client.get("/partners/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_read_token_reads_but_never_writes(client, user, workspace):
    partner = make_partner(workspace, name="Readable")
    reader = ApiClient(client, make_token(user, workspace, scope="read"))
    assert reader.get(f"/api/v1/partners/{partner.id}").status_code == 200
    for method, url in (
        ("POST", "/api/v1/partners"),
        ("PATCH", f"/api/v1/partners/{partner.id}"),
        ("DELETE", f"/api/v1/partners/{partner.id}?confirm_name=Readable"),
        ("POST", f"/api/v1/partners/{partner.id}/archive"),
        ("PUT", f"/api/v1/partners/{partner.id}/referrer"),
    ):
        response = reader.open(method, url, json={"name": "Changed"})
        assert response.status_code == 403, (method, url)
        assert response.content_type == PROBLEM
    assert db.session.get(type(partner), partner.id).name == "Readable"


def test_the_token_speaks_for_its_workspace(client, user, workspace, other):
    theirs = ApiClient(client, make_token(other["user"], other["workspace"]))
    names = [p["name"] for p in theirs.get("/api/v1/partners").get_json()["data"]]
    assert names == ["Outsider Partner"]


def test_a_token_of_someone_no_longer_a_member_is_refused(client, user, workspace):
    from app.models import Membership

    token = make_token(user, workspace)
    db.session.query(Membership).filter_by(user_id=user.id).delete()
    db.session.commit()
    assert ApiClient(client, token).get("/api/v1/partners").status_code == 401


def test_last_use_is_recorded(client, user, workspace, frozen_clock):
    token = make_token(user, workspace)
    assert ApiClient(client, token).get("/api/v1/partners").status_code == 200
    db.session.expire_all()
    assert db.session.query(ApiToken).one().last_used_at == NOW


def test_no_csrf_for_the_api(tmp_path):
    with app_on_empty_database(tmp_path, WTF_CSRF_ENABLED=True) as app:
        owner = make_user()
        token = make_token(owner, workspace_of(owner))
        response = ApiClient(app.test_client(), token).post("/api/v1/partners", json={"name": "Via API"})
        assert response.status_code == 201


def test_rate_limit_per_token_with_retry_after(tmp_path):
    with app_on_empty_database(tmp_path, RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute") as app:
        owner = make_user()
        ws = workspace_of(owner)
        first, second = make_token(owner, ws, name="a"), make_token(owner, ws, name="b")
        api = ApiClient(app.test_client(), first)
        assert [api.get("/api/v1/partners").status_code for _ in range(2)] == [200, 200]
        limited = api.get("/api/v1/partners")
        assert limited.status_code == 429 and limited.content_type == PROBLEM
        assert int(limited.headers["Retry-After"]) > 0
        assert api.as_token(second).get("/api/v1/partners").status_code == 200  # its own bucket


def test_rate_limit_counts_every_route_of_a_token_together(tmp_path):
    """Observed: 300 a minute per route, so ~30 × the published limit per token."""
    with app_on_empty_database(tmp_path, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute") as app:
        owner = make_user()
        token = make_token(owner, workspace_of(owner))
        api = ApiClient(app.test_client(), token)
        answers = [api.get(url).status_code for url in ("/api/v1/partners", "/api/v1/deals", "/api/v1/reminders")]
        assert answers == [200, 200, 200]
        assert api.get("/api/v1/dashboard/flags").status_code == 429
        assert api.get("/api/v1/partners").status_code == 429
