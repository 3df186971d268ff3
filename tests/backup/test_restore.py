"""Restore: a new workspace only, other workspaces untouched, members matched by email, times and
history kept, references remapped."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Contact, Deal, Interaction, Membership, Partner, ReferralChange, Reminder, User, Workspace
from app.models.workspace import ROLE_OWNER
from app.services import backup
from app.services.backup.restore import restored_name
from app.services.row_values import column_values
from tests.backup.helpers import backup_bytes
from tests.conftest import NOW, add_member, make_contact, make_partner, make_user, workspace_of


def _snapshot(session, workspace_id):
    """Every row the workspace owns, as column values."""
    session.expire_all()
    rows = {}
    for model in (Workspace, Membership, Partner, Contact, Deal, Interaction, Reminder, ReferralChange):
        column = model.id if model is Workspace else model.workspace_id
        stmt = select(model).where(column == workspace_id).order_by(model.id)
        rows[model.__name__] = [column_values(o) for o in session.scalars(stmt)]
    return rows


def test_restore_never_touches_another_workspace(session, demo, user):
    other_owner = make_user(name="Other Owner", email="other-owner@example.com")
    other = workspace_of(other_owner)
    garden = make_partner(other, name="Their Garden")
    make_contact(garden, name="Their Contact")
    before = {ws: _snapshot(session, ws) for ws in (demo.id, other.id)}
    data = backup_bytes(session, demo.id)
    result = backup.restore_backup(session, data, actor=user, now=NOW)
    session.commit()
    assert result.workspace.id not in (demo.id, other.id)
    for ws, rows in before.items():
        assert _snapshot(session, ws) == rows
    # restoring the same file again makes yet another workspace: it never joins one
    again = backup.restore_backup(session, data, actor=user, now=NOW)
    session.commit()
    assert len({demo.id, result.workspace.id, again.workspace.id}) == 3


def test_members_are_matched_by_email_and_unknown_ones_listed(session, user, workspace):
    teammate = add_member(workspace, name="Tina Teammate")
    leaver = add_member(workspace, name="Lars Leaver")
    partner = make_partner(workspace, name="Garden", owner_id=leaver.id)
    data = backup_bytes(session, workspace.id)
    session.delete(leaver)  # no account here any more when the backup is restored
    session.commit()
    restorer = add_member(workspace, name="Rita Restorer")  # a teammate restores the team's backup
    result = backup.restore_backup(session, data, actor=restorer, name="Rita's copy", now=NOW)
    session.commit()
    ws = result.workspace
    roles = dict(
        session.execute(select(Membership.user_id, Membership.role).where(Membership.workspace_id == ws.id)).all()
    )
    # the restoring user owns it; the original owner and the teammate join with their roles
    assert roles == {restorer.id: ROLE_OWNER, user.id: ROLE_OWNER, teammate.id: "member"}
    assert result.unknown_members == [leaver.email.lower()] or result.unknown_members == [leaver.email]
    assert result.counts["members"] == 2
    restored = session.scalar(select(Partner).where(Partner.workspace_id == ws.id))
    assert restored.name == "Garden" and restored.owner_id is None  # an unknown user becomes nobody
    assert ws.name == "Rita's copy" and ws.created_at == NOW
    assert partner.id != restored.id


def test_a_backup_never_adds_or_names_people_who_share_no_workspace_with_the_restorer(session, user, workspace):
    """A backup is a file anyone can write: naming someone's email must not put them in the restorer's
    workspace, nor show their name on its partners."""
    teammate = add_member(workspace, name="Tina Teammate")
    make_partner(workspace, name="Garden", owner_id=teammate.id)
    data = backup_bytes(session, workspace.id)
    stranger = make_user(name="Sam Stranger", email="sam@example.com")
    result = backup.restore_backup(session, data, actor=stranger, name="Sam's copy", now=NOW)
    session.commit()
    members = set(session.scalars(select(Membership.user_id).where(Membership.workspace_id == result.workspace.id)))
    assert members == {stranger.id}
    restored = session.scalar(select(Partner).where(Partner.workspace_id == result.workspace.id))
    assert restored.owner_id is None
    assert sorted(result.unknown_members) == sorted([user.email, teammate.email])


def test_a_member_restoring_is_owner_of_the_copy(session, user, workspace):
    member = add_member(workspace)
    data = backup_bytes(session, workspace.id)
    result = backup.restore_backup(session, data, actor=member, now=NOW)
    session.commit()
    mine = session.scalar(
        select(Membership).where(Membership.workspace_id == result.workspace.id, Membership.user_id == member.id)
    )
    assert mine.role == ROLE_OWNER


def test_times_history_and_references_are_kept(session, user, workspace):
    created = NOW - timedelta(days=400, seconds=7, microseconds=123456)
    root = make_partner(workspace, name="Root")
    kid = make_partner(workspace, name="Kid", referred_by_id=root.id)
    contact = make_contact(kid, name="Karl")
    session.add(
        Reminder(
            workspace_id=workspace.id,
            title="Call Karl",
            partner_id=kid.id,
            due_on=NOW.date(),
            due_time=time(9, 30),
            assignee_id=user.id,
        )
    )
    session.add(
        ReferralChange(
            workspace_id=workspace.id,
            partner_id=kid.id,
            from_partner_id=None,
            to_partner_id=root.id,
            to_name="Root",
            changed_by_id=user.id,
            changed_at=created,
        )
    )
    session.add(
        Deal(workspace_id=workspace.id, partner_id=kid.id, title="Pilot", amount=Decimal("1234.50"), currency="EUR")
    )
    session.commit()
    session.execute(
        Partner.__table__.update()
        .where(Partner.id == kid.id)
        .values(created_at=created, updated_at=created + timedelta(days=1))
    )
    session.commit()
    data = backup_bytes(session, workspace.id)
    result = backup.restore_backup(session, data, actor=user, now=NOW + timedelta(days=3))
    session.commit()
    session.expire_all()
    partners = result.id_maps["partners"]
    new_kid = session.get(Partner, partners[kid.id])
    assert (new_kid.created_at, new_kid.updated_at) == (created, created + timedelta(days=1))
    assert new_kid.referred_by_id == partners[root.id] and new_kid.workspace_id == result.workspace.id
    new_contact = session.get(Contact, result.id_maps["contacts"][contact.id])
    assert new_contact.partner_id == new_kid.id and new_contact.created_at == contact.created_at
    reminder = session.scalar(select(Reminder).where(Reminder.workspace_id == result.workspace.id))
    assert reminder.due_time == time(9, 30) and reminder.assignee_id == user.id and reminder.partner_id == new_kid.id
    deal = session.scalar(select(Deal).where(Deal.workspace_id == result.workspace.id))
    assert deal.amount == Decimal("1234.50") and deal.partner_id == new_kid.id
    # the referral history made when the referrer was set came along, pointing at the new partners
    change = session.scalar(select(ReferralChange).where(ReferralChange.workspace_id == result.workspace.id))
    assert (change.partner_id, change.to_partner_id, change.changed_by_id) == (
        new_kid.id,
        new_kid.referred_by_id,
        user.id,
    )
    assert change.changed_at == created


def test_restore_accepts_an_open_file_and_names_the_copy(session, user, workspace, tmp_path):
    make_partner(workspace, name="Garden")
    path = tmp_path / "b.zip"
    path.write_bytes(backup_bytes(session, workspace.id))
    with path.open("rb") as source:
        result = backup.restore_backup(session, source, actor=user, now=NOW)
    assert result.workspace.name == f"{workspace.name} (restored 2026-11-24)"
    session.commit()
    # restored again the same day: the switcher must tell the two copies apart
    again = backup.restore_backup(session, backup_bytes(session, workspace.id), actor=user, now=NOW)
    assert again.workspace.name == f"{workspace.name} (restored 2026-11-24, 2)"
    long = restored_name("x" * 200, NOW)
    assert len(long) == 120 and long.endswith(" (restored 2026-11-24)")


def test_a_name_too_long_is_refused(session, user, workspace):
    data = backup_bytes(session, workspace.id)
    with pytest.raises(backup.BackupError, match="120 characters at most"):
        backup.restore_backup(session, data, actor=user, name="n" * 121, now=NOW)
    assert session.scalar(select(User).where(User.id == user.id)) is not None
