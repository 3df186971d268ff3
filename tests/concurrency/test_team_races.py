"""The team's rules under simultaneous requests: a one-time invite link is used once, a workspace
always keeps an owner. Each pair meets inside the service call (tests/concurrency/meeting.py), so
both have read the state before either changes it; several rounds each."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Invite, Membership
from app.models.workspace import ROLE_MEMBER, ROLE_OWNER
from app.services import accounts
from tests.concurrency.helpers import at_once
from tests.concurrency.meeting import meet_at
from tests.conftest import add_member, make_user
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")  # the invites are made at NOW

ROUNDS = 5
USED = "This invite link has expired or was already used."


def _owners(workspace_id: int) -> list[int]:
    return db.session.scalars(
        select(Membership.user_id).where(Membership.workspace_id == workspace_id, Membership.role == ROLE_OWNER)
    ).all()


def test_one_invite_link_accepted_by_two_users_at_once_makes_one_membership(app, monkeypatch, user, workspace, now):
    meet_at(monkeypatch, (accounts, "accept_invite"))
    for _ in range(ROUNDS):
        invite, token = accounts.create_invite(db.session, workspace, user, now)
        db.session.commit()
        first, second = make_user(), make_user()
        url = f"/invite/{token}"
        responses = at_once(app, user, ("POST", url, {}, first), ("POST", url, {}, second))
        assert sorted(r.status_code for r in responses) == [302, 404], [r and r.status_code for r in responses]
        page = parse(next(r for r in responses if r.status_code == 404).get_data(as_text=True))
        assert "This invite link does not work" in page.text  # the page a later, second try gets
        if db.engine.dialect.name == "postgresql":  # they met: the loser saw the link open, then used
            assert page.one("main").one("p", role="alert").text == USED
        db.session.expire_all()
        joined = db.session.scalars(
            select(Membership.user_id).where(
                Membership.workspace_id == workspace.id, Membership.user_id.in_([first.id, second.id])
            )
        ).all()
        assert len(joined) == 1
        assert db.session.get(Invite, invite.id).accepted_by_id == joined[0]


def test_one_user_accepting_one_invite_twice_at_once_joins_once(app, monkeypatch, user, workspace, now):
    meet_at(monkeypatch, (accounts, "accept_invite"))
    for _ in range(ROUNDS):
        _, token = accounts.create_invite(db.session, workspace, user, now)
        db.session.commit()
        joiner = make_user()
        url = f"/invite/{token}"
        responses = at_once(app, joiner, ("POST", url, {}), ("POST", url, {}))
        assert sorted(r.status_code for r in responses) == [302, 404], [r and r.status_code for r in responses]
        db.session.expire_all()
        count = db.session.scalar(
            select(func.count()).where(Membership.workspace_id == workspace.id, Membership.user_id == joiner.id)
        )
        assert count == 1


def _membership(user_id: int) -> Membership:
    return db.session.scalar(select(Membership).where(Membership.user_id == user_id))


def _pair_of_owners(user, workspace):
    """Two owners of the workspace, its first owner stepped down to member (so each is needed)."""
    first, second = add_member(workspace, role=ROLE_OWNER), add_member(workspace, role=ROLE_OWNER)
    _membership(user.id).role = ROLE_MEMBER
    db.session.commit()
    return first, second


def _tidy(user, first, second) -> None:
    db.session.expire_all()
    _membership(user.id).role = ROLE_OWNER
    for someone in (first, second):
        if (membership := _membership(someone.id)) is not None:
            db.session.delete(membership)
    db.session.commit()


def test_two_owners_demoting_each_other_at_once_keep_an_owner(app, monkeypatch, user, workspace):
    meet_at(monkeypatch, (accounts, "set_member_role"))
    for _ in range(ROUNDS):
        first, second = _pair_of_owners(user, workspace)
        responses = at_once(
            app,
            user,
            ("POST", f"/settings/members/{_membership(second.id).id}/role", {"role": "member"}, first),
            ("POST", f"/settings/members/{_membership(first.id).id}/role", {"role": "member"}, second),
        )
        # 403: the other went first, so this actor was no longer an owner (SQLite serialises them);
        # 404: they met in the service and this actor had been removed from the workspace meanwhile
        assert all(r.status_code in (302, 403, 404) for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        assert len(_owners(workspace.id)) == 1
        _tidy(user, first, second)


def test_two_owners_removing_and_demoting_each_other_at_once_keep_an_owner(app, monkeypatch, user, workspace):
    meet_at(monkeypatch, (accounts, "remove_member"), (accounts, "set_member_role"))
    for _ in range(ROUNDS):
        first, second = _pair_of_owners(user, workspace)
        responses = at_once(
            app,
            user,
            ("POST", f"/settings/members/{_membership(second.id).id}/remove", {}, first),
            ("POST", f"/settings/members/{_membership(first.id).id}/role", {"role": "member"}, second),
        )
        # 403: the other went first, so this actor was no longer an owner (SQLite serialises them);
        # 404: they met in the service and this actor had been removed from the workspace meanwhile
        assert all(r.status_code in (302, 403, 404) for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        assert len(_owners(workspace.id)) == 1
        _tidy(user, first, second)
