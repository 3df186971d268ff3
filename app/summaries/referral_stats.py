"""Each partner's place in its referral tree, kept on its `Referral` row: root_id, generation,
direct_count, subtree_size and subtree_depth (see app.models.referral).

The source is `Partner.referred_by_id` alone. The update runs in the flush that writes a changed
edge, whoever writes it (the referral service after checking the rules, a form, a script):

* before the flush, for every partner whose `referred_by_id` changed, the branch moves: the old
  referrer's chain loses the branch's size (and its depth is found again from the other children),
  the new referrer's chain gains it, and the branch's members get their new root and generation;
* before the flush, a deleted partner's referrals become roots of their own branches (a
  `ReferralChange` notes it) and its own branch leaves its referrer's stats;
* after the flush, a new partner created with a referrer joins its referrer's branch (it has an id
  only then, and it is a leaf: nothing can refer to a partner that has no id yet).

Each move reads and writes a fixed number of rows per generation of the chains it touches (bulk
statements), never the whole tree, and walks the chains and the branch whole, however deep (no depth
limit: the walks' limit is for the pages). `rebuild` derives every row again from the edges.

Concurrency: a move reads the chains and the branch's size and then writes, so the moves of a
workspace are serialised. The hooks lock the workspace row (app.services.locking) before the first
move of a flush and read the old edges from the database under that lock, not from what the session
loaded earlier; on PostgreSQL a second writer waits for the first to commit and then moves the tree
as the first left it (SQLite has one writer at a time already).
"""

from __future__ import annotations

from collections import defaultdict, deque

from sqlalchemy import Integer, bindparam, case, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from app.models import Partner
from app.models.referral import Referral, ReferralChange
from app.services.locking import lock_workspace
from app.services.referral_tree.ctes import ancestor_ids, descendants_cte
from app.services.referral_tree.planner import ws_filter
from app.summaries.registry import Summary

STATS = ("root_id", "generation", "direct_count", "subtree_size", "subtree_depth")

# Called after every move with (session, workspace id, partner id, old chain, new chain, generation
# delta): summaries that follow the branches (app/summaries/referral_revenue.py) add themselves.
BRANCH_LISTENERS: list = []


def _lone(partner_id: int) -> tuple[int, int, int, int, int]:
    """The stats of a partner outside any referral relation (also what a missing row means)."""
    return (partner_id, 0, 0, 1, 0)


# --- the update: moving a branch ---------------------------------------------------------------------


def _ensure_rows(session: Session, workspace_id: int, ids) -> None:
    """Give each partner in `ids` a Referral row (a lone partner's) if it has none yet."""
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return
    existing = set(session.scalars(select(Referral.partner_id).where(Referral.partner_id.in_(ids))))
    missing = [i for i in ids if i not in existing]
    if missing:
        session.execute(
            insert(Referral),
            [
                {"partner_id": i, "workspace_id": workspace_id, **dict(zip(STATS, _lone(i), strict=True))}
                for i in missing
            ],
        )


def _own_stats(session: Session, partner_id: int):
    return session.execute(
        select(Referral.subtree_size, Referral.subtree_depth, Referral.generation).where(
            Referral.partner_id == partner_id
        )
    ).one()


_REFERRAL = Referral.__table__  # Core statements: one executemany per chain, by relative updates
_ID, _SIZE, _DIRECT, _DEPTH = (bindparam(name, type_=Integer) for name in ("b_id", "b_size", "b_direct", "b_depth"))
_LEAVE = (
    _REFERRAL.update()
    .where(_REFERRAL.c.partner_id == _ID)
    .values(
        subtree_size=_REFERRAL.c.subtree_size - _SIZE,
        direct_count=_REFERRAL.c.direct_count - _DIRECT,
        subtree_depth=_DEPTH,  # found again from the other children (see move)
    )
)
_JOIN = (
    _REFERRAL.update()
    .where(_REFERRAL.c.partner_id == _ID)
    .values(
        subtree_size=_REFERRAL.c.subtree_size + _SIZE,
        direct_count=_REFERRAL.c.direct_count + _DIRECT,
        subtree_depth=case((_REFERRAL.c.subtree_depth < _DEPTH, _DEPTH), else_=_REFERRAL.c.subtree_depth),
    )
)


def move(session: Session, workspace_id: int, partner_id: int, old_parent: int | None, new_parent: int | None) -> None:
    """Keep the stored tree stats right when `partner` moves from old_parent to new_parent (None: no
    referrer; a referrer in another workspace counts as none, as in `expected`).

    Every other edge must be in the database as it will be; the partner's own edge may be the old or
    the new one (none of the walks below depends on it). Sizes and counts move by deltas; the depth
    of the chain the branch leaves is found again from the depths of the other children."""
    old_chain = ancestor_ids(session, workspace_id, old_parent) if old_parent is not None else []
    new_chain = ancestor_ids(session, workspace_id, new_parent) if new_parent is not None else []
    _ensure_rows(session, workspace_id, [partner_id, *old_chain[:1], *new_chain[:1]])
    size, depth, old_generation = _own_stats(session, partner_id)

    if old_chain:  # old referrer first, up to its root
        # deepest other child of every partner on the chain (the moving partner and the chain excluded)
        child = aliased(Partner)
        others = dict(
            session.execute(
                select(child.referred_by_id, func.max(func.coalesce(Referral.subtree_depth, 0)))
                .outerjoin(Referral, Referral.partner_id == child.id)
                .where(
                    ws_filter(child.workspace_id, workspace_id),
                    child.referred_by_id.in_(old_chain),
                    child.id.not_in(old_chain + [partner_id]),
                )
                .group_by(child.referred_by_id)
            ).all()
        )
        rows, below = [], None
        for i, pid in enumerate(old_chain):
            candidates = [0]
            if pid in others:
                candidates.append(others[pid] + 1)
            if below is not None:
                candidates.append(below + 1)
            below = max(candidates)
            rows.append({"b_id": pid, "b_size": size, "b_direct": 1 if i == 0 else 0, "b_depth": below})
        session.execute(_LEAVE, rows)

    if new_chain:  # after the old chain's update: in one tree both chains share their top
        rows = [
            {"b_id": pid, "b_size": size, "b_direct": 1 if i == 0 else 0, "b_depth": i + 1 + depth}
            for i, pid in enumerate(new_chain)
        ]
        session.execute(_JOIN, rows)
        root, generation = new_chain[-1], len(new_chain)
    else:
        root, generation = partner_id, 0

    delta = generation - old_generation
    members = select(descendants_cte(workspace_id, [partner_id], max_depth=None).c.id)
    session.execute(
        update(Referral)
        .where(Referral.partner_id.in_(members))
        .values(root_id=root, generation=Referral.generation + delta)
        .execution_options(synchronize_session=False)
    )
    for listener in BRANCH_LISTENERS:
        listener(session, workspace_id, partner_id, old_chain, new_chain, delta)


def _write_edge(session: Session, partner: Partner, referrer_id: int | None) -> None:
    """Write a partner's edge now, inside the flush, so that the next walk sees it."""
    session.execute(
        update(Partner)
        .where(Partner.id == partner.id)
        .values(referred_by_id=referrer_id)
        .execution_options(synchronize_session=False)
    )


def _edges(session: Session, partners) -> dict[int, int | None]:
    """{partner id: referred_by_id} as the database has them now (read under the workspace lock)."""
    ids = [partner.id for partner in partners]
    return dict(session.execute(select(Partner.id, Partner.referred_by_id).where(Partner.id.in_(ids))).all())


def _lock(session: Session, partners) -> None:
    for workspace_id in sorted({partner.workspace_id for partner in partners}):
        lock_workspace(session, workspace_id)


def forget_partner(session: Session, partner: Partner) -> None:
    """Before a partner is deleted: its referrals become roots (history notes it), and its own
    branch leaves its referrer's stats."""
    ws = partner.workspace_id
    referrer_id = _edges(session, [partner]).get(partner.id)
    kids = list(
        session.scalars(select(Partner).where(Partner.workspace_id == ws, Partner.referred_by_id == partner.id))
    )
    for kid in kids:
        move(session, ws, kid.id, partner.id, None)
        _write_edge(session, kid, None)
        set_committed_value(kid, "referred_by_id", None)
        session.add(
            ReferralChange(
                workspace_id=ws,
                partner_id=kid.id,
                from_partner_id=None,
                from_name=partner.name,
                to_partner_id=None,
                to_name=None,
                note="Referrer deleted.",
            )
        )
    if referrer_id is not None:
        move(session, ws, partner.id, referrer_id, None)


def before_flush(session: Session) -> None:
    deleted = [obj for obj in session.deleted if isinstance(obj, Partner)]
    changed = [
        obj
        for obj in session.dirty
        if isinstance(obj, Partner)
        and obj not in session.deleted
        and inspect(obj).attrs.referred_by_id.history.has_changes()
    ]
    if not deleted and not changed:
        return
    _lock(session, deleted + changed)
    for partner in deleted:
        forget_partner(session, partner)
    old = _edges(session, changed) if changed else {}
    moves = sorted(
        ((partner, old.get(partner.id)) for partner in changed if old.get(partner.id) != partner.referred_by_id),
        key=lambda item: item[0].id,
    )
    for i, (partner, old_referrer) in enumerate(moves):
        move(session, partner.workspace_id, partner.id, old_referrer, partner.referred_by_id)
        if i < len(moves) - 1:  # the flush writes the last one; the next moves must see this one
            _write_edge(session, partner, partner.referred_by_id)


def after_flush(session: Session) -> None:
    joining = [obj for obj in session.new if isinstance(obj, Partner) and obj.referred_by_id is not None]
    if joining:
        _lock(session, joining)
    for obj in sorted(joining, key=lambda obj: obj.id):
        move(session, obj.workspace_id, obj.id, None, obj.referred_by_id)


# --- rebuild and check ---------------------------------------------------------------------------------


def _computed(session: Session, workspace_id: int) -> dict[int, tuple[int, int, int, int, int]]:
    """{partner id: (root, generation, direct, size, depth)} for every partner in a referral relation,
    computed from the edges alone (one query, then plain loops over the loaded adjacency). A referrer
    outside the workspace counts as none."""
    edges = session.execute(
        select(Partner.id, Partner.referred_by_id).where(Partner.workspace_id == workspace_id)
    ).all()
    kids: dict[int, list[int]] = defaultdict(list)
    parent = {}
    for pid, ref in edges:
        parent[pid] = ref
        if ref is not None:
            kids[ref].append(pid)
    result = {}
    roots = [pid for pid, ref in edges if ref is None or ref not in parent]
    for root in roots:
        if not kids.get(root):
            continue
        order, queue = [], deque([(root, 0)])
        while queue:  # breadth-first from the root, iterative
            node, gen = queue.popleft()
            order.append((node, gen))
            for kid in kids.get(node, ()):
                queue.append((kid, gen + 1))
        size, depth = {}, {}
        for node, _gen in reversed(order):  # children before parents
            size[node] = 1 + sum(size[k] for k in kids.get(node, ()))
            depth[node] = max((depth[k] + 1 for k in kids.get(node, ())), default=0)
        for node, gen in order:
            result[node] = (root, gen, len(kids.get(node, ())), size[node], depth[node])
    return result


def _stored(session: Session, workspace_id: int, *conditions) -> dict[int, tuple[int, int, int, int, int]]:
    rows = session.execute(
        select(Referral.partner_id, *(getattr(Referral, name) for name in STATS)).where(
            Referral.workspace_id == workspace_id, *conditions
        )
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def expected(session: Session, workspace_id: int) -> dict[tuple[int], tuple[int, int, int, int, int]]:
    """{(partner id,): (root, generation, direct, size, depth)} of every partner in a referral
    relation, from the edges."""
    return {(pid,): values for pid, values in _computed(session, workspace_id).items()}


def stored(session: Session, workspace_id: int) -> dict[tuple[int], tuple[int, int, int, int, int]]:
    """The stored stats of the partners in a relation, shaped like `expected`."""
    in_relation = or_(Referral.generation > 0, Referral.subtree_size > 1)
    return {(pid,): values for pid, values in _stored(session, workspace_id, in_relation).items()}


def rebuild(session: Session, workspace_id: int) -> int:
    """Derive the stored tree stats of a workspace again from Partner.referred_by_id. Returns how many
    rows were wrong (inserted, fixed or reset to a lone partner's). Bulk statements: seconds for
    50,000 partners. Under the workspace lock, as every move."""
    lock_workspace(session, workspace_id)
    wanted = _computed(session, workspace_id)
    have = _stored(session, workspace_id)
    inserts, updates = [], []
    for pid, values in wanted.items():
        if pid not in have:
            inserts.append({"partner_id": pid, "workspace_id": workspace_id, **dict(zip(STATS, values, strict=True))})
        elif have[pid] != values:
            updates.append({"partner_id": pid, **dict(zip(STATS, values, strict=True))})
    for pid, values in have.items():
        if pid not in wanted and values != _lone(pid):
            updates.append({"partner_id": pid, **dict(zip(STATS, _lone(pid), strict=True))})
    if inserts:
        session.execute(insert(Referral), inserts)
    if updates:
        session.execute(update(Referral), updates)
    session.flush()
    return len(inserts) + len(updates)


SUMMARY = Summary(
    name="referral_stats",
    description="Each partner's root, generation, direct referrals, branch size and depth (Referral rows).",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
    after_flush=after_flush,
)
