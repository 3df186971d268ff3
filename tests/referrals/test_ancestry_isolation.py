"""Even a link that the rules would never write (a referrer in another workspace, put there by hand
or by a bad import) does not let the breadcrumb show another workspace's partners."""

from app.extensions import db
from app.services import referral_tree as rt


def test_breadcrumb_stops_at_the_workspace_boundary(workspace, other, factories):
    root = factories.partner(workspace, name="Own Root")
    child = factories.partner(workspace, name="Own Child", referred_by_id=root.id)
    root.referred_by_id = other["partner"].id  # forged cross-workspace link
    db.session.commit()

    names = [node.name for node in rt.ancestors(db.session, workspace.id, child.id)]
    assert names == ["Own Root", "Own Child"]
    assert "Outsider Partner" not in [n.name for n in rt.summary(db.session, workspace.id, child.id).ancestors]
