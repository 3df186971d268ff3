"""Invites, roles, members, and switching between workspaces."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.models import Invite, Membership, Partner, User
from app.services import ServiceError, accounts
from tests.conftest import PASSWORD
from tests.html import parse


def _create_invite_link(client, role="member") -> str:
    response = client.post("/settings/invites", data={"role": role})
    assert response.status_code == 302
    page = client.get("/settings/members").get_data(as_text=True)
    shown = parse(page).one("input", value=lambda value: value.startswith("http://localhost/invite/"))
    return shown["value"].replace("http://localhost", "")  # the new invite link, shown after creating it


def _login_as(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


# --- invites -------------------------------------------------------------------------------------


def test_owner_creates_invite_link_shown_once(logged_in, session, workspace):
    link = _create_invite_link(logged_in)
    assert link.startswith("/invite/")
    invite = session.scalar(select(Invite))
    assert invite.workspace_id == workspace.id and invite.role == "member"
    token = link.rsplit("/", 1)[1]
    assert invite.token_hash != token and token not in invite.token_hash  # only a hash is stored
    again = logged_in.get("/settings/members").get_data(as_text=True)
    assert token not in again
    assert "open" in again  # listed with its state


def test_invite_accepted_by_new_user(app, logged_in, session, workspace, client):
    link = _create_invite_link(logged_in)
    newcomer = app.test_client()
    landing = newcomer.get(link)
    assert landing.status_code == 200
    assert f"Join {workspace.name}" in landing.get_data(as_text=True)
    token = link.rsplit("/", 1)[1]
    response = newcomer.post(
        f"/register?invite={token}",
        data={"name": "Nina Newcomer", "email": "nina@example.com", "password": "a long password"},
    )
    assert response.status_code == 302 and response.headers["Location"] == link
    assert newcomer.post(link).status_code == 302
    nina = session.scalar(select(User).where(User.email == "nina@example.com"))
    memberships = session.scalars(select(Membership).where(Membership.user_id == nina.id)).all()
    assert [(m.workspace_id, m.role) for m in memberships] == [(workspace.id, "member")]
    assert nina.current_workspace_id == workspace.id
    page = newcomer.get("/partners/").get_data(as_text=True)
    assert workspace.name in page


def test_invite_accepted_by_existing_user_who_then_has_two_workspaces(app, logged_in, session, workspace, factories):
    existing = factories.user(name="Emil Existing", email="emil@example.com")
    own_workspace = factories.workspace_of(existing)
    link = _create_invite_link(logged_in, role="owner")
    emil = _login_as(app, existing)
    assert "Join workspace" in emil.get(link).get_data(as_text=True)
    assert emil.post(link).status_code == 302
    roles = dict(
        session.execute(select(Membership.workspace_id, Membership.role).where(Membership.user_id == existing.id)).all()
    )
    assert roles == {own_workspace.id: "owner", workspace.id: "owner"}


def test_invite_login_path_for_existing_user(app, logged_in, factories):
    existing = factories.user(email="lena@example.com")
    link = _create_invite_link(logged_in)
    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    login = urlsplit(parse(page).one("a", href=lambda href: href.startswith("/login?"))["href"])
    assert parse_qs(login.query) == {"next": [link]}  # after logging in, back to the invite
    response = visitor.post(f"/login?next={link}", data={"email": existing.email, "password": PASSWORD})
    assert response.headers["Location"] == link


def test_invite_used_twice_is_refused(app, logged_in, factories, session):
    link = _create_invite_link(logged_in)
    first, second = factories.user(), factories.user()
    assert _login_as(app, first).post(link).status_code == 302
    client = _login_as(app, second)
    response = client.get(link)
    assert response.status_code == 404
    assert "This invite link does not work" in response.get_data(as_text=True)
    assert client.post(link).status_code == 404
    assert session.scalars(select(Membership.role).where(Membership.user_id == second.id)).all() == ["owner"]


def test_invite_expires_after_seven_days(session, workspace, user, now, factories):
    invite, token = accounts.create_invite(session, workspace, user, now)
    session.commit()
    assert accounts.find_open_invite(session, token, now + timedelta(days=7) - timedelta(seconds=1)) is invite
    assert accounts.find_open_invite(session, token, now + timedelta(days=7)) is None
    assert invite.state(now + timedelta(days=8)) == "expired"
    with pytest.raises(ServiceError):
        accounts.accept_invite(session, invite, factories.user(), now + timedelta(days=8))


@pytest.mark.usefixtures("frozen_clock")
def test_expired_invite_link_answers_invalid_page(app, session, workspace, user, client, now):
    created = now - timedelta(days=7, minutes=1)
    _, token = accounts.create_invite(session, workspace, user, created)
    session.commit()
    response = client.get(f"/invite/{token}")
    assert response.status_code == 404
    assert "invites last 7 days" in response.get_data(as_text=True)


def test_revoked_invite_no_longer_works(app, logged_in, session, factories):
    link = _create_invite_link(logged_in)
    invite = session.scalar(select(Invite))
    response = logged_in.post(f"/settings/invites/{invite.id}/revoke")
    assert response.status_code == 302
    session.refresh(invite)
    assert invite.revoked_at is not None
    client = _login_as(app, factories.user())
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert "revoked" in logged_in.get("/settings/members").get_data(as_text=True)


def test_unknown_invite_token_is_404(client):
    assert client.get("/invite/not-a-real-token").status_code == 404


def test_member_cannot_create_or_revoke_invites(app, workspace, session, user, now, factories):
    member = factories.member(workspace)
    invite, _ = accounts.create_invite(session, workspace, user, now)
    session.commit()
    client = _login_as(app, member)
    assert client.post("/settings/invites", data={"role": "member"}).status_code == 403
    assert client.post(f"/settings/invites/{invite.id}/revoke").status_code == 403
    page = client.get("/settings/members").get_data(as_text=True)
    assert "Create invite link" not in page
    assert session.scalar(select(Invite).where(Invite.id != invite.id)) is None


# --- roles ---------------------------------------------------------------------------------------


def _membership(session, user, workspace):
    return session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.workspace_id == workspace.id)
    )


def test_owner_changes_role_and_removes_member(logged_in, session, workspace, factories):
    member = factories.member(workspace)
    m = _membership(session, member, workspace)
    assert logged_in.post(f"/settings/members/{m.id}/role", data={"role": "owner"}).status_code == 302
    session.refresh(m)
    assert m.role == "owner"
    assert logged_in.post(f"/settings/members/{m.id}/remove").status_code == 302
    assert _membership(session, member, workspace) is None


def test_member_cannot_manage_members(app, session, workspace, user, factories):
    member = factories.member(workspace)
    other_member = factories.member(workspace)
    owner_m = _membership(session, user, workspace)
    client = _login_as(app, member)
    for target in (owner_m, _membership(session, other_member, workspace)):
        assert client.post(f"/settings/members/{target.id}/role", data={"role": "member"}).status_code == 403
        assert client.post(f"/settings/members/{target.id}/remove").status_code == 403
    assert _membership(session, other_member, workspace) is not None
    session.refresh(owner_m)
    assert owner_m.role == "owner"
    page = client.get("/settings/members").get_data(as_text=True)
    assert "Remove" not in page and user.name in page


def test_member_cannot_hard_delete_but_can_edit(app, session, workspace, factories):
    member = factories.member(workspace)
    partner = factories.partner(workspace, name="Kept Ltd", archived_at=None)
    client = _login_as(app, member)
    assert client.get(f"/partners/{partner.id}/delete").status_code == 403
    assert client.post(f"/partners/{partner.id}/delete", data={"confirm_name": "Kept Ltd"}).status_code == 403
    assert session.get(Partner, partner.id) is not None
    response = client.post(
        f"/partners/{partner.id}/edit",
        data={
            "name": "Kept Ltd 2",
            "kind": "company",
            "status": "active",
            "tier": "A",
            "source": "direct",
            "owner_id": "",
        },
    )
    assert response.status_code == 302


def test_last_owner_cannot_be_demoted_or_removed(logged_in, session, workspace, user):
    m = _membership(session, user, workspace)
    response = logged_in.post(f"/settings/members/{m.id}/role", data={"role": "member"}, follow_redirects=True)
    assert "A workspace needs at least one owner" in response.get_data(as_text=True)
    response = logged_in.post(f"/settings/members/{m.id}/remove", follow_redirects=True)
    assert "A workspace needs at least one owner" in response.get_data(as_text=True)
    session.refresh(m)
    assert m.role == "owner"


def test_owner_can_step_down_when_another_owner_exists(logged_in, session, workspace, user, factories):
    factories.member(workspace, role="owner")
    m = _membership(session, user, workspace)
    logged_in.post(f"/settings/members/{m.id}/role", data={"role": "member"})
    session.refresh(m)
    assert m.role == "member"
    # now a member: the members page is read-only for them
    assert logged_in.post(f"/settings/members/{m.id}/role", data={"role": "owner"}).status_code == 403


def test_unknown_role_is_refused(logged_in, session, workspace, factories):
    member = factories.member(workspace)
    m = _membership(session, member, workspace)
    response = logged_in.post(f"/settings/members/{m.id}/role", data={"role": "admin"}, follow_redirects=True)
    assert "Choose owner or member." in response.get_data(as_text=True)
    session.refresh(m)
    assert m.role == "member"


def test_removed_member_loses_access(app, logged_in, session, workspace, factories):
    member = factories.member(workspace)
    partner = factories.partner(workspace)
    client = _login_as(app, member)
    assert client.get(f"/partners/{partner.id}").status_code == 200
    m = _membership(session, member, workspace)
    logged_in.post(f"/settings/members/{m.id}/remove")
    # they had no other workspace: sent to create one, and the partner is out of reach
    response = client.get(f"/partners/{partner.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/workspaces/none")
    assert partner.name not in client.get("/partners/", follow_redirects=True).get_data(as_text=True)
    assert client.post(f"/partners/{partner.id}/archive").status_code == 302
    session.refresh(partner)
    assert partner.archived_at is None


# --- workspaces ----------------------------------------------------------------------------------


def test_switch_between_own_workspaces(logged_in, session, user, workspace, factories):
    second = accounts.create_workspace_for(session, user, "Second Shop")
    session.commit()
    factories.partner(second, name="Only In Second")
    factories.partner(workspace, name="Only In First")
    page = logged_in.get("/partners/").get_data(as_text=True)
    assert "Only In First" in page and "Switch to Second Shop" in page
    assert logged_in.post(f"/workspaces/switch/{second.id}").status_code == 302
    page = logged_in.get("/partners/").get_data(as_text=True)
    assert "Only In Second" in page and "Only In First" not in page


def test_switch_to_another_users_workspace_is_404(logged_in, other, session, user, workspace):
    response = logged_in.post(f"/workspaces/switch/{other['workspace'].id}")
    assert response.status_code == 404
    session.refresh(user)
    assert user.current_workspace_id == workspace.id
    assert logged_in.post("/workspaces/switch/999999").status_code == 404


def test_switch_is_post_only(logged_in, workspace):
    assert logged_in.get(f"/workspaces/switch/{workspace.id}").status_code == 405


def test_create_another_workspace(logged_in, session, user):
    assert logged_in.get("/workspaces/new").status_code == 200
    assert logged_in.post("/workspaces/new", data={"name": ""}).status_code == 422
    response = logged_in.post("/workspaces/new", data={"name": "Side Project"})
    assert response.status_code == 302
    session.refresh(user)
    names = [m.workspace.name for m in user.memberships]
    assert "Side Project" in names
    assert "Side Project" in logged_in.get("/partners/").get_data(as_text=True)


def test_user_without_workspace_is_sent_to_create_one(app, session, factories):
    user = accounts.register_user(
        session,
        name="Lone",
        email="lone@example.com",
        password=PASSWORD,
        create_workspace=False,
        hash_method="pbkdf2:sha256:1000",
    )
    session.commit()
    client = _login_as(app, user)
    response = client.get("/partners/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/workspaces/none")
    assert client.get("/workspaces/none").status_code == 200
