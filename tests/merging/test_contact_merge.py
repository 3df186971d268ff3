"""Merging two contacts of one partner, and its undo."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, Interaction, Partner, Referral
from app.services import Gone, ServiceError, interactions
from app.services.merging import merge_contacts, undo_contact_merge
from app.services.referral_tree import set_referrer
from tests.conftest import make_contact, make_partner
from tests.merging.helpers import assert_summaries_right, state


@pytest.fixture
def people(workspace, user, now):
    partner = make_partner(workspace, name="Garden Studio")
    kept = make_contact(partner, name="Anna Berg", email=None, role="CEO", is_primary=False)
    gone = make_contact(partner, name="A. Berg", email="anna@garden.example", phone="+49 1", is_primary=True)
    for n in range(2):
        interactions.log_interaction(
            db.session,
            partner,
            {
                "kind": "call",
                "direction": "ours",
                "occurred_at": now - timedelta(days=n + 1),
                "summary": f"Call {n}",
                "contact_id": gone.id,
            },
            actor_id=user.id,
            now=now,
        )
    client = make_partner(workspace, name="Carl Client")
    set_referrer(db.session, workspace.id, client, partner.id, now=now, contact_id=gone.id)
    db.session.commit()
    return partner, kept, gone, client


def merge(workspace, user, partner, kept, gone, now, **choices):
    record = merge_contacts(
        db.session,
        workspace,
        user,
        partner_id=partner.id,
        survivor_id=kept.id,
        merged_id=gone.id,
        choices=choices,
        now=now,
    )
    db.session.commit()
    return record


def test_merge_moves_interactions_and_introductions(people, workspace, user, now):
    partner, kept, gone, client = people
    merge(workspace, user, partner, kept, gone, now, name="survivor", role="merged")
    db.session.expire_all()
    survivor = db.session.get(Contact, kept.id)
    assert survivor.name == "Anna Berg"  # chosen
    assert survivor.role is None  # chosen: the other's (empty) role
    assert survivor.email == "anna@garden.example" and survivor.phone == "+49 1"  # filled by default
    assert survivor.is_primary  # the other was primary
    assert db.session.get(Contact, gone.id).removed_at == now
    assert set(db.session.scalars(select(Interaction.contact_id))) == {kept.id}
    assert db.session.get(Referral, client.id).contact_id == kept.id
    assert db.session.get(Partner, partner.id).contact_count == 1
    assert_summaries_right(workspace.id)


def test_undo_is_exact(people, workspace, user, now):
    partner, kept, gone, client = people
    before = state(workspace.id)
    record = merge(workspace, user, partner, kept, gone, now)
    undo_contact_merge(db.session, workspace, user, record.id, now=now + timedelta(minutes=5))
    db.session.commit()
    assert state(workspace.id) == before
    assert_summaries_right(workspace.id)
    with pytest.raises(ServiceError, match="already undone"):
        undo_contact_merge(db.session, workspace, user, record.id, now=now)


def test_undo_refused_after_the_survivor_was_edited(people, workspace, user, now):
    partner, kept, gone, client = people
    record = merge(workspace, user, partner, kept, gone, now)
    db.session.get(Contact, kept.id).phone = "+49 999"
    db.session.commit()
    with pytest.raises(ServiceError, match="contact “Anna Berg” was edited"):
        undo_contact_merge(db.session, workspace, user, record.id, now=now)


def test_contacts_of_another_partner_are_gone(people, workspace, user, now):
    partner, kept, gone, client = people
    stranger = make_contact(client, name="Stranger")
    with pytest.raises(Gone):
        merge(workspace, user, partner, kept, stranger, now)


def test_a_removed_contact_cannot_be_merged(people, workspace, user, now):
    partner, kept, gone, client = people
    gone.removed_at = now
    db.session.commit()
    with pytest.raises(ServiceError, match="was removed"):
        merge(workspace, user, partner, kept, gone, now)


def test_another_workspace_cannot_undo(people, workspace, user, now, other):
    partner, kept, gone, client = people
    record = merge(workspace, user, partner, kept, gone, now)
    with pytest.raises(Gone):
        undo_contact_merge(db.session, other["workspace"], other["user"], record.id, now=now)
