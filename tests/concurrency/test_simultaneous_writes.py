"""Two requests doing the same thing at the same instant: one wins, the other gets the message a
second, sequential attempt gets, and the money and counts stay right (incremental == rebuilt)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Commission, CommissionTotal, Deal, DealTotal, Membership
from app.models.workspace import ROLE_OWNER
from tests.conftest import PASSWORD, add_member
from tests.deals.helpers import make_deal, referral_pair


def at_once(app, user, *requests):
    """Fire the requests (method, url, data[, user]) from separate clients, each logged in as
    `user` (or the request's own user), released together by a barrier; the responses in order."""
    clients = []
    for request in requests:
        who = request[3] if len(request) > 3 else user
        client = app.test_client()
        assert client.post("/login", data={"email": who.email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    requests = [request[:3] for request in requests]
    db.session.rollback()  # the test's own session holds no transaction (nor SQLite's write lock)
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def fire(index, client, method, url, data):
        barrier.wait()
        responses[index] = client.open(url, method=method, data=data, headers={"HX-Request": "true"})

    threads = [
        threading.Thread(target=fire, args=(i, c, *r)) for i, (c, r) in enumerate(zip(clients, requests, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


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
    responses = at_once(app, user, ("POST", url, {"stage": "won"}), ("POST", url, {"stage": "won"}))
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
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
