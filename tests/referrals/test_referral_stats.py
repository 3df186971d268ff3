"""The referral_stats summary: the stats the flush keeps equal a rebuild from the edges, after every
kind of change and whoever makes it."""

import random
from datetime import timedelta

from app import summaries
from app.extensions import db
from app.models import Partner
from app.models.referral import Referral
from app.services import ServiceError
from app.services import partners as partner_service
from app.services import referral_tree as rt
from app.summaries import referral_stats


def _partners(factories, workspace, count, prefix="P"):
    return [factories.partner(workspace, name=f"{prefix}{i}") for i in range(count)]


def test_incremental_equals_rebuilt_after_sets_clears_and_deletes(workspace, factories, now, user):
    p = _partners(factories, workspace, 10)
    steps = [
        ("set", 1, 0),
        ("set", 2, 1),
        ("set", 3, 2),
        ("set", 4, 0),
        ("set", 5, 4),
        ("set", 6, 5),
        ("set", 2, 5),  # a branch moves within its tree, deeper
        ("set", 7, 3),
        ("set", 8, 7),
        ("clear", 4, None),  # a branch becomes a tree of its own
        ("set", 9, 8),
        ("delete", 5, None),  # its referrals become roots
        ("set", 4, 9),  # a whole tree joins another one, deep down
        ("clear", 1, None),
        ("delete", 0, None),
        ("set", 1, 6),
    ]
    for step, (op, child, parent) in enumerate(steps):
        at = now + timedelta(minutes=step)
        if op == "set":
            rt.set_referrer(db.session, workspace.id, p[child], p[parent].id, now=at, actor_id=user.id)
        elif op == "clear":
            rt.clear_referrer(db.session, workspace.id, p[child], now=at, actor_id=user.id)
        else:
            partner_service.delete_partner(db.session, p[child], p[child].name)
        db.session.commit()
        assert summaries.check(db.session, workspace.id) == [], (step, op)
    assert referral_stats.rebuild(db.session, workspace.id) == 0
    # the end state: P6 → P1, and P9 → P4 under P8 → P7 → P3 → P2 (whose referrer P5 was deleted)
    assert [n.name for n in rt.ancestors(db.session, workspace.id, p[4].id)] == ["P2", "P3", "P7", "P8", "P9", "P4"]
    assert db.session.get(Referral, p[2].id).subtree_size == 6


def test_random_changes_keep_the_stats_equal_to_a_rebuild(workspace, factories, now):
    rng = random.Random(4)
    p = _partners(factories, workspace, 30, prefix="R")
    alive = list(p)
    for step in range(80):
        roll = rng.random()
        child = rng.choice(alive)
        if roll < 0.7:
            try:
                rt.set_referrer(db.session, workspace.id, child, rng.choice(alive).id, now=now)
            except ServiceError:  # itself or a loop: refused, nothing written
                db.session.rollback()
                continue
        elif roll < 0.9:
            rt.clear_referrer(db.session, workspace.id, child, now=now)
        else:
            partner_service.delete_partner(db.session, child, child.name)
            alive.remove(child)
        db.session.commit()
        assert summaries.check(db.session, workspace.id) == [], step
    assert referral_stats.rebuild(db.session, workspace.id) == 0


def test_writers_outside_the_service_keep_the_stats_too(workspace, factories, other):
    root, a, b, c = _partners(factories, workspace, 4, prefix="W")
    # a partner created with its referrer (the new row has an id only after the flush)
    kid = factories.partner(workspace, name="Kid", referred_by_id=root.id)
    assert summaries.check(db.session, workspace.id) == []
    assert db.session.get(Referral, root.id).subtree_size == 2
    # two referrers changed in one flush, one under the other
    a.referred_by_id = kid.id
    b.referred_by_id = a.id
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    assert (db.session.get(Referral, b.id).root_id, db.session.get(Referral, b.id).generation) == (root.id, 3)
    # an attribute set without being read first (the old value is not loaded)
    db.session.expire(b)
    b.referred_by_id = c.id
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    # a referrer in another workspace (never written by the rules) counts as none
    c.referred_by_id = other["partner"].id
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    assert db.session.get(Referral, c.id).root_id == c.id
    assert db.session.get(Partner, c.id).referred_by_id == other["partner"].id
