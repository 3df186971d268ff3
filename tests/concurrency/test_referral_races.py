"""Referrer changes at the same instant: one loop check sees the other's edge, the stored tree stats
stay equal to a rebuild, and nobody gets a 500 (the loser of a loop gets the sequential message)."""

from __future__ import annotations

import html

from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import Partner
from app.models.referral import Referral, ReferralChange
from app.services import referral_tree as rt
from tests.concurrency.helpers import at_once

LOOP = "That would make a loop"


def _set(partner, referrer):
    return ("POST", f"/partners/{partner.id}/referrals", {"referred_by_id": str(referrer.id)})


def _statuses(responses):
    """Status codes; "raised" where the request raised (a 500 outside the tests)."""
    return [r.status_code if r is not None else "raised" for r in responses]


def test_two_partners_made_each_others_referrer_at_once_store_no_loop(app, user, workspace, factories, now):
    pairs = [
        (factories.partner(workspace, name=f"Left {i}"), factories.partner(workspace, name=f"Right {i}"))
        for i in range(8)
    ]
    for a, b in pairs[::2]:  # half of them referred someone already (their Referral rows exist)
        for referrer in (a, b):
            kid = factories.partner(workspace, name=f"Kid of {referrer.name}")
            rt.set_referrer(db.session, workspace.id, kid, referrer.id, now=now)
    db.session.commit()
    ids = [(a.id, b.id) for a, b in pairs]
    for a, b in pairs:
        responses = at_once(app, user, _set(a, b), _set(b, a))
        assert sorted(_statuses(responses)) == [302, 422], _statuses(responses)
        loser = next(r for r in responses if r.status_code == 422)
        assert LOOP in html.unescape(loser.get_data(as_text=True))
    db.session.expire_all()
    for a_id, b_id in ids:
        edges = [db.session.get(Partner, a_id).referred_by_id, db.session.get(Partner, b_id).referred_by_id]
        assert sorted(edges, key=lambda e: e is None) in ([b_id, None], [a_id, None]), edges
    assert summaries.check(db.session, workspace.id) == []


def test_first_referrals_to_a_lone_root_at_once_all_count(app, user, workspace, factories):
    root = factories.partner(workspace, name="Lone Root")
    kids = [factories.partner(workspace, name=f"Kid {i}") for i in range(6)]
    root_id = root.id
    responses = at_once(app, user, *[_set(kid, root) for kid in kids])
    assert _statuses(responses) == [302] * len(kids)
    db.session.expire_all()
    row = db.session.get(Referral, root_id)
    assert (row.direct_count, row.subtree_size, row.subtree_depth) == (len(kids), len(kids) + 1, 1)
    assert summaries.check(db.session, workspace.id) == []


def test_changes_in_one_branch_at_once_keep_the_stats_right(app, user, workspace, factories, now):
    root, a, b, x, x1, y, z = (factories.partner(workspace, name=n) for n in ["R", "A", "B", "X", "X1", "Y", "Z"])
    rt.set_referrer(db.session, workspace.id, a, root.id, now=now)
    rt.set_referrer(db.session, workspace.id, b, a.id, now=now)
    rt.set_referrer(db.session, workspace.id, x1, x.id, now=now)
    db.session.commit()
    root_id = root.id
    # a branch joins deep down, a lone partner joins the root, another joins a child, a leaf moves up
    responses = at_once(app, user, _set(x, b), _set(y, root), _set(z, a), _set(b, root))
    assert _statuses(responses) == [302] * 4
    db.session.expire_all()
    row = db.session.get(Referral, root_id)
    assert (row.direct_count, row.subtree_size) == (3, 7)
    assert summaries.check(db.session, workspace.id) == []


def test_one_partner_given_two_referrers_at_once_moves_once_then_again(app, user, workspace, factories):
    partner, first, second = (factories.partner(workspace, name=n) for n in ["Moving", "First", "Second"])
    partner_id = partner.id
    responses = at_once(app, user, _set(partner, first), _set(partner, second))
    assert _statuses(responses) == [302, 302]
    db.session.expire_all()
    changes = list(
        db.session.scalars(
            select(ReferralChange).where(ReferralChange.partner_id == partner_id).order_by(ReferralChange.id)
        )
    )
    assert len(changes) == 2
    assert changes[0].from_partner_id is None
    assert changes[1].from_partner_id == changes[0].to_partner_id  # the second saw the first's edge
    assert db.session.get(Partner, partner_id).referred_by_id == changes[1].to_partner_id
    assert summaries.check(db.session, workspace.id) == []
