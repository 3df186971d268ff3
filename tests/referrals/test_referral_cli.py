"""`flask referrals check|recompute`: stored stats drift is found and repaired."""

from sqlalchemy import update

from app.extensions import db
from app.models import Partner
from app.models.referral import Referral
from app.services import referral_tree as rt

from .conftest import bulk_partners


def test_check_finds_drift_and_recompute_repairs_it(runner, workspace, now):
    a, b, c = bulk_partners(workspace, ["A", "B", "C"])
    rt.set_referrer(db.session, workspace.id, db.session.get(Partner, b), a, now=now)
    db.session.commit()
    assert runner.invoke(args=["referrals", "check"]).exit_code == 0
    # a manual edit behind the service's back: C is attached directly in the database
    db.session.execute(update(Partner).where(Partner.id == c).values(referred_by_id=b))
    db.session.commit()
    result = runner.invoke(args=["referrals", "check"])
    assert result.exit_code == 1 and "wrong" in result.output
    result = runner.invoke(args=["referrals", "recompute", "--workspace", str(workspace.id)])
    assert result.exit_code == 0 and "3 referral rows fixed" in result.output
    assert runner.invoke(args=["referrals", "check"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Referral, a).subtree_size == 3 and db.session.get(Referral, c).generation == 2
