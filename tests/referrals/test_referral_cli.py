"""`flask summaries check|rebuild --only referral_stats`: stored stats drift is found and repaired."""

from sqlalchemy import update

from app.extensions import db
from app.models import Partner
from app.models.referral import Referral
from app.services import referral_tree as rt

from .conftest import bulk_partners


def test_check_finds_drift_and_rebuild_repairs_it(runner, workspace, now):
    check = ["summaries", "check", "--only", "referral_stats"]
    a, b, c = bulk_partners(workspace, ["A", "B", "C"])
    rt.set_referrer(db.session, workspace.id, db.session.get(Partner, b), a, now=now)
    db.session.commit()
    assert runner.invoke(args=check).exit_code == 0
    # a manual edit behind the service's back: C is attached directly in the database
    db.session.execute(update(Partner).where(Partner.id == c).values(referred_by_id=b))
    db.session.commit()
    result = runner.invoke(args=check)
    assert result.exit_code == 1 and f"Workspace {workspace.id}: 3 differences." in result.output
    result = runner.invoke(args=["summaries", "rebuild", "--only", "referral_stats", "--workspace", str(workspace.id)])
    assert result.exit_code == 0 and "(referral_stats 3)" in result.output
    assert runner.invoke(args=check).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Referral, a).subtree_size == 3 and db.session.get(Referral, c).generation == 2
