"""Referral economics, without HTTP: every number counted by hand on the book of economics_book.py,
the summary equal to its rebuild, and one workspace's numbers never in another's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import delete

from app import summaries
from app.extensions import db
from app.models.referral_revenue import BranchRevenue, ReferralGenerationSize, ReferralRevenueMonth
from app.services import referral_tree as rt
from app.services.reports.period import Period, choose
from app.services.reports.referral_economics import economics
from app.summaries import referral_revenue
from tests.conftest import NOW, make_partner, make_user, workspace_of

from .economics_book import _won, build

TODAY = NOW.date()
LAST_12_MONTHS = choose("12m", None, None, TODAY)  # 2025-11-25 .. 2026-11-24


def _report(workspace, period=LAST_12_MONTHS):
    return economics(db.session, workspace.id, period, TODAY)


def test_revenue_per_generation_counted_by_hand(workspace):
    build(workspace)
    data = _report(workspace)
    rows = [(g.generation, g.partners, g.revenue, g.deals) for g in data.generations]
    # gen 0: A, X, H (a root since G was deleted), Z; gen 1: B, C, D (moved up), Y; gen 2: E, F
    assert rows == [
        (0, 4, {"EUR": Decimal("1570")}, {"EUR": 3}),  # A 1000 + X 500 + H 70
        (1, 4, {"EUR": Decimal("1200"), "USD": Decimal("300")}, {"EUR": 3, "USD": 1}),  # B 400 + C 200 + D 600
        (2, 2, {"EUR": Decimal("100"), "USD": Decimal("50")}, {"EUR": 1, "USD": 1}),  # E, F
    ]
    assert data.currencies == ["EUR", "USD"]  # the most won first
    assert [g.per_partner("EUR") for g in data.generations] == [Decimal("392.50"), Decimal("300.00"), Decimal("50.00")]
    # 300.00 / 392.50 = 0.764…: referred partners bring 76% of the revenue per partner of the others
    assert (data.reading.key, data.reading.numbers) == ("compared", {"currency": "EUR", "share": Decimal("0.76")})


def test_referrers_commission_against_revenue_brought(workspace):
    book = build(workspace)
    data = _report(workspace)
    rows = [(r.name, r.currency, r.brought, r.own, r.paid, r.owed, r.direct, r.branch_size) for r in data.referrers]
    assert rows == [
        # A's branch below it: B 400 + C 200 + D 600 + E 100 (G's 999 left with G); F's is USD
        ("A", "EUR", Decimal("1300"), Decimal("1000"), Decimal("40"), Decimal("20"), 3, 6),
        ("D", "EUR", Decimal("100"), Decimal("600"), Decimal("10"), Decimal("0"), 1, 2),
        ("Z", "EUR", Decimal("80"), Decimal("0"), Decimal("0"), Decimal("0"), 1, 2),  # Y's 2024 deal: all time
        ("A", "USD", Decimal("350"), Decimal("0"), Decimal("0"), Decimal("30"), 3, 6),  # C 300 + F 50
        ("C", "USD", Decimal("50"), Decimal("300"), Decimal("0"), Decimal("0"), 1, 2),
    ]
    assert data.referrers[0].partner_id == book.ids["A"]


def test_growing_branches_and_dead_ends(workspace):
    book = build(workspace)
    data = _report(workspace)
    # A's branch: B, C, D, E dated in the period; F in the period before (G's went with G)
    assert [(r.name, r.branch_size, r.new, r.before) for r in data.growing] == [("A", 6, 4, 1)]
    # C's only referral left (F) referred nobody, last in 2025-08; Z's (Y) in 2024; D's E is recent
    assert [(r.name, r.referrals, r.last_referred_on) for r in data.dead_ends] == [
        ("C", 1, date(2025, 8, 1)),
        ("Z", 1, date(2024, 1, 1)),
    ]
    assert data.dead_ends[0].partner_id == book.ids["C"]


def test_the_period_filters_revenue_by_month_won_and_referrals_by_date(workspace):
    build(workspace)
    period = Period("custom", date(2026, 6, 10), date(2026, 8, 31))
    data = economics(db.session, workspace.id, period, TODAY, before=period.previous())
    # June counts whole (C 200 EUR, 300 USD); D's August 600; E's September is outside
    assert [(g.generation, g.revenue) for g in data.generations] == [
        (0, {}),
        (1, {"EUR": Decimal("800"), "USD": Decimal("300")}),
        (2, {}),
    ]
    assert (data.reading.key, data.reading.numbers) == ("only_referred", {"currency": "EUR"})
    # the period before (2026-03-19 .. 06-09, so March to June): B's April 400, C's June 200 and 300 USD
    assert {g: row.revenue for g, row in data.before.items()} == {1: {"EUR": Decimal("600"), "USD": Decimal("300")}}
    assert data.before[1].per_partner("EUR") == Decimal("150.00")  # 4 partners in generation 1
    # E (2026-07-01) in the period; before it (2026-03-19 .. 06-09): C and D (B's is 03-01)
    assert [(r.name, r.new, r.before) for r in data.growing] == [("A", 1, 2)]


def test_a_book_without_referrals_says_so(workspace):
    make_partner(workspace, name="Alone")
    data = _report(workspace)
    assert not data.has_referrals
    assert data.reading.key == "none"
    assert data.referrers == data.growing == data.dead_ends == []


def test_the_kept_rows_equal_their_rebuild(workspace):
    build(workspace)
    kept = referral_revenue.stored(db.session, workspace.id)
    assert kept == referral_revenue.expected(db.session, workspace.id)
    assert summaries.check(db.session, workspace.id) == []
    for model in (ReferralRevenueMonth, ReferralGenerationSize, BranchRevenue):
        db.session.execute(delete(model).where(model.workspace_id == workspace.id))
    assert referral_revenue.rebuild(db.session, workspace.id) > 0
    assert referral_revenue.stored(db.session, workspace.id) == kept
    db.session.commit()
    assert _report(workspace).referrers[0].brought == Decimal("1300")


def test_the_referral_pages_read_the_same_branch_revenue(workspace):
    book = build(workspace)
    a, c = book.ids["A"], book.ids["C"]
    assert rt.subtree_revenue(db.session, workspace.id, a) == [("EUR", Decimal("2300")), ("USD", Decimal("350"))]
    assert rt.subtree_revenue(db.session, workspace.id, c) == [("EUR", Decimal("200")), ("USD", Decimal("350"))]
    assert rt.revenue_by_root(db.session, workspace.id, [a, book.ids["X"]]) == {
        a: [("EUR", Decimal("2300")), ("USD", Decimal("350"))],
        book.ids["X"]: [("EUR", Decimal("500"))],
    }
    top = rt.branch_revenue(db.session, workspace.id)
    # X is alone (not a branch); Z's branch is Y's 80
    assert {c: [(n.name, amount) for n, amount in items] for c, items in top.items()} == {
        "EUR": [("A", Decimal("2300")), ("Z", Decimal("80"))],
        "USD": [("A", Decimal("350"))],
    }


def test_another_workspace_sees_none_of_it(workspace):
    build(workspace)
    other = workspace_of(make_user(name="Xavier Outsider", email="xavier-econ@example.com"))
    lone = make_partner(other, name="Theirs")
    data = _report(other)
    assert not data.has_referrals and data.referrers == data.growing == data.dead_ends == []
    assert [(g.generation, g.partners, g.revenue) for g in data.generations] == [(0, 1, {})]
    assert rt.subtree_revenue(db.session, other.id, lone.id) == []
    assert rt.branch_revenue(db.session, other.id) == {}


def _chain(workspace, length):
    """A chain of `length` partners, each referred by the one before; each wins 10 EUR in the period."""
    ids = []
    for n in range(length):
        partner = make_partner(workspace, name=f"Link {n}")
        if ids:
            rt.set_referrer(db.session, workspace.id, partner, ids[-1], now=NOW, referred_on=date(2026, 5, 1))
        _won(workspace, partner.id, "10", "EUR", date(2026, 6, 1))
        ids.append(partner.id)
    db.session.commit()
    return ids


def test_generations_from_the_tenth_down_are_one_row(workspace):
    _chain(workspace, 14)  # generations 0 .. 13
    data = _report(workspace)
    rows = [(g.generation, g.deeper, g.partners, g.revenue, g.deals) for g in data.generations]
    assert len(rows) == 11
    assert rows[:2] == [
        (0, False, 1, {"EUR": Decimal("10")}, {"EUR": 1}),
        (1, False, 1, {"EUR": Decimal("10")}, {"EUR": 1}),
    ]
    assert rows[9] == (9, False, 1, {"EUR": Decimal("10")}, {"EUR": 1})
    # generations 10, 11, 12 and 13: four partners, 40 EUR
    assert rows[10] == (10, True, 4, {"EUR": Decimal("40")}, {"EUR": 4})
    assert data.generations[10].per_partner("EUR") == Decimal("10.00")


def test_a_tenth_generation_alone_is_not_called_deeper(workspace):
    _chain(workspace, 11)  # generations 0 .. 10
    data = _report(workspace)
    assert [(g.generation, g.deeper, g.partners) for g in data.generations][-1] == (10, False, 1)
