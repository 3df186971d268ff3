"""A merge never creates a referral loop: a direct edge between the two is dropped (it would be a
partner referring itself), a third partner between them refuses the merge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Partner
from app.services import ServiceError
from app.services.merging import merge_partners, plan_merge, undo_partner_merge
from tests.conftest import make_partner
from tests.merging.helpers import assert_summaries_right, refer, state


def merge(workspace, user, survivor, merged, now):
    record = merge_partners(
        db.session, workspace, user, survivor_id=survivor.id, merged_id=merged.id, choices={}, now=now
    )
    db.session.commit()
    return record


def referrer_of(partner):
    db.session.expire_all()
    return db.session.get(Partner, partner.id).referred_by_id


@pytest.fixture
def tree(workspace, now):
    """root → a → b → c, and a → d"""
    earlier = now - timedelta(days=1)
    root, a, b, c, d = (make_partner(workspace, name=n) for n in ("Root", "Anna", "Bert", "Cleo", "Dora"))
    refer(a, root, earlier)
    refer(b, a, earlier)
    refer(c, b, earlier)
    refer(d, a, earlier)
    return root, a, b, c, d


def test_survivor_referred_by_the_merged_one_takes_its_referrer(tree, workspace, user, now):
    root, a, b, c, d = tree
    before = state(workspace.id)
    record = merge(workspace, user, b, a, now)  # a referred b: that edge goes
    assert referrer_of(b) == root.id  # a's referrer
    assert referrer_of(d) == b.id and referrer_of(c) == b.id
    assert referrer_of(a) is None
    assert_summaries_right(workspace.id)
    undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.commit()
    assert state(workspace.id) == before
    assert_summaries_right(workspace.id)


def test_merged_one_referred_by_the_survivor(tree, workspace, user, now):
    root, a, b, c, d = tree
    before = state(workspace.id)
    record = merge(workspace, user, a, b, now)  # a referred b: that edge goes
    assert referrer_of(a) == root.id  # the survivor keeps its own
    assert referrer_of(c) == a.id and referrer_of(d) == a.id
    assert referrer_of(b) is None
    assert_summaries_right(workspace.id)
    undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.commit()
    assert state(workspace.id) == before
    assert_summaries_right(workspace.id)


@pytest.mark.parametrize("direction", ["survivor below", "survivor above"])
def test_a_partner_between_them_refuses_the_merge(tree, workspace, user, now, direction):
    root, a, b, c, d = tree
    survivor, merged = (c, a) if direction == "survivor below" else (a, c)
    plan = plan_merge(db.session, workspace.id, survivor, merged)
    assert plan.refusal and "Anna → Bert → Cleo" in str(plan.refusal)
    with pytest.raises(ServiceError, match="cannot be merged"):
        merge(workspace, user, survivor, merged, now)
    db.session.rollback()
    assert referrer_of(c) == b.id and referrer_of(b) == a.id


def test_partners_in_separate_branches_merge(tree, workspace, user, now):
    root, a, b, c, d = tree
    other = make_partner(workspace, name="Olga")
    merge(workspace, user, other, d, now)
    assert referrer_of(other) == a.id  # d's referrer; Olga had none
    assert_summaries_right(workspace.id)


def test_an_archived_referrer_is_not_carried_over(tree, workspace, user, now):
    root, a, b, c, d = tree
    a.archived_at = now - timedelta(hours=1)
    db.session.commit()
    other = make_partner(workspace, name="Olga")
    plan = plan_merge(db.session, workspace.id, other, d)
    assert any("archived" in note.english for note in plan.notes)
    merge(workspace, user, other, d, now)
    assert referrer_of(other) is None
    assert_summaries_right(workspace.id)
