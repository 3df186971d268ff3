"""Unit tests of the account, partner and contact services (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models import Membership, Partner
from app.services import ServiceError, accounts, tokens
from app.services import contacts as contact_service
from app.services import partners as partner_service
from tests.conftest import PASSWORD


def test_tokens_are_random_and_hashed():
    a, a_hash = tokens.new_token()
    b, _ = tokens.new_token()
    assert a != b and len(a) >= 40
    assert a_hash == tokens.hash_token(a) and a not in a_hash and len(a_hash) == 64


def test_register_and_authenticate(session):
    user = accounts.register_user(
        session, name=" Ida ", email=" Ida@Example.com ", password="ten chars!", hash_method="pbkdf2:sha256:1000"
    )
    session.commit()
    assert (user.name, user.email) == ("Ida", "ida@example.com")
    assert accounts.authenticate(session, "IDA@example.com", "ten chars!") is user
    assert accounts.authenticate(session, "ida@example.com", "wrong") is None
    assert accounts.authenticate(session, "nobody@example.com", "ten chars!") is None
    with pytest.raises(ServiceError) as error:
        accounts.register_user(session, name="Ida 2", email="ida@EXAMPLE.com", password="x" * 10)
    assert error.value.field == "email"


def test_change_password_needs_the_current_one(session, user):
    """(Other sessions end in the route: tests/sessions/test_security_page.py.)"""
    with pytest.raises(ServiceError):
        accounts.change_password(user, "not it", "new password 1", "pbkdf2:sha256:1000")
    accounts.change_password(user, PASSWORD, "new password 1", "pbkdf2:sha256:1000")
    assert accounts.authenticate(session, user.email, "new password 1") is user


def test_invite_states(session, workspace, user, now, factories):
    invite, token = accounts.create_invite(session, workspace, user, now)
    assert invite.state(now) == "open" and invite.expires_at == now + timedelta(days=7)
    assert accounts.find_open_invite(session, token, now) is invite
    assert accounts.find_open_invite(session, "wrong", now) is None
    newcomer = factories.user()
    membership = accounts.accept_invite(session, invite, newcomer, now)
    assert membership.role == "member" and invite.state(now) == "accepted"
    assert accounts.find_open_invite(session, token, now) is None
    revoked, _ = accounts.create_invite(session, workspace, user, now)
    accounts.revoke_invite(revoked, now)
    assert revoked.state(now) == "revoked"
    with pytest.raises(ServiceError):
        accounts.create_invite(session, workspace, user, now, role="admin")


def test_an_owner_demoted_meanwhile_can_no_longer_change_roles(session, workspace, user, factories):
    """The owner check of the page ran before someone else demoted them: the service checks again."""
    second = factories.member(workspace, role="owner")
    plain = factories.member(workspace)
    acting = accounts.membership_for(session, user, workspace.id)
    session.execute(update(Membership).where(Membership.id == acting.id).values(role="member"))  # elsewhere
    target = accounts.membership_for(session, plain, workspace.id)
    with pytest.raises(ServiceError, match="your role changed"):
        accounts.set_member_role(session, target, "owner", actor=acting)
    with pytest.raises(ServiceError, match="your role changed"):
        accounts.remove_member(session, target, actor=acting)
    accounts.set_member_role(session, target, "owner", actor=accounts.membership_for(session, second, workspace.id))
    assert target.role == "owner"


def test_accepting_twice_as_a_member_keeps_one_membership(session, workspace, user, now, factories):
    member = factories.member(workspace)
    invite, _ = accounts.create_invite(session, workspace, user, now, role="owner")
    accounts.accept_invite(session, invite, member, now)
    rows = session.scalars(select(Membership).where(Membership.user_id == member.id)).all()
    assert len(rows) == 1 and rows[0].role == "member"  # an invite never changes an existing role


def test_roles_keep_an_owner(session, workspace, user, factories):
    owner_m = accounts.membership_for(session, user, workspace.id)
    with pytest.raises(ServiceError):
        accounts.set_member_role(session, owner_m, "member")
    with pytest.raises(ServiceError):
        accounts.remove_member(session, owner_m)
    second = factories.member(workspace, role="owner")
    accounts.set_member_role(session, owner_m, "member")
    assert owner_m.role == "member"
    with pytest.raises(ServiceError):  # now `second` is the last owner
        accounts.remove_member(session, accounts.membership_for(session, second, workspace.id))
    plain = factories.member(workspace)
    accounts.remove_member(session, accounts.membership_for(session, plain, workspace.id))
    assert plain.current_workspace_id is None and accounts.membership_for(session, plain, workspace.id) is None


def test_switch_workspace_only_to_own(session, user, other):
    with pytest.raises(ServiceError):
        accounts.switch_workspace(session, user, other["workspace"].id)


def test_partner_service_create_update_delete(session, workspace, user, now):
    partner = partner_service.create_partner(
        session,
        workspace.id,
        {
            "name": "  Svc Co ",
            "kind": "company",
            "status": "active",
            "tier": "A",
            "owner_id": user.id,
            "source": "event",
            "website": "",
            "notes": "  ",
            "no_prospects": False,
            "no_prospects_reason": "x",
        },
        now,
    )
    assert (partner.name, partner.name_key, partner.website, partner.notes, partner.no_prospects_reason) == (
        "Svc Co",
        "svc co",
        None,
        None,
        None,
    )
    partner_service.update_partner(session, partner, {"name": "Svc Two"}, now + timedelta(hours=1))
    assert partner.updated_at == now + timedelta(hours=1)
    with pytest.raises(ServiceError):
        partner_service.update_partner(session, partner, {"no_prospects": True, "no_prospects_reason": ""}, now)
    with pytest.raises(ServiceError):
        partner_service.delete_partner(session, partner, "svc two")
    partner_service.delete_partner(session, partner, " Svc Two ")
    assert session.get(Partner, partner.id) is None


def test_archive_and_restore_service(session, workspace, factories, now):
    partner = factories.partner(workspace)
    partner_service.archive_partner(partner, now)
    partner_service.archive_partner(partner, now + timedelta(days=1))
    assert partner.archived_at == now
    partner_service.restore_partner(partner)
    assert partner.archived_at is None


def test_contact_service(session, workspace, factories, now):
    partner = factories.partner(workspace)
    a = contact_service.add_contact(session, partner, {"name": "A", "is_primary": True}, now)
    b = contact_service.add_contact(session, partner, {"name": "B", "is_primary": True}, now)
    assert (a.is_primary, b.is_primary) == (False, True)
    contact_service.remove_contact(b, now)
    session.flush()
    assert [c.name for c in contact_service.current_contacts(session, partner.id)] == ["A"]
    contact_service.restore_contact(b)
    session.flush()
    assert [c.name for c in contact_service.current_contacts(session, partner.id)] == ["B", "A"]  # primary first
