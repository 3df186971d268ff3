"""An owner requires two-factor authentication for the workspace: members without it are sent to
the enrol page (logout, switching workspace and enrolling stay reachable), with no extra query."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Workspace
from app.services import accounts
from tests.conftest import HX, PASSWORD, add_member, make_user
from tests.html import parse
from tests.two_factor.conftest import code_at, enrol

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def required(user, workspace, now):
    enrol(user, now)
    workspace.require_two_factor = True
    db.session.commit()
    return workspace


@pytest.fixture
def member(app, workspace):
    return add_member(workspace, name="Mia Member")


@pytest.fixture
def member_client(app, member):
    client = app.test_client()
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def test_the_owner_turns_the_requirement_on_from_the_workspace_page(logged_in, user, workspace, now):
    page = parse(logged_in.get("/settings/").get_data(as_text=True))
    assert page.find("input", name="require_two_factor") is not None
    refused = logged_in.post("/settings/two-factor/requirement", data={"require_two_factor": "y"})
    assert refused.status_code == 302
    assert "Turn on two-factor authentication for yourself first." in logged_in.get("/settings/").get_data(as_text=True)
    db.session.refresh(workspace)
    assert not workspace.require_two_factor

    enrol(user, now)
    logged_in.post("/settings/two-factor/requirement", data={"require_two_factor": "y"})
    db.session.refresh(workspace)
    assert workspace.require_two_factor
    page = parse(logged_in.get("/settings/").get_data(as_text=True))
    assert page.one("input", name="require_two_factor").get("checked") is not None
    logged_in.post("/settings/two-factor/requirement", data={})
    db.session.refresh(workspace)
    assert not workspace.require_two_factor


def test_a_member_cannot_change_the_requirement(member_client, workspace):
    assert member_client.post("/settings/two-factor/requirement", data={"require_two_factor": "y"}).status_code == 403
    assert (
        parse(member_client.get("/settings/").get_data(as_text=True)).find("input", name="require_two_factor") is None
    )


def test_a_member_without_two_factor_is_sent_to_enrol(required, member_client, member, now):
    for url in ("/", "/partners/", "/settings/", "/deals/"):
        response = member_client.get(url)
        assert response.status_code == 302 and response.location.endswith("/settings/two-factor"), url
    page = member_client.get("/settings/two-factor")
    assert page.status_code == 200
    assert "requires two-factor authentication" in page.get_data(as_text=True)
    htmx = member_client.get("/partners/", headers=HX)
    assert htmx.headers["HX-Redirect"].endswith("/settings/two-factor")
    # enrolling stays reachable, and afterwards the workspace opens
    member_client.post("/settings/two-factor/start", data={"start-password": PASSWORD})
    db.session.refresh(member)
    confirmed = member_client.post(
        "/settings/two-factor/confirm", data={"code": code_at(member.totp_pending_secret, now)}
    )
    assert confirmed.status_code == 302
    assert member_client.get("/settings/two-factor/recovery-codes").status_code == 200
    assert member_client.get("/partners/").status_code == 200


def test_logout_and_switching_stay_reachable(required, member_client, member):
    own = accounts.create_workspace_for(db.session, member, "Mia's own")
    db.session.commit()
    switched = member_client.post(f"/workspaces/switch/{own.id}")
    assert switched.status_code == 302
    assert member_client.get("/partners/").status_code == 200  # her own workspace requires nothing
    member_client.post(f"/workspaces/switch/{required.id}")
    assert member_client.get("/partners/").location.endswith("/settings/two-factor")
    assert member_client.post("/logout").status_code == 302
    assert member_client.get("/partners/").location.startswith("/login")


def test_the_requirement_check_adds_no_query(app, required, member, user, now, count_queries):
    """The same page costs the same queries for a member who has 2FA in a workspace that requires it
    as in one that does not."""
    enrol(member, now)
    client = app.test_client()
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    client.post("/login/code", data={"code": code_at(member.totp_secret, now)})

    def measure():
        db.session.expunge_all()
        with count_queries() as counter:
            assert client.get("/settings/members").status_code == 200
        return counter.count

    workspace_id = required.id
    with_requirement = measure()
    workspace = db.session.get(Workspace, workspace_id)
    workspace.require_two_factor = False
    db.session.commit()
    assert measure() == with_requirement


def test_another_workspace_is_not_affected(required, app):
    outsider = make_user(email="outsider@example.com")
    client = app.test_client()
    client.post("/login", data={"email": outsider.email, "password": PASSWORD})
    assert client.get("/partners/").status_code == 200


def test_the_api_refuses_a_members_token_while_they_have_no_two_factor(app, required, member, workspace, now):
    """A token made before the requirement (or by the CLI) must not be a way around it."""
    from tests.api.conftest import make_token

    token = make_token(member, workspace, scope="read")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    refused = api.get("/api/v1/partners", headers=headers)
    assert refused.status_code == 403
    assert "two-factor" in refused.get_json()["detail"]
    enrol(member, now)
    assert api.get("/api/v1/partners", headers=headers).status_code == 200
