"""The demo step grows believable referral forests, deterministically, with stats that add up."""

from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.models import Partner
from app.models.referral import Referral
from app.services.demo import generate
from app.summaries import referral_stats


def _forest(workspace_id):
    return dict(
        db.session.execute(select(Partner.id, Partner.referred_by_id).where(Partner.workspace_id == workspace_id)).all()
    )


def test_demo_grows_forests_with_a_deep_branch(factories, now):
    ws = factories.workspace_of(factories.user())
    generate(db.session, ws, seed=3, partners=600, now=now)
    db.session.commit()
    edges = _forest(ws.id)
    referred = [p for p, ref in edges.items() if ref]
    assert len(referred) > 0.6 * len(edges)  # most partners were referred by someone
    direct = Counter(ref for ref in edges.values() if ref)
    assert max(direct.values()) <= 10 and sum(1 for n in direct.values() if n >= 6) >= 2  # a few sociable ones
    assert referral_stats.stored(db.session, ws.id) == referral_stats.expected(db.session, ws.id)
    assert (
        db.session.scalar(
            select(Referral.generation)
            .where(Referral.workspace_id == ws.id)
            .order_by(Referral.generation.desc())
            .limit(1)
        )
        >= 7
    )
    dead_ends = [p for p in referred if p not in direct]
    assert len(dead_ends) > len(referred) / 3
    statuses = Counter(db.session.scalars(select(Partner.status).where(Partner.id.in_(list(direct)))))
    assert statuses["referrer"] > 0  # some referrers never bought anything
    assert all(db.session.get(Partner, p).source == "referral" for p in referred[:50])


def test_demo_is_deterministic(factories, now):
    shapes = []
    for _ in range(2):
        ws = factories.workspace_of(factories.user())
        generate(db.session, ws, seed=5, partners=200, now=now)
        db.session.commit()
        ids = sorted(_forest(ws.id))
        offset = ids[0]
        shapes.append(sorted((p - offset, (r - offset) if r else None) for p, r in _forest(ws.id).items()))
    assert shapes[0] == shapes[1]
