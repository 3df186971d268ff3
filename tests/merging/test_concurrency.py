"""Merges and undos at the same instant: one wins, the other gets the message a later try gets,
never a 500 or half a merge."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Contact, Partner, PartnerMerge
from app.services.merging import merge_partners
from tests.concurrency.helpers import at_once
from tests.conftest import make_contact, make_partner


def _statuses(responses):
    return [r.status_code if r is not None else "raised" for r in responses]


def _pair(workspace, n):
    a = make_partner(workspace, name=f"Garden {n}")
    b = make_partner(workspace, name=f"Garden {n} GmbH")
    make_contact(a, name="Anna")
    make_contact(b, name="Bob")
    return a, b


def test_the_same_merge_twice_at_once(app, user, workspace):
    a, b = _pair(workspace, 1)
    url = f"/duplicates/merge/{a.id}/{b.id}"
    responses = at_once(app, user, ("POST", url, {}), ("POST", url, {}))
    assert sorted(_statuses(responses)) == [302, 422], _statuses(responses)
    loser = next(r for r in responses if r.status_code == 422)
    assert "already merged" in html.unescape(loser.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PartnerMerge.id))) == 1
    assert db.session.scalar(select(func.count(Contact.id)).where(Contact.partner_id == a.id)) == 2
    assert summaries.check(db.session, workspace.id) == []


def test_opposite_merges_of_a_pair_at_once(app, user, workspace):
    a, b = _pair(workspace, 2)
    responses = at_once(
        app, user, ("POST", f"/duplicates/merge/{a.id}/{b.id}", {}), ("POST", f"/duplicates/merge/{b.id}/{a.id}", {})
    )
    assert sorted(_statuses(responses)) == [302, 422], _statuses(responses)
    db.session.expire_all()
    merged = [p for p in (db.session.get(Partner, a.id), db.session.get(Partner, b.id)) if p.merged_into_id]
    assert len(merged) == 1
    assert summaries.check(db.session, workspace.id) == []


def test_two_undos_at_once_undo_once(app, user, workspace, now):
    a, b = _pair(workspace, 3)
    merge_partners(db.session, workspace, user, survivor_id=a.id, merged_id=b.id, choices={}, now=now)
    db.session.commit()
    url = f"/duplicates/merged/{b.id}/undo"
    responses = at_once(app, user, ("POST", url, {}), ("POST", url, {}))
    assert _statuses(responses) == [302, 302]
    db.session.expire_all()
    assert db.session.get(Partner, b.id).merged_into_id is None
    assert db.session.scalar(select(func.count(Contact.id)).where(Contact.partner_id == b.id)) == 1
    assert summaries.check(db.session, workspace.id) == []


def test_an_undo_and_a_merge_of_the_survivor_at_once(app, user, workspace, now):
    a, b = _pair(workspace, 4)
    c = make_partner(workspace, name="Garden 4 Ltd")
    merge_partners(db.session, workspace, user, survivor_id=a.id, merged_id=b.id, choices={}, now=now)
    db.session.commit()
    responses = at_once(
        app, user, ("POST", f"/duplicates/merged/{b.id}/undo", {}), ("POST", f"/duplicates/merge/{c.id}/{a.id}", {})
    )
    assert "raised" not in _statuses(responses) and 500 not in _statuses(responses)
    db.session.expire_all()
    b_now, a_now = db.session.get(Partner, b.id), db.session.get(Partner, a.id)
    # either the undo went first (then a merged into c), or the merge did (then the undo was refused)
    assert a_now.merged_into_id == c.id or (b_now.merged_into_id is None and a_now.merged_into_id is None)
    assert summaries.check(db.session, workspace.id) == []
