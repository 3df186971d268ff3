"""The running totals of deals and of the ledger are summaries: kept in the flush, they always equal
a rebuild from the rows, and `check` reports (and `rebuild` repairs) a total row that went wrong."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import Commission, Deal, Partner
from app.services import commissions, deals
from app.summaries import commission_totals, deal_totals
from tests.deals.helpers import deal_data, make_deal, referral_pair

TOTALS = ("deal_totals", "commission_totals")


def _owed(deal_id):
    return [
        c.id
        for c in db.session.scalars(
            select(Commission).where(Commission.deal_id == deal_id, Commission.status == "owed")
        )
    ]


def _assert_right(workspace_id):
    assert summaries.check(db.session, workspace_id) == []


@pytest.fixture
def history(workspace, user, factories, now):
    """Two workspaces' worth of deals and commissions, changed in every way the app changes them;
    after each step the kept totals equal the rows."""
    ws = workspace.id
    member = factories.member(workspace, name="Mia Member")
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    second = factories.partner(workspace, name="Second Client", referred_by_id=referrer.id)
    leaving = factories.partner(workspace, name="Leaving Client", referred_by_id=referrer.id)
    later = now + timedelta(days=40)

    # creates: every stage, two currencies, with and without an owner
    won = make_deal(client, now=now, amount="1000", stage="won", owner_id=user.id)
    yen = make_deal(client, now=now, amount="50000", currency="JPY", stage="won", title="Yen")
    proposal = make_deal(second, now=now, amount="300", stage="proposal", owner_id=member.id)
    lead = make_deal(second, now=now, amount="120.50", currency="USD", stage="lead")
    make_deal(second, now=now, amount="80", stage="lost", lost_reason="No budget")
    make_deal(leaving, now=now, amount="400", stage="won")
    make_deal(leaving, now=now, amount="90", stage="negotiation")
    _assert_right(ws)

    # marks paid, then edits of a won deal that was paid (an adjustment) and of one that was not
    commissions.mark_paid(db.session, ws, _owed(won.id), now.date(), "INV-1", user.id)
    db.session.commit()
    deals.update_deal(db.session, won, deal_data(won, amount=Decimal("1500"), owner_id=member.id), later)
    deals.update_deal(db.session, proposal, deal_data(proposal, amount=Decimal("350"), currency="USD"), later)
    db.session.commit()
    _assert_right(ws)

    # stage moves: won -> lost (a reversal), open -> won, reopening, lost -> won in another month
    deals.move_deal(db.session, yen, "lost", later, lost_reason="Cancelled")
    deals.move_deal(db.session, proposal, "won", later)
    deals.move_deal(db.session, lead, "negotiation", later)
    db.session.commit()
    deals.move_deal(db.session, proposal, "proposal", later + timedelta(days=1))
    deals.move_deal(db.session, yen, "won", later + timedelta(days=31))
    db.session.commit()
    _assert_right(ws)
    commissions.mark_paid(db.session, ws, _owed(yen.id), later.date(), None, None)
    db.session.commit()

    # a change made on the model, with nothing loaded first (the flush reads the old values back)
    db.session.expire_all()
    db.session.get(Deal, lead.id).amount = Decimal("99.99")
    db.session.commit()
    lead_deal = db.session.get(Deal, lead.id)
    db.session.expire(lead_deal)
    lead_deal.owner_id = user.id
    db.session.commit()
    _assert_right(ws)

    # deletes: a deal (with its commissions), then a partner with its deals and their commissions
    db.session.delete(db.session.get(Deal, won.id))
    db.session.commit()
    _assert_right(ws)
    changed_too = db.session.scalars(select(Deal).where(Deal.partner_id == leaving.id).limit(1)).one()
    db.session.delete(db.session.get(Partner, leaving.id))  # its deals go with it…
    changed_too.amount = Decimal("1")  # …one of them changed in the same flush
    db.session.commit()
    _assert_right(ws)

    # another workspace's deals do not show in this one's totals
    other_user = factories.user(name="Other Owner")
    outsider = factories.partner(factories.workspace_of(other_user), name="Outsider")
    make_deal(outsider, now=now, amount="5", stage="won")
    _assert_right(outsider.workspace_id)
    return ws


def test_kept_totals_equal_rebuilt_ones_after_every_kind_of_change(history):
    chosen = [s for s in summaries.all_summaries() if s.name in TOTALS]
    kept = {s.name: s.stored(db.session, history) for s in chosen}
    assert all(kept.values())  # both summaries hold rows to compare
    assert summaries.check(db.session, history, chosen) == []
    assert summaries.rebuild(db.session, history, chosen) == {name: len(kept[name]) for name in TOTALS}
    db.session.commit()
    assert {s.name: s.stored(db.session, history) for s in chosen} == kept
    assert summaries.check(db.session, history, chosen) == []


def test_the_pages_read_the_kept_totals(history, now):
    today = (now + timedelta(days=90)).date()  # every deal of the history closed in the last 12 months
    board = deals.pipeline(db.session, history, deals.BoardFilters(closed_months=12), today)
    expected = deal_totals.expected(db.session, history)
    for stage, stage_totals in board.totals.items():
        assert stage_totals.count == sum(n for (_, st, _, _), (n, _) in expected.items() if st == stage)
    page, totals = commissions.ledger(db.session, history, commissions.LedgerFilters())
    assert page.total == sum(n for n, _ in commission_totals.expected(db.session, history).values())


def test_a_corrupted_total_row_is_reported_and_rebuilt(runner, history):
    for table, change in (("deal_total", "amount = amount + 1"), ("commission_total", "entry_count = entry_count + 2")):
        count = "deal_count" if table == "deal_total" else "entry_count"
        row_id = db.session.scalar(
            db.text(f"SELECT min(id) FROM {table} WHERE workspace_id = :ws AND {count} > 0"), {"ws": history}
        )
        db.session.execute(db.text(f"UPDATE {table} SET {change} WHERE id = :id"), {"id": row_id})
    db.session.commit()
    deal_wrong, ledger_wrong = summaries.check(db.session, history)
    assert deal_wrong.summary == "deal_totals" and ledger_wrong.summary == "commission_totals"
    assert deal_wrong.stored == (deal_wrong.expected[0], deal_wrong.expected[1] + 1)
    assert ledger_wrong.stored == (ledger_wrong.expected[0] + 2, ledger_wrong.expected[1])

    result = runner.invoke(args=["summaries", "check", "--workspace", str(history)])
    assert result.exit_code == 1
    result = runner.invoke(args=["summaries", "rebuild", "--workspace", str(history)])
    assert result.exit_code == 0
    assert summaries.check(db.session, history) == []
    assert runner.invoke(args=["summaries", "check", "--workspace", str(history)]).exit_code == 0


def test_rows_are_compared_summed_by_key(workspace, factories, now):
    """Two rows with one key (concurrent first inserts) add up; a row that came to zero is no row;
    a row for a key without deals is reported."""
    make_deal(factories.partner(workspace), now=now, amount="100", stage="lead")
    ws = workspace.id
    insert = "INSERT INTO deal_total (workspace_id, owner_id, stage, currency, month, deal_count, amount) VALUES "
    db.session.execute(
        db.text("UPDATE deal_total SET deal_count = 0, amount = 40 WHERE workspace_id = :ws"), {"ws": ws}
    )
    db.session.execute(db.text(insert + "(:ws, NULL, 'lead', 'EUR', NULL, 1, 60)"), {"ws": ws})
    db.session.execute(db.text(insert + "(:ws, NULL, 'won', 'EUR', '2026-11-01', 0, 0)"), {"ws": ws})
    db.session.commit()
    assert summaries.check(db.session, ws) == []
    db.session.execute(db.text(insert + "(:ws, NULL, 'won', 'USD', '2026-11-01', 0, 5)"), {"ws": ws})
    db.session.commit()
    [difference] = summaries.check(db.session, ws)
    assert difference.summary == "deal_totals" and difference.expected is None
    assert difference.stored == (0, Decimal("5.00"))
