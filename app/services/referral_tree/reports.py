"""The referrals report and the won revenue of branches (per currency, never summed across them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import and_, bindparam, func, literal, or_, select, true
from sqlalchemy.orm import Session

from app.models import Partner
from app.models.partner import SOURCES
from app.models.referral import Referral
from app.models.referral_revenue import BranchRevenue, ReferralRevenueMonth
from app.services.money import as_money
from app.services.referral_tree.nodes import Node, node_columns, to_node

GROWTH_WINDOW_DAYS = 365  # a branch "keeps growing" when it gained a referral in this window


@dataclass
class Report:
    total_partners: int
    referred_partners: int
    lone_partners: int
    branches: int
    growing: int
    dead_ends: int
    generations: list[tuple[int, int]]
    top_direct: list[Node]
    top_descendants: list[Node]
    top_revenue: dict[str, list[tuple[Node, Decimal]]] | None  # None when not asked for
    sources: list[tuple[str, int]]
    growing_branches: list[tuple[Node, int, date | None]] = field(default_factory=list)
    dead_branches: list[tuple[Node, date | None]] = field(default_factory=list)


# --- revenue: read from the referral_revenue summary (app/summaries/referral_revenue.py) -----------


def _amounts(rows) -> list[tuple[str, Decimal]]:
    return [(currency, as_money(amount)) for currency, amount in rows]


def subtree_revenue(
    session: Session, workspace_id: int, partner_id: int, is_root: bool | None = None
) -> list[tuple[str, Decimal]]:
    """Won revenue of a partner's whole branch (itself included), per currency (never summed across
    currencies). One query reading the partner's few summary rows, root or not (`is_root` is kept
    for the callers that know it; it changes nothing now)."""
    rows = session.execute(
        select(BranchRevenue.currency, BranchRevenue.branch_amount)
        .where(
            BranchRevenue.workspace_id == workspace_id,
            BranchRevenue.partner_id == partner_id,
            BranchRevenue.branch_amount != 0,
        )
        .order_by(BranchRevenue.currency)
    ).all()
    return _amounts(rows)


def revenue_by_root(session: Session, workspace_id: int, root_ids) -> dict[int, list[tuple[str, Decimal]]]:
    """Won revenue of many roots' branches, per currency, in one query."""
    ids = list(root_ids)
    result: dict[int, list[tuple[str, Decimal]]] = {i: [] for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(BranchRevenue.partner_id, BranchRevenue.currency, BranchRevenue.branch_amount)
        .where(
            BranchRevenue.workspace_id == workspace_id,
            BranchRevenue.partner_id.in_(ids),
            BranchRevenue.branch_amount != 0,
        )
        .order_by(BranchRevenue.partner_id, BranchRevenue.currency)
    ).all()
    for root_id, currency, amount in rows:
        result[root_id].append((currency, as_money(amount)))
    return result


def currencies(session: Session, workspace_id: int) -> list[str]:
    """The currencies of the workspace's won deals (a few rows of the summary per month)."""
    return list(
        session.scalars(
            select(ReferralRevenueMonth.currency)
            .where(ReferralRevenueMonth.workspace_id == workspace_id, ReferralRevenueMonth.deal_count != 0)
            .distinct()
            .order_by(ReferralRevenueMonth.currency)
        )
    )


@cache
def _top_statement(amount: str, roots_only: bool, currencies: int):
    """The statement of `top_by` for this many currencies, built once (its values bound parameters)."""
    column = BranchRevenue.__table__.c[amount]
    condition = BranchRevenue.tree_root.is_(True) if roots_only else true()
    parts = [
        select(BranchRevenue.partner_id, BranchRevenue.currency, column.label("amount"))
        .where(
            BranchRevenue.workspace_id == bindparam("ws"),
            BranchRevenue.currency == bindparam(f"currency_{index}"),
            condition,
            column > 0,
        )
        .order_by(column.desc(), BranchRevenue.partner_id)
        .limit(bindparam("top"))
        .subquery()
        .select()
        for index in range(currencies)
    ]
    return parts[0].union_all(*parts[1:]) if len(parts) > 1 else parts[0]


def top_by(session: Session, workspace_id: int, amount: str, roots_only: bool, top: int, in_currencies) -> list:
    """(partner id, currency, amount) of the `top` rows per currency by a BranchRevenue amount column
    (`amount`: its name; `roots_only`: only the trees' roots): one statement, each currency an index
    walk of `top` rows."""
    currencies = list(in_currencies)
    if not currencies:
        return []
    values = {"ws": workspace_id, "top": top} | {f"currency_{i}": c for i, c in enumerate(currencies)}
    return session.execute(_top_statement(amount, roots_only, len(currencies)), values).all()


def branch_revenue(session: Session, workspace_id: int, top: int = 10) -> dict[str, list[tuple[Node, Decimal]]]:
    """Top branches (roots with referrals) by won revenue, per currency. Three queries, each reading a
    few summary rows."""
    rows = top_by(session, workspace_id, "branch_amount", True, top, currencies(session, workspace_id))
    per_currency: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for root_id, currency, amount in rows:
        per_currency[currency].append((root_id, as_money(amount)))
    wanted = {root for items in per_currency.values() for root, _a in items}
    nodes = {}
    if wanted:
        for row in session.execute(
            select(*node_columns())
            .join(Referral, Referral.partner_id == Partner.id)
            .where(Partner.workspace_id == workspace_id, Partner.id.in_(wanted))
        ).all():
            nodes[row[0]] = to_node(row, 0)
    return {
        currency: [
            (nodes[root], amount) for root, amount in sorted(items, key=lambda i: (-i[1], i[0])) if root in nodes
        ]
        for currency, items in sorted(per_currency.items())
    }


# --- the report ----------------------------------------------------------------------------------------


def report(session: Session, workspace_id: int, now: datetime, top: int = 10, revenue: bool = True) -> Report:
    """Every number of the referrals report in five queries, each reading an index or the rows it
    counts: sources, generations, both top-referrer lists, branch growth, and the branches listed.
    With revenue=True also the top branches by won revenue (`branch_revenue`, which reads every won
    deal: the page loads it on its own)."""
    sources = dict(
        session.execute(
            select(Partner.source, func.count())
            .where(Partner.workspace_id == workspace_id, Partner.archived_at.is_(None))
            .group_by(Partner.source)
        ).all()
    )
    source_rows = [(s, sources.get(s, 0)) for s in SOURCES]
    total = sum(sources.values())

    in_tree = and_(Referral.workspace_id == workspace_id, or_(Referral.generation > 0, Referral.subtree_size > 1))
    generations = session.execute(
        select(Referral.generation, func.count())
        .where(in_tree)
        .group_by(Referral.generation)
        .order_by(Referral.generation)
    ).all()
    in_tree_total = sum(count for _g, count in generations)
    referred = sum(count for g, count in generations if g > 0)
    branches = dict(generations).get(0, 0)  # generation 0 in a tree = the root of a branch

    # Top referrers by direct referrals and by whole branch: one statement, two ranked lists.
    def ranked(column, floor, tag):
        return (
            select(literal(tag).label("list"), *node_columns())
            .join(Referral, Referral.partner_id == Partner.id)
            .where(Referral.workspace_id == workspace_id, column > floor)
            .order_by(column.desc(), Referral.subtree_depth.desc(), Partner.name_key)
            .limit(top)
            .subquery()
            .select()
        )

    tops = session.execute(
        ranked(Referral.direct_count, 0, "direct").union_all(ranked(Referral.subtree_size, 1, "size"))
    ).all()
    top_direct = [to_node(row[1:], 0) for row in tops if row[0] == "direct"]
    top_direct.sort(key=lambda n: (-n.direct_count, -n.subtree_depth, n.name.lower()))
    top_descendants = [to_node(row[1:], 0) for row in tops if row[0] == "size"]
    top_descendants.sort(key=lambda n: (-n.subtree_size, -n.subtree_depth, n.name.lower()))

    # Growth: referrals in the window per branch. Dated ones come from the referral-date index;
    # undated ones fall back on when the referred partner was added.
    cutoff = now - timedelta(days=GROWTH_WINDOW_DAYS)
    # (a dated referral always has a referrer: clearing the referrer clears its details)
    dated = select(Referral.root_id.label("root_id")).where(
        Referral.workspace_id == workspace_id, Referral.referred_on >= cutoff.date()
    )
    undated = (
        select(Referral.root_id.label("root_id"))
        .join(Partner, Partner.id == Referral.partner_id)
        .where(
            Referral.workspace_id == workspace_id,
            Referral.referred_on.is_(None),
            Referral.root_id != Referral.partner_id,  # = has a referrer, read from the index
            Partner.created_at >= cutoff,
        )
    )
    recent = dated.union_all(undated).subquery()
    growing_rows = session.execute(
        select(recent.c.root_id, func.count())
        .group_by(recent.c.root_id)
        .order_by(func.count().desc(), recent.c.root_id)
    ).all()
    growing_ids = [root for root, _count in growing_rows]

    # Names, sizes and last referral dates of every branch listed, plus the biggest dead ends
    # (roots with no recent referral), in one statement.
    listed = set(growing_ids[:top])
    last_on = (
        select(func.max(Referral.referred_on))
        .where(Referral.workspace_id == workspace_id, Referral.root_id == Partner.id)
        .correlate(Partner)
        .scalar_subquery()
    )
    columns = (*node_columns(), last_on)
    named_stmt = (
        select(*columns)
        .join(Referral, Referral.partner_id == Partner.id)
        .where(Partner.workspace_id == workspace_id, Partner.id.in_(listed or [-1]))
    )
    dead_stmt = (
        select(*columns)
        .join(Referral, Referral.partner_id == Partner.id)
        .where(
            Referral.workspace_id == workspace_id,
            Referral.root_id == Referral.partner_id,
            Referral.subtree_size > 1,
            Partner.id.not_in(growing_ids or [-1]),
        )
        .order_by(Referral.subtree_size.desc(), Referral.subtree_depth.desc(), Partner.id)
        .limit(top)
    )
    named, dead_list = {}, []
    for row in session.execute(named_stmt.union_all(dead_stmt.subquery().select())).all():
        node, last = to_node(row, 0), row[-1]
        if node.id in listed and node.id not in named:
            named[node.id] = (node, last)
        elif node.id not in growing_ids:
            dead_list.append((node, last))
    dead_list.sort(key=lambda item: (-item[0].subtree_size, -item[0].subtree_depth, item[0].id))
    growing_list = [(named[root][0], count, named[root][1]) for root, count in growing_rows[:top] if root in named]
    top_revenue = branch_revenue(session, workspace_id, top) if revenue else None

    return Report(
        total_partners=total,
        referred_partners=referred,
        lone_partners=max(0, total - in_tree_total),
        branches=branches,
        growing=len(growing_ids),
        dead_ends=max(0, branches - len(growing_ids)),
        generations=[(g, c) for g, c in generations],
        top_direct=top_direct,
        top_descendants=top_descendants,
        top_revenue=top_revenue,
        sources=source_rows,
        growing_branches=growing_list,
        dead_branches=dead_list[:top],
    )
