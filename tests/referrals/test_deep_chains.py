"""Chains deeper than the walks' display limit (MAX_DEPTH): the loop check and the stored stats do
not depend on it."""

import pytest

from app import summaries
from app.extensions import db
from app.models import Partner
from app.models.referral import Referral
from app.services import ServiceError
from app.services import partners as partner_service
from app.services import referral_tree as rt
from app.summaries import referral_stats

from .conftest import bulk_partners, link


def _check(workspace):
    """The referral stats' differences (the partners are inserted in bulk, which other summaries
    do not see)."""
    return summaries.check(db.session, workspace.id, [referral_stats.SUMMARY])


def test_a_loop_is_refused_whatever_the_depth(workspace, now):
    ids = bulk_partners(workspace, [f"D{i}" for i in range(rt.MAX_DEPTH + 6)])
    link(dict(zip(ids[1:], ids, strict=False)), workspace.id)  # D0 → D1 → … → D105
    root = db.session.get(Partner, ids[0])
    with pytest.raises(ServiceError, match="That would make a loop: D0 → D1 → ") as refused:
        rt.set_referrer(db.session, workspace.id, root, ids[-1], now=now)
    assert refused.value.field == "referred_by_id"
    assert str(refused.value).count(rt.ARROW) == len(ids)
    db.session.rollback()
    assert db.session.get(Partner, ids[0]).referred_by_id is None
    assert _check(workspace) == []


def test_stats_stay_right_on_a_150_generation_chain(workspace, factories, now, chain):
    partners = chain(150, prefix="C")  # built through the service, one generation at a time
    assert _check(workspace) == []
    deepest = db.session.get(Referral, partners[-1].id)
    assert (deepest.root_id, deepest.generation) == (partners[0].id, 149)
    assert db.session.get(Referral, partners[0].id).subtree_depth == 149

    top = factories.partner(workspace, name="Top")
    leaf = factories.partner(workspace, name="Leaf")
    steps = [
        lambda: rt.set_referrer(db.session, workspace.id, partners[0], top.id, now=now),  # the whole chain moves
        lambda: rt.set_referrer(db.session, workspace.id, leaf, partners[-1].id, now=now),  # joins at the bottom
        lambda: rt.clear_referrer(db.session, workspace.id, partners[20], now=now),  # the chain splits
        lambda: rt.set_referrer(db.session, workspace.id, partners[20], partners[10].id, now=now),
        lambda: partner_service.delete_partner(db.session, partners[5], partners[5].name),
    ]
    for step, change in enumerate(steps):
        change()
        db.session.commit()
        assert _check(workspace) == [], step
    assert db.session.get(Referral, leaf.id).generation == 150 - 20 + 11 - 6
