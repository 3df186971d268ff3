"""The genealogy rules, without HTTP: ancestry, descendants, stats, refusals, history, big forests."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Deal, Partner
from app.models.referral import Referral, ReferralChange
from app.services import ServiceError
from app.services import referral_tree as rt
from app.summaries import referral_stats

from .conftest import bulk_partners, random_forest


def names(nodes):
    return [n.name for n in nodes]


def assert_stats_consistent(workspace):
    assert referral_stats.stored(db.session, workspace.id) == referral_stats.expected(db.session, workspace.id)


def test_seven_generation_chain_ancestry_and_descendants(workspace, chain):
    g = chain(8)
    crumbs = rt.ancestors(db.session, workspace.id, g[7].id)
    assert names(crumbs) == [f"G{i}" for i in range(8)]
    assert [c.depth for c in crumbs] == list(range(8))  # generation numbers, root = 0
    below = rt.descendants(db.session, workspace.id, g[0].id)
    assert [(n.name, n.depth) for n in below] == [(f"G{i}", i) for i in range(1, 8)]
    s = rt.summary(db.session, workspace.id, g[3].id)
    assert (s.generation, s.subtree_size, s.subtree_depth, s.direct_count) == (3, 5, 4, 1)
    assert s.root.name == "G0" and s.referrer.name == "G2"
    assert rt.subtree_stats(db.session, workspace.id, [g[0].id, g[5].id, g[7].id]) == {
        g[0].id: (8, 7),
        g[5].id: (3, 2),
        g[7].id: (1, 0),
    }
    root_row = db.session.get(Referral, g[0].id)
    assert (root_row.subtree_size, root_row.subtree_depth, root_row.root_id) == (8, 7, g[0].id)
    assert db.session.get(Referral, g[7].id).generation == 7
    assert_stats_consistent(workspace)


def test_children_and_subtree_sizes_of_many_roots_in_one_query(workspace, now, count_queries):
    a, b, c, d, e, x = bulk_partners(workspace, ["A", "B", "C", "D", "E", "X"])
    P = lambda i: db.session.get(Partner, i)  # noqa: E731
    for child, parent in ((b, a), (c, a), (d, b), (e, d)):
        rt.set_referrer(db.session, workspace.id, P(child), parent, now=now)
    db.session.commit()
    assert names(rt.children(db.session, workspace.id, a)) == ["B", "C"]  # biggest branch first
    with count_queries() as counter:
        stats = rt.subtree_stats(db.session, workspace.id, [a, b, c, x])
    assert counter.count == 1
    assert stats == {a: (5, 3), b: (3, 2), c: (1, 0), x: (1, 0)}


def test_self_referral_is_refused(workspace, now):
    (a,) = bulk_partners(workspace, ["Alone"])
    partner = db.session.get(Partner, a)
    with pytest.raises(ServiceError) as error:
        rt.set_referrer(db.session, workspace.id, partner, a, now=now)
    assert error.value.field == "referred_by_id" and "cannot refer itself" in error.value.message


def test_cycle_is_refused_naming_the_chain_and_nothing_changes(workspace, chain, now):
    g = chain(4, prefix="C")
    before = referral_stats.stored(db.session, workspace.id)
    with pytest.raises(ServiceError) as error:
        rt.set_referrer(db.session, workspace.id, g[0], g[3].id, now=now)
    assert "C0 → C1 → C2 → C3 → C0" in error.value.message
    db.session.rollback()
    assert db.session.get(Partner, g[0].id).referred_by_id is None
    assert referral_stats.stored(db.session, workspace.id) == before


def test_other_workspace_referrer_is_refused(workspace, other, now):
    (a,) = bulk_partners(workspace, ["Mine"])
    with pytest.raises(ServiceError) as error:
        rt.set_referrer(db.session, workspace.id, db.session.get(Partner, a), other["partner"].id, now=now)
    assert "this workspace" in error.value.message
    with pytest.raises(ServiceError):
        rt.set_referrer(db.session, workspace.id, db.session.get(Partner, a), 999999, now=now)


def test_archived_referrer_cannot_be_chosen_but_existing_referral_stays(workspace, now):
    a, b, c = bulk_partners(workspace, ["Old friend", "B", "C"])
    pa, pb, pc = (db.session.get(Partner, i) for i in (a, b, c))
    rt.set_referrer(db.session, workspace.id, pb, a, now=now)
    pa.archived_at = now
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        rt.set_referrer(db.session, workspace.id, pc, a, now=now)
    assert "archived" in error.value.message
    db.session.rollback()
    # re-saving B with its (now archived) referrer and new details is fine
    rt.set_referrer(db.session, workspace.id, pb, a, now=now, note="Met at the fair")
    assert db.session.get(Referral, b).note == "Met at the fair"


def test_contact_must_belong_to_the_referrer_and_date_not_in_future(workspace, factories, now):
    a, b, c = bulk_partners(workspace, ["A", "B", "C"])
    pa, pb, pc = (db.session.get(Partner, i) for i in (a, b, c))
    mine = factories.contact(pa, name="Ann at A")
    theirs = factories.contact(pc, name="Carl at C")
    with pytest.raises(ServiceError) as error:
        rt.set_referrer(db.session, workspace.id, pb, a, contact_id=theirs.id, now=now)
    assert error.value.field == "contact_id"
    db.session.rollback()
    with pytest.raises(ServiceError) as error:
        rt.set_referrer(db.session, workspace.id, pb, a, referred_on=now.date() + timedelta(days=1), now=now)
    assert error.value.field == "referred_on"
    db.session.rollback()
    rt.set_referrer(
        db.session,
        workspace.id,
        pb,
        a,
        contact_id=mine.id,
        referred_on=date(2025, 3, 1),
        note="Ann recommended us",
        now=now,
    )
    db.session.commit()
    row, contact = rt.referral_details(db.session, workspace.id, b)
    assert (contact.name, row.referred_on, row.note) == ("Ann at A", date(2025, 3, 1), "Ann recommended us")


def test_late_reattribution_moves_the_branch_and_keeps_history(workspace, user, now):
    a, b, c, d, e = bulk_partners(workspace, ["A", "B", "C", "D", "E"])
    P = lambda i: db.session.get(Partner, i)  # noqa: E731
    rt.set_referrer(db.session, workspace.id, P(b), a, now=now, actor_id=user.id)
    rt.set_referrer(db.session, workspace.id, P(c), b, now=now)
    rt.set_referrer(db.session, workspace.id, P(d), c, now=now)
    db.session.commit()
    # months later we learn B was really sent by E
    later = now + timedelta(days=90)
    change = rt.set_referrer(db.session, workspace.id, P(b), e, now=later, actor_id=user.id)
    db.session.commit()
    assert (change.from_name, change.to_name) == ("A", "E")
    assert names(rt.ancestors(db.session, workspace.id, d)) == ["E", "B", "C", "D"]
    assert db.session.get(Referral, a).subtree_size == 1 and db.session.get(Referral, a).subtree_depth == 0
    assert db.session.get(Referral, a).direct_count == 0
    assert (db.session.get(Referral, e).subtree_size, db.session.get(Referral, e).subtree_depth) == (4, 3)
    assert db.session.get(Referral, d).root_id == e and db.session.get(Referral, d).generation == 3
    history = rt.changes(db.session, workspace.id, b)
    assert [(h.ReferralChange.from_name, h.ReferralChange.to_name) for h in history] == [("A", "E"), (None, "A")]
    assert history[0].changed_by == user.name and history[0].ReferralChange.changed_at == later
    # clearing is a change too
    rt.clear_referrer(db.session, workspace.id, P(b), now=later, actor_id=user.id)
    db.session.commit()
    assert db.session.get(Referral, b).root_id == b and db.session.get(Referral, d).generation == 2
    assert (
        db.session.scalar(select(func.count()).select_from(ReferralChange).where(ReferralChange.partner_id == b)) == 3
    )
    assert_stats_consistent(workspace)


def test_moving_within_the_same_tree_keeps_depths_right(workspace, now):
    ids = bulk_partners(workspace, ["R", "A", "A1", "A2", "A3", "B"])
    r, a, a1, a2, a3, b = ids
    P = lambda i: db.session.get(Partner, i)  # noqa: E731
    for child, parent in ((a, r), (a1, a), (a2, a1), (a3, a2), (b, r)):
        rt.set_referrer(db.session, workspace.id, P(child), parent, now=now)
    rt.set_referrer(db.session, workspace.id, P(a2), b, now=now)  # the deep part moves under B
    db.session.commit()
    assert_stats_consistent(workspace)
    assert db.session.get(Referral, a).subtree_depth == 1
    assert db.session.get(Referral, r).subtree_depth == 3


def test_deleting_a_partner_reroots_its_referrals(workspace, chain, now):
    from app.services import partners as partner_service

    g = chain(5, prefix="D")
    partner_service.delete_partner(db.session, g[2], "D2")
    db.session.commit()
    assert names(rt.ancestors(db.session, workspace.id, g[4].id)) == ["D3", "D4"]
    assert db.session.get(Referral, g[0].id).subtree_size == 2
    history = rt.changes(db.session, workspace.id, g[3].id)
    assert history[0].ReferralChange.from_name == "D2" and history[0].ReferralChange.to_name is None
    assert_stats_consistent(workspace)


def test_ten_thousand_partner_forest(workspace, now, count_queries):
    ids, parent_of = random_forest(workspace, 10_000, seed=3, roots=25)
    assert_stats_consistent(workspace)
    # every non-root is in some root's branch, and the roots' sizes add up
    page = rt.forest(db.session, workspace.id, per_page=100)
    roots_with_referrals = {p for p in parent_of.values() if p in ids[:25]}
    assert page.total == len(roots_with_referrals) > 10
    lone_roots = 25 - page.total
    assert sum(node.subtree_size for node in page.items) + lone_roots == 10_000
    sizes = [(n.subtree_size, n.subtree_depth) for n in page.items]
    assert sizes == sorted(sizes, reverse=True)
    biggest = page.items[0]
    with count_queries() as counter:
        computed = rt.subtree_stats(db.session, workspace.id, [n.id for n in page.items])
    assert counter.count == 1
    assert {n.id: (n.subtree_size, n.subtree_depth) for n in page.items} == computed
    # descendants of the biggest root, with depths matching the edges
    below = rt.descendants(db.session, workspace.id, biggest.id)
    assert len(below) == biggest.subtree_size - 1
    depth_of = {biggest.id: 0}
    for node in below:
        assert depth_of[node.parent_id] + 1 == node.depth
        depth_of[node.id] = node.depth
    # a few late re-attributions keep the stored stats equal to a full recompute
    import random

    rng = random.Random(5)
    for _ in range(30):
        child = rng.choice(ids[25:])
        target = rng.choice(ids)
        try:
            rt.set_referrer(db.session, workspace.id, db.session.get(Partner, child), target, now=now)
        except ServiceError:
            db.session.rollback()
    db.session.commit()
    assert_stats_consistent(workspace)
    assert referral_stats.rebuild(db.session, workspace.id) == 0


def test_tree_loads_big_branches_a_few_generations_deep(workspace, now):
    ids, _ = random_forest(workspace, 3000, seed=9, roots=2)
    top = rt.forest(db.session, workspace.id).items[0]
    nodes = rt.tree(db.session, workspace.id, top.id, full_below=400, probe_depth=3, max_nodes=1200)
    assert max(n.depth for n in nodes) <= 3 and nodes[0].id == top.id
    # the way down to the branch's deepest partner: one id per generation, and every sibling on the way
    deepest, generation = db.session.execute(
        select(Referral.partner_id, Referral.generation)
        .where(Referral.root_id == top.id)
        .order_by(Referral.generation.desc(), Referral.partner_id)
        .limit(1)
    ).one()
    assert generation > 3
    chain, extra = rt.path_nodes(db.session, workspace.id, top.id, deepest)
    assert chain[0] == top.id and chain[-1] == deepest and len(chain) == generation + 1
    assert set(chain[1:]) <= {n.id for n in extra} and {n.parent_id for n in extra} == set(chain[:-1])
    # the other root is not in this branch: nothing is revealed
    other_root = next(i for i in ids[:2] if i != top.id)
    assert rt.path_nodes(db.session, workspace.id, top.id, other_root) == ([], [])


def test_report_numbers(workspace, now):
    a, b, c, d, e, lone = bulk_partners(workspace, ["A", "B", "C", "D", "E", "Lone"])
    P = lambda i: db.session.get(Partner, i)  # noqa: E731
    rt.set_referrer(db.session, workspace.id, P(b), a, now=now, referred_on=now.date() - timedelta(days=30))
    rt.set_referrer(db.session, workspace.id, P(c), a, now=now, referred_on=now.date() - timedelta(days=600))
    rt.set_referrer(db.session, workspace.id, P(e), d, now=now, referred_on=now.date() - timedelta(days=900))
    db.session.commit()
    rep = rt.report(db.session, workspace.id, now)
    assert (rep.branches, rep.growing, rep.dead_ends) == (2, 1, 1)
    assert rep.generations == [(0, 2), (1, 3)]
    assert rep.referred_partners == 3 and rep.lone_partners == 1
    assert names(rep.top_direct) == ["A", "D"]
    assert rep.top_descendants[0].name == "A" and rep.top_descendants[0].descendants == 2
    assert dict(rep.sources)["referral"] == 6


def test_revenue_grouped_by_currency_never_summed(workspace, now):
    a, b, c = bulk_partners(workspace, ["A", "B", "C"])
    P = lambda i: db.session.get(Partner, i)  # noqa: E731
    rt.set_referrer(db.session, workspace.id, P(b), a, now=now)
    rt.set_referrer(db.session, workspace.id, P(c), b, now=now)
    for pid, amount, currency, stage in (
        (a, "100", "EUR", "won"),
        (b, "50", "EUR", "won"),
        (c, "70", "USD", "won"),
        (c, "999", "EUR", "lost"),
    ):
        db.session.add(
            Deal(
                workspace_id=workspace.id,
                partner_id=pid,
                title="x",
                amount=Decimal(amount),
                currency=currency,
                stage=stage,
            )
        )
    db.session.commit()
    assert rt.subtree_revenue(db.session, workspace.id, a) == [("EUR", Decimal("150")), ("USD", Decimal("70"))]
    assert rt.subtree_revenue(db.session, workspace.id, b) == [("EUR", Decimal("50")), ("USD", Decimal("70"))]
    assert rt.revenue_by_root(db.session, workspace.id, [a]) == {a: [("EUR", Decimal("150")), ("USD", Decimal("70"))]}
    rep = rt.report(db.session, workspace.id, now)
    assert [(n.name, amt) for n, amt in rep.top_revenue["EUR"]] == [("A", Decimal("150"))]


def test_search_in_branch_and_picker(workspace, chain, now):
    g = chain(8, prefix="Gen")
    found = rt.search_in_branch(db.session, workspace.id, g[0].id, "gen6")
    assert [(n.name, n.depth) for n in found] == [("Gen6", 6)]
    found = rt.search_in_branch(db.session, workspace.id, g[2].id, "gen6")
    assert [(n.name, n.depth) for n in found] == [("Gen6", 4)]
    assert rt.search_in_branch(db.session, workspace.id, g[2].id, "gen1") == []
    picked = rt.pick_referrers(db.session, workspace.id, "gen", exclude_id=g[0].id)
    assert g[0].id not in [p.id for p in picked] and len(picked) == 7
