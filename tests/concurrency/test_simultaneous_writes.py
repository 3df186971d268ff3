"""Two requests doing the same thing at the same instant: one wins, the other gets the message a
second, sequential attempt gets, and the money and counts stay right (incremental == rebuilt)."""

from __future__ import annotations

from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Commission, CommissionTotal, Deal, DealTotal, Membership
from app.models.workspace import ROLE_OWNER
from tests.concurrency.helpers import at_once
from tests.conftest import add_member
from tests.deals.helpers import make_deal, referral_pair


def test_one_commission_marked_paid_twice_at_once(app, user, workspace, factories, now):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    make_deal(client, now=now, stage="won", amount="1000", title="Site")
    entry_id = db.session.scalar(select(Commission.id))
    pay = {"ids": [str(entry_id)], "paid_on": "2026-11-20"}
    first, second = at_once(
        app,
        user,
        ("POST", "/ledger/pay", {**pay, "payment_reference": "A"}),
        ("POST", "/ledger/pay", {**pay, "payment_reference": "B"}),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 422], statuses
    loser = first if first.status_code == 422 else second
    assert "already paid" in loser.get_data(as_text=True)
    db.session.expire_all()
    winner_reference = "A" if first.status_code == 200 else "B"
    assert db.session.get(Commission, entry_id).payment_reference == winner_reference
    paid = db.session.scalar(select(func.sum(CommissionTotal.entry_count)).where(CommissionTotal.status == "paid"))
    assert paid == 1
    assert summaries.check(db.session, workspace.id) == []


def test_one_deal_moved_to_won_twice_at_once(app, user, workspace, factories, now):
    partner = factories.partner(workspace)
    deal = make_deal(partner, now=now, stage="proposal", amount="700")
    url = f"/deals/{deal.id}/stage"
    move = {"stage": "won", "from_stage": "proposal"}  # what the board showed both
    responses = at_once(app, user, ("POST", url, move), ("POST", url, move))
    assert sorted(r.status_code for r in responses) == [200, 422], [r.status_code for r in responses]
    loser = next(r for r in responses if r.status_code == 422)
    assert "Someone moved this deal to Won meanwhile" in loser.get_data(as_text=True)
    db.session.expire_all()
    won = db.session.scalar(select(func.sum(DealTotal.deal_count)).where(DealTotal.stage == "won"))
    proposal = db.session.scalar(select(func.sum(DealTotal.deal_count)).where(DealTotal.stage == "proposal"))
    assert (won, proposal or 0) == (1, 0)
    assert db.session.get(Deal, deal.id).stage == "won"
    assert summaries.check(db.session, workspace.id) == []


def test_two_owners_demoting_each_other_at_once_leave_one_owner(app, user, workspace, now):
    second = add_member(workspace, name="Second Owner", role=ROLE_OWNER)
    mine = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    theirs = db.session.scalar(select(Membership).where(Membership.user_id == second.id))
    responses = at_once(
        app,
        user,
        ("POST", f"/settings/members/{theirs.id}/role", {"role": "member"}, user),
        ("POST", f"/settings/members/{mine.id}/role", {"role": "member"}, second),
    )
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    db.session.expire_all()
    owners = db.session.scalar(
        select(func.count()).where(Membership.workspace_id == workspace.id, Membership.role == ROLE_OWNER)
    )
    assert owners == 1
