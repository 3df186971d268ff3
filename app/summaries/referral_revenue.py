"""Won revenue along the referral trees (app.models.referral_revenue): per generation, month won and
currency; partners per generation; and per partner its own, its referrals' and its branch's revenue.

A partner's place comes from the referral_stats summary (its Referral row), which runs before this
one. The updates, all by atomic upserts that add deltas:

* a won deal added, changed, moved to another partner or removed: its amount moves at its partner's
  generation and along the partner's chain of referrers (the old values are read before the flush,
  the new ones after it, when a new deal has its partner and id);
* a branch moved by referral_stats (a referrer set, changed or cleared, a referrer deleted): it calls
  `branch_moved` after each move, with both chains; the branch's won revenue leaves the old chain
  and the old generations and joins the new ones (one grouped read of the branch's deals);
* a partner added counts in generation 0 (a move then shifts it); a deleted partner (already a lone
  partner: referral_stats moved its referrals out) takes its won deals and its count with it.

Won-deal changes lock the workspace, as branch moves do, so a move never reads a branch's revenue
while another writer adds to the old chain (PostgreSQL; SQLite has one writer at a time).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, exists, false, func, insert, select, update
from sqlalchemy.orm import Session

from app.models import Deal, Partner
from app.models.referral import Referral
from app.models.referral_revenue import BranchRevenue, ReferralGenerationSize, ReferralRevenueMonth
from app.services.locking import lock_workspace
from app.services.money import ZERO, as_money
from app.services.referral_tree.ctes import ancestors_cte, descendants_cte
from app.services.referral_tree.planner import ws_filter
from app.summaries import referral_stats
from app.summaries.registry import Summary
from app.summaries.running_totals import RunningTotals
from app.summaries.sql import upsert

UNDATED = date(1900, 1, 1)  # the month of a won deal without a close day (before any report period)
WON = "won"
CHUNK = 500  # rows per statement (bound parameters stay under both engines' limits)
_OLD = "referral_revenue.old_deals"  # session.info: the won values changed deals had before the flush

# old values of deals as stored (attribute history, or read back): the running totals' mechanics
_DEALS = RunningTotals(
    source=Deal,
    total=None,
    fields=("workspace_id", "partner_id", "stage", "currency", "closed_on", "amount"),
    key_columns=(),
    key_of=lambda values: (),
    count_column="",
    cascaded=lambda partner_ids, deal_ids: false(),
)


def month_of(day: date | None) -> date:
    return day.replace(day=1) if day else UNDATED


class _Deltas:
    """What one step changes, added up, then written by a few upserts."""

    def __init__(self):
        self.months = defaultdict(lambda: [0, ZERO])  # (ws, generation, month, currency) -> [count, amount]
        self.sizes = defaultdict(int)  # (ws, generation) -> partners
        self.branch = defaultdict(lambda: [ZERO, ZERO])  # (ws, partner, currency) -> [own, referred]
        self.flags: set[int] = set()  # partners whose tree_root may have changed

    def deal(self, ws, generation, day, currency, count, amount) -> None:
        bucket = self.months[(ws, generation, month_of(day), currency)]
        bucket[0] += count
        bucket[1] += amount

    def revenue(self, ws, chain, currency, amount) -> None:
        """`amount` of a partner's won revenue (chain[0]) reaching it and each of its referrers."""
        for i, pid in enumerate(chain):
            self.branch[(ws, pid, currency)][0 if i == 0 else 1] += amount

    def rows(self):
        """The rows to add: (model, rows, key, added columns) per table."""
        months = [
            {"workspace_id": ws, "generation": g, "month": m, "currency": c, "deal_count": n, "amount": a}
            for (ws, g, m, c), (n, a) in self.months.items()
            if n or a
        ]
        sizes = [{"workspace_id": ws, "generation": g, "partner_count": n} for (ws, g), n in self.sizes.items() if n]
        branch = [
            {
                "workspace_id": ws,
                "partner_id": pid,
                "currency": c,
                "own_amount": own,
                "referred_amount": referred,
                "branch_amount": own + referred,
                "tree_root": False,
            }
            for (ws, pid, c), (own, referred) in self.branch.items()
            if own or referred
        ]
        return (
            (
                ReferralRevenueMonth,
                months,
                ["workspace_id", "generation", "month", "currency"],
                ["deal_count", "amount"],
            ),
            (ReferralGenerationSize, sizes, ["workspace_id", "generation"], ["partner_count"]),
            (BranchRevenue, branch, ["partner_id", "currency"], ["own_amount", "referred_amount", "branch_amount"]),
        )

    def write(self, session: Session) -> None:
        connection = session.connection()
        for model, rows, key, added in self.rows():
            for start in range(0, len(rows), CHUNK):
                upsert(connection, model.__table__, rows[start : start + CHUNK], key, add=added)
            if model is BranchRevenue:
                self.flags.update(row["partner_id"] for row in rows)
        flags = sorted(self.flags)
        for start in range(0, len(flags), CHUNK):
            _set_flags(session, BranchRevenue.partner_id.in_(flags[start : start + CHUNK]))


def _set_flags(session: Session, where) -> None:
    """tree_root = the partner is the root of a real branch (no referrer, at least one referral)."""
    is_root = exists().where(
        Referral.partner_id == BranchRevenue.partner_id,
        Referral.root_id == Referral.partner_id,
        Referral.direct_count > 0,
    )
    session.execute(
        update(BranchRevenue).where(where).values(tree_root=is_root).execution_options(synchronize_session=False)
    )


# --- branch moves (called by referral_stats.move) ---------------------------------------------------


def _joining(session: Session, partner_id: int) -> bool:
    """A partner created in this flush: it has no revenue kept yet (its deals come in after_flush)."""
    return any(isinstance(obj, Partner) and obj.id == partner_id for obj in session.new)


def branch_moved(session: Session, ws: int, partner_id: int, old_chain, new_chain, delta: int) -> None:
    """The branch of `partner_id` has just moved from below old_chain to below new_chain (referrer
    first, up to the root; empty: none), its generations shifted by `delta` (already stored)."""
    d = _Deltas()
    members = descendants_cte(ws, [partner_id], max_depth=None)
    if delta:
        sizes = session.execute(
            select(Referral.generation, func.count())
            .select_from(members)
            .join(Referral, Referral.partner_id == members.c.id)
            .group_by(Referral.generation)
        ).all()
        for generation, count in sizes:
            d.sizes[(ws, generation - delta)] -= count
            d.sizes[(ws, generation)] += count
    if not _joining(session, partner_id):
        rows = session.execute(
            select(Referral.generation, Deal.closed_on, Deal.currency, func.count(), func.sum(Deal.amount))
            .select_from(members)
            .join(Deal, Deal.partner_id == members.c.id)
            .join(Referral, Referral.partner_id == members.c.id)
            .where(ws_filter(Deal.workspace_id, ws), Deal.stage == WON)
            .group_by(Referral.generation, Deal.closed_on, Deal.currency)
        ).all()
        per_currency = defaultdict(lambda: ZERO)
        for generation, day, currency, count, amount in rows:
            amount = as_money(amount)
            per_currency[currency] += amount
            if delta:
                d.deal(ws, generation - delta, day, currency, -count, -amount)
                d.deal(ws, generation, day, currency, count, amount)
        for currency, amount in per_currency.items():
            for pid in old_chain:
                d.branch[(ws, pid, currency)][1] -= amount
            for pid in new_chain:
                d.branch[(ws, pid, currency)][1] += amount
    d.flags.update([partner_id, *old_chain[:1], *new_chain[:1]])
    d.write(session)


if branch_moved not in referral_stats.BRANCH_LISTENERS:
    referral_stats.BRANCH_LISTENERS.append(branch_moved)


# --- deals and partners, in the flush ---------------------------------------------------------------


def _won(values: dict | None) -> bool:
    return values is not None and values["stage"] == WON and values["partner_id"] is not None


def before_flush(session: Session) -> None:
    deleted_partners = [o for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    gone = {o.id for o in deleted_partners}
    if deleted_partners:  # lone partners by now (referral_stats moved their referrals out)
        d = _Deltas()
        for partner in deleted_partners:
            d.sizes[(partner.workspace_id, 0)] -= 1
        rows = session.execute(
            select(Deal.workspace_id, Deal.closed_on, Deal.currency, func.count(), func.sum(Deal.amount))
            .where(Deal.partner_id.in_(sorted(gone)), Deal.stage == WON)
            .group_by(Deal.workspace_id, Deal.closed_on, Deal.currency)
        ).all()
        for ws, day, currency, count, amount in rows:
            d.deal(ws, 0, day, currency, -count, -as_money(amount))
        session.execute(delete(BranchRevenue).where(BranchRevenue.partner_id.in_(sorted(gone))))
        d.write(session)
    deleted = [o for o in session.deleted if isinstance(o, Deal) and o.id is not None]
    changed = [o for o in session.dirty if isinstance(o, Deal) and o not in session.deleted and session.is_modified(o)]
    old = _DEALS._stored_values(session, deleted + changed)
    session.info[_OLD] = [
        (obj, values if _won(values) and values["partner_id"] not in gone else None, obj in session.deleted)
        for obj, values in old.items()
    ]


def after_flush(session: Session) -> None:
    gone = {o.id for o in session.deleted if isinstance(o, Partner)}
    steps = []  # (values, sign)
    for obj, old, was_deleted in session.info.pop(_OLD, []):
        new = None if was_deleted else _DEALS._current_values(obj)
        if new is not None and (not _won(new) or new["partner_id"] in gone):
            new = None
        if old == new:
            continue
        steps += [(old, -1)] if old else []
        steps += [(new, +1)] if new else []
    for obj in session.new:
        if isinstance(obj, Deal):
            values = _DEALS._current_values(obj)
            if _won(values) and values["partner_id"] not in gone:
                steps.append((values, +1))
    d = _Deltas()
    for obj in session.new:
        if isinstance(obj, Partner):
            d.sizes[(obj.workspace_id, 0)] += 1
    if steps:
        _place_deals(session, steps, d)
    d.write(session)


def _place_deals(session: Session, steps, d: _Deltas) -> None:
    """Add each won value at its partner's generation and along its chain, as they are now."""
    by_workspace = defaultdict(set)
    for values, _sign in steps:
        by_workspace[values["workspace_id"]].add(values["partner_id"])
    chains, generations = {}, {}
    for ws, ids in sorted(by_workspace.items()):
        lock_workspace(session, ws)
        walk = ancestors_cte(ws, sorted(ids), max_depth=None)
        for start, pid, _up in session.execute(
            select(walk.c.start_id, walk.c.id, walk.c.up).order_by(walk.c.start_id, walk.c.up)
        ):
            chains.setdefault(start, []).append(pid)
        generations.update(
            session.execute(select(Referral.partner_id, Referral.generation).where(Referral.partner_id.in_(ids))).all()
        )
    for values, sign in steps:
        ws, pid, currency = values["workspace_id"], values["partner_id"], values["currency"]
        amount = Decimal(values["amount"] or 0) * sign
        d.deal(ws, generations.get(pid, 0), values["closed_on"], currency, sign, amount)
        d.revenue(ws, chains.get(pid, [pid]), currency, amount)


# --- rebuild and check --------------------------------------------------------------------------------


def _tree(session: Session, workspace_id: int):
    """{partner: (root, generation, direct, size, depth)} of partners in a relation, and {partner: referrer}."""
    places = {pid: values for (pid,), values in referral_stats.expected(session, workspace_id).items()}
    edges = dict(
        session.execute(select(Partner.id, Partner.referred_by_id).where(Partner.workspace_id == workspace_id)).all()
    )
    parents = {pid: ref for pid, ref in edges.items() if ref in edges}
    return places, parents, list(edges)


def _expected_parts(session: Session, workspace_id: int):
    places, parents, partners = _tree(session, workspace_id)
    won = session.execute(
        select(Deal.partner_id, Deal.closed_on, Deal.currency, func.count(), func.sum(Deal.amount))
        .where(Deal.workspace_id == workspace_id, Deal.stage == WON)
        .group_by(Deal.partner_id, Deal.closed_on, Deal.currency)
    ).all()
    d = _Deltas()
    for pid in partners:
        d.sizes[(workspace_id, places[pid][1] if pid in places else 0)] += 1
    for pid, day, currency, count, amount in won:
        amount = as_money(amount)
        d.deal(workspace_id, places[pid][1] if pid in places else 0, day, currency, count, amount)
        chain, seen = [pid], {pid}
        while parents.get(chain[-1]) is not None and parents[chain[-1]] not in seen:
            chain.append(parents[chain[-1]])
            seen.add(chain[-1])
        d.revenue(workspace_id, chain, currency, amount)
    roots = {pid for pid, (root, _g, direct, _s, _dp) in places.items() if root == pid and direct > 0}
    return d, roots


def expected(session: Session, workspace_id: int) -> dict:
    d, roots = _expected_parts(session, workspace_id)
    result = {}
    for (_ws, g, m, c), (n, a) in d.months.items():
        if n or a:
            result[("month", g, m, c)] = (n, as_money(a))
    for (_ws, g), n in d.sizes.items():
        if n:
            result[("size", g)] = (n,)
    for (_ws, pid, c), (own, referred) in d.branch.items():
        if own or referred:
            result[("branch", pid, c)] = (as_money(own), as_money(referred), as_money(own + referred), pid in roots)
    return result


def stored(session: Session, workspace_id: int) -> dict:
    result = {}
    month = ReferralRevenueMonth
    for g, m, c, n, a in session.execute(
        select(month.generation, month.month, month.currency, month.deal_count, month.amount).where(
            month.workspace_id == workspace_id
        )
    ):
        if n or as_money(a):
            result[("month", g, m, c)] = (int(n), as_money(a))
    size = ReferralGenerationSize
    for g, n in session.execute(select(size.generation, size.partner_count).where(size.workspace_id == workspace_id)):
        if n:
            result[("size", g)] = (int(n),)
    b = BranchRevenue
    for pid, c, own, referred, branch, root in session.execute(
        select(b.partner_id, b.currency, b.own_amount, b.referred_amount, b.branch_amount, b.tree_root).where(
            b.workspace_id == workspace_id
        )
    ):
        if as_money(own) or as_money(referred) or as_money(branch):
            result[("branch", pid, c)] = (as_money(own), as_money(referred), as_money(branch), bool(root))
    return result


def rebuild(session: Session, workspace_id: int) -> int:
    """Derive the workspace's rows again from its deals and referral edges; the rows written."""
    d, _roots = _expected_parts(session, workspace_id)
    written = 0
    for model, rows, _key, _added in d.rows():
        session.execute(delete(model).where(model.workspace_id == workspace_id))
        if rows:
            session.execute(insert(model.__table__), rows)
            written += len(rows)
    _set_flags(session, BranchRevenue.workspace_id == workspace_id)
    return written


SUMMARY = Summary(
    name="referral_revenue",
    description="Won revenue per generation, month and currency; partners per generation; each partner's "
    "own, referrals' and branch revenue per currency (referral pages, Referral economics report).",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
    after_flush=after_flush,
)
