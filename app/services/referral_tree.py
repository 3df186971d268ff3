"""Referral genealogy: who recommended whom, many generations deep. Free of Flask.

The tree's edges are `Partner.referred_by_id`. `Referral` rows (app.models.referral) hold the details the
user records and each partner's place in its tree (root, generation, direct referrals, subtree size and
depth), kept right here in the same transaction as every change, so forests and reports read a few
indexed rows. Walking the tree itself (ancestors, descendants, subtrees of many nodes) uses recursive
CTEs built with SQLAlchemy, with a path-string cycle guard and a depth limit; they run unchanged on
SQLite and PostgreSQL. No Python recursion over lazy relationships: every function here runs a fixed
number of statements whatever the size of the tree.

Rules for setting a referrer (`set_referrer`):
- the referrer is another partner of the same workspace (an unknown id or another workspace's id is
  refused with the same message, so nothing leaks);
- a partner cannot refer itself, and no loop is allowed: the message names the chain that would
  close it ("A → B → C → A", each arrow meaning "referred");
- archived referrers: an archived partner cannot be *chosen* as a new referrer (restore it first: an
  archived partner is one the user put away, and attributing new business to it is almost always a
  slip). Archiving a partner keeps the referrals it already made: history is not rewritten, the
  trees show it greyed out, and saving a partner whose existing referrer was archived later is fine;
- the introducing contact, when given, must be a current contact of the referrer; the referral date
  cannot be in the future;
- every change of referrer (set, changed, cleared, or its referrer deleted) is recorded in
  `ReferralChange` with who did it and when; late attribution is normal and keeps its history.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import String, and_, cast, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from app.models import Contact, Partner
from app.models.referral import Referral, ReferralChange
from app.services import ServiceError
from app.services.pagination import Page
from app.services.text_search import like_pattern

MAX_DEPTH = 100  # recursion limit for every tree walk (a real referral chain is far shallower)
GROWTH_WINDOW_DAYS = 365  # a branch "keeps growing" when it gained a referral in this window
NOTE_MAX = 2000
ARROW = " → "


# --- deals (another feature): revenue shows only once the Deal model exists -------------------


def deal_model():
    """The Deal model when the deals feature is installed, else None (revenue then shows nothing)."""
    try:
        from app.models.deal import Deal
    except ImportError:  # pragma: no cover - the deals feature is part of the app today
        return None
    return Deal


# --- rows handed to the pages ---------------------------------------------------------------------


@dataclass
class Node:
    id: int
    name: str
    status: str
    archived: bool
    parent_id: int | None
    depth: int = 0  # generation relative to the node a walk started from (or absolute generation)
    subtree_size: int = 1
    subtree_depth: int = 0
    direct_count: int = 0

    @property
    def descendants(self) -> int:
        return self.subtree_size - 1

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "p": self.parent_id,
            "n": self.name,
            "s": self.status,
            "a": self.archived,
            "g": self.depth,
            "z": self.subtree_size,
            "d": self.subtree_depth,
            "c": self.direct_count,
        }


@dataclass
class Summary:
    """A partner's place in the genealogy, for the partner page."""

    partner_id: int
    ancestors: list[Node]  # root first, the partner itself last; depth == generation
    subtree_size: int = 1
    subtree_depth: int = 0
    direct_count: int = 0
    # the recorded details of its referral
    contact_id: int | None = None
    contact_name: str | None = None
    referred_on: date | None = None
    note: str | None = None

    @property
    def generation(self) -> int:
        return len(self.ancestors) - 1

    @property
    def root(self) -> Node:
        return self.ancestors[0]

    @property
    def referrer(self) -> Node | None:
        return self.ancestors[-2] if len(self.ancestors) > 1 else None

    @property
    def in_tree(self) -> bool:
        return self.generation > 0 or self.subtree_size > 1


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
    top_revenue: dict[str, list[tuple[Node, Decimal]]] | None
    sources: list[tuple[str, int]]
    growing_branches: list[tuple[Node, int, date | None]] = field(default_factory=list)
    dead_branches: list[tuple[Node, date | None]] = field(default_factory=list)


# --- CTE building blocks ----------------------------------------------------------------------------


def ws_filter(column, workspace_id):
    """`column == workspace_id` as a plain filter that no index is chosen for (`+ 0`): where a row is
    found by its primary key or its referrer, SQLite (without ANALYZE statistics) would otherwise walk
    the workspace index, making every lookup cost as much as the whole workspace."""
    return column + 0 == workspace_id


def _slashed(column):
    return literal("/").concat(cast(column, String)).concat("/")


def descendants_cte(workspace_id: int, start_ids, max_depth: int = MAX_DEPTH, name: str = "descendants"):
    """Recursive CTE of the start partners and everything below them.

    Columns: id, parent_id, start_id (the start node the row descends from), depth (0 = start), path.
    The path string ("/1/7/42/") guards against cycles in bad data; max_depth bounds the walk.
    """
    anchor = select(
        Partner.id.label("id"),
        Partner.referred_by_id.label("parent_id"),
        Partner.id.label("start_id"),
        literal(0).label("depth"),
        _slashed(Partner.id).label("path"),
    ).where(ws_filter(Partner.workspace_id, workspace_id), Partner.id.in_(start_ids))
    cte = anchor.cte(name, recursive=True)
    child = aliased(Partner, name="child")
    return cte.union_all(
        select(
            child.id,
            child.referred_by_id,
            cte.c.start_id,
            cte.c.depth + 1,
            cte.c.path.concat(cast(child.id, String)).concat("/"),
        ).where(
            child.referred_by_id == cte.c.id,
            ws_filter(child.workspace_id, workspace_id),
            cte.c.depth < max_depth,
            ~cte.c.path.contains(_slashed(child.id)),
        )
    )


def ancestors_cte(workspace_id: int, start_ids, stop_at: int | None = None, name: str = "ancestors"):
    """Recursive CTE walking up from the start partners: id, parent_id, start_id, up (0 = start), path.

    With stop_at, the walk does not go above that partner.

    The walk carries each row's workspace and checks it on the row it climbs from, and the rows
    handed out are filtered once more: a condition on the parent row itself makes SQLite (with
    ANALYZE statistics) build a Bloom filter over the whole partner table at every step, which
    turned a 46-generation breadcrumb from 0.2 ms into 7-9 ms at 50,000 partners."""
    anchor = select(
        Partner.id.label("id"),
        Partner.referred_by_id.label("parent_id"),
        Partner.id.label("start_id"),
        literal(0).label("up"),
        _slashed(Partner.id).label("path"),
        Partner.workspace_id.label("workspace_id"),
    ).where(ws_filter(Partner.workspace_id, workspace_id), Partner.id.in_(start_ids))
    walk = anchor.cte(f"{name}_walk", recursive=True)
    parent = aliased(Partner, name="parent")
    conditions = [
        parent.id == walk.c.parent_id,
        walk.c.workspace_id == workspace_id,
        walk.c.up < MAX_DEPTH,
        ~walk.c.path.contains(_slashed(parent.id)),
    ]
    if stop_at is not None:
        conditions.append(walk.c.id != stop_at)
    walk = walk.union_all(
        select(
            parent.id,
            parent.referred_by_id,
            walk.c.start_id,
            walk.c.up + 1,
            walk.c.path.concat(cast(parent.id, String)).concat("/"),
            parent.workspace_id,
        ).where(*conditions)
    )
    return (
        select(walk.c.id, walk.c.parent_id, walk.c.start_id, walk.c.up, walk.c.path)
        .where(walk.c.workspace_id == workspace_id)
        .cte(name)
    )


def _node_columns():
    return (
        Partner.id,
        Partner.name,
        Partner.status,
        Partner.archived_at,
        Partner.referred_by_id,
        func.coalesce(Referral.subtree_size, 1),
        func.coalesce(Referral.subtree_depth, 0),
        func.coalesce(Referral.direct_count, 0),
    )


def _node(row, depth: int) -> Node:
    pid, name, status, archived_at, parent_id, size, sdepth, direct = row[:8]
    return Node(
        id=pid,
        name=name,
        status=status,
        archived=archived_at is not None,
        parent_id=parent_id,
        depth=depth,
        subtree_size=size,
        subtree_depth=sdepth,
        direct_count=direct,
    )


# --- reading the tree -------------------------------------------------------------------------------


def ancestors(session: Session, workspace_id: int, partner_id: int) -> list[Node]:
    """The breadcrumb: root first, the partner itself last, each with its generation. One query."""
    cte = ancestors_cte(workspace_id, [partner_id])
    rows = session.execute(
        select(*_node_columns(), cte.c.up)
        .join(cte, cte.c.id == Partner.id)
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .order_by(cte.c.up.desc())
    ).all()
    return [_node(row, depth) for depth, row in enumerate(rows)]


def summary(session: Session, workspace_id: int, partner_id: int) -> Summary:
    """Ancestry, branch stats and the recorded referral details of a partner. One query."""
    cte = ancestors_cte(workspace_id, [partner_id])
    rows = session.execute(
        select(*_node_columns(), cte.c.up, Referral.contact_id, Referral.referred_on, Referral.note, Contact.name)
        .join(cte, cte.c.id == Partner.id)
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .outerjoin(Contact, and_(Contact.id == Referral.contact_id, cte.c.up == 0))
        .order_by(cte.c.up.desc())
    ).all()
    chain = [_node(row, depth) for depth, row in enumerate(rows)]
    me = chain[-1] if chain else Node(partner_id, "", "", False, None)
    result = Summary(
        partner_id=partner_id,
        ancestors=chain,
        subtree_size=me.subtree_size,
        subtree_depth=me.subtree_depth,
        direct_count=me.direct_count,
    )
    if rows:
        last = rows[-1]
        result.contact_id, result.referred_on, result.note, result.contact_name = last[-4:]
    return result


def children(session: Session, workspace_id: int, partner_id: int) -> list[Node]:
    """Partners referred directly, biggest branches first. One query."""
    rows = session.execute(
        select(*_node_columns())
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .where(ws_filter(Partner.workspace_id, workspace_id), Partner.referred_by_id == partner_id)
        .order_by(func.coalesce(Referral.subtree_size, 1).desc(), Partner.name_key, Partner.id)
    ).all()
    return [_node(row, 1) for row in rows]


def descendants(
    session: Session, workspace_id: int, partner_id: int, max_depth: int = MAX_DEPTH, include_self: bool = False
) -> list[Node]:
    """Everyone below a partner (to max_depth generations), in breadth-first order. One query."""
    cte = descendants_cte(workspace_id, [partner_id], max_depth)
    stmt = (
        select(*_node_columns(), cte.c.depth)
        .join(cte, cte.c.id == Partner.id)
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .order_by(cte.c.depth, func.coalesce(Referral.subtree_size, 1).desc(), Partner.name_key, Partner.id)
    )
    if not include_self:
        stmt = stmt.where(cte.c.depth > 0)
    return [_node(row, row[-1]) for row in session.execute(stmt).all()]


def subtree_stats(session: Session, workspace_id: int, partner_ids) -> dict[int, tuple[int, int]]:
    """{partner id: (subtree size incl. itself, generations below)} for many partners in ONE grouped
    recursive query, computed from the edges alone (the stored stats are checked against it)."""
    ids = list(partner_ids)
    if not ids:
        return {}
    cte = descendants_cte(workspace_id, ids)
    rows = session.execute(select(cte.c.start_id, func.count(), func.max(cte.c.depth)).group_by(cte.c.start_id)).all()
    return {start: (size, depth) for start, size, depth in rows}


def tree(
    session: Session,
    workspace_id: int,
    focus_id: int,
    *,
    full_below: int = 150,
    probe_depth: int = 8,
    max_nodes: int = 120,
) -> list[Node]:
    """Nodes for the tree page: the focus and its descendants, depth relative to the focus.

    A branch of up to `full_below` partners loads whole. A bigger one loads as many whole generations
    as fit in `max_nodes` (at least two), the rest on demand. Two queries."""
    size = (
        session.scalar(
            select(Referral.subtree_size).where(
                ws_filter(Referral.workspace_id, workspace_id), Referral.partner_id == focus_id
            )
        )
        or 1
    )
    # how deep to look before trimming to max_nodes: less deep in bigger branches, so the walk stays
    # a few hundred rows (a 2,000-partner branch holds a few hundred in its first four generations)
    depth = MAX_DEPTH if size <= full_below else min(probe_depth, 8 if size <= 600 else 5 if size <= 2000 else 4)
    nodes = descendants(session, workspace_id, focus_id, max_depth=depth, include_self=True)
    if size > full_below:
        per_depth = defaultdict(int)
        for node in nodes:
            per_depth[node.depth] += 1
        total, keep = 0, 1
        for d in sorted(per_depth):
            total += per_depth[d]
            if total > max_nodes and d > 1:
                break
            keep = d
        nodes = [n for n in nodes if n.depth <= keep]
    return nodes


def path_nodes(session: Session, workspace_id: int, focus_id: int, target_id: int) -> tuple[list[int], list[Node]]:
    """What the tree page needs to reveal `target` under `focus`: the chain of ids from focus down to
    target, and the children of every partner on it (so each can be expanded). Two queries.
    An empty chain means the target is not in the focus's branch."""
    cte = ancestors_cte(workspace_id, [target_id], stop_at=focus_id)
    chain_rows = session.execute(select(cte.c.id, cte.c.up).order_by(cte.c.up.desc())).all()
    chain = [row.id for row in chain_rows]
    if not chain or chain[0] != focus_id:
        return [], []
    rows = session.execute(
        select(*_node_columns())
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .where(ws_filter(Partner.workspace_id, workspace_id), Partner.referred_by_id.in_(chain[:-1] or [-1]))
        .order_by(func.coalesce(Referral.subtree_size, 1).desc(), Partner.name_key, Partner.id)
    ).all()
    position = {pid: i for i, pid in enumerate(chain)}
    return chain, [_node(row, position[row[4]] + 1) for row in rows]


def search_in_branch(session: Session, workspace_id: int, focus_id: int, q: str, limit: int = 10) -> list[Node]:
    """Partners below `focus` whose name matches, shallowest first. One query (a root's branch is
    found through the stored root, any other branch through a recursive walk)."""
    if not q.strip():
        return []
    pattern = like_pattern(q)
    is_root = (
        session.scalar(
            select(Referral.root_id).where(
                Referral.partner_id == focus_id, ws_filter(Referral.workspace_id, workspace_id)
            )
        )
        == focus_id
    )
    if is_root:
        stmt = (
            select(*_node_columns(), Referral.generation)
            .join(Referral, Referral.partner_id == Partner.id)
            .where(Referral.workspace_id == workspace_id, Referral.root_id == focus_id, Referral.partner_id != focus_id)
            .order_by(Referral.generation, Partner.name_key)
        )
    else:
        cte = descendants_cte(workspace_id, [focus_id])
        stmt = (
            select(*_node_columns(), cte.c.depth)
            .join(cte, cte.c.id == Partner.id)
            .outerjoin(Referral, Referral.partner_id == Partner.id)
            .where(cte.c.depth > 0)
            .order_by(cte.c.depth, Partner.name_key)
        )
    rows = session.execute(stmt.where(Partner.name_key.like(pattern, escape="\\")).limit(limit)).all()
    return [_node(row, row[-1]) for row in rows]


def pick_referrers(
    session: Session, workspace_id: int, q: str, exclude_id: int | None = None, limit: int = 8
) -> list[Partner]:
    """Search-as-you-type for the referrer picker: current (not archived) partners by name."""
    stmt = select(Partner).where(Partner.workspace_id == workspace_id, Partner.archived_at.is_(None))
    if q.strip():
        stmt = stmt.where(Partner.name_key.like(like_pattern(q), escape="\\"))
    if exclude_id:
        stmt = stmt.where(Partner.id != exclude_id)
    return list(session.scalars(stmt.order_by(Partner.name_key, Partner.id).limit(limit)))


def forest(session: Session, workspace_id: int, page: int = 1, per_page: int = 25) -> Page:
    """Roots of referral branches (partners with no referrer who referred someone), biggest branch
    first, then deepest. Two queries: the count and the page."""
    where = and_(
        Referral.workspace_id == workspace_id, Referral.root_id == Referral.partner_id, Referral.subtree_size > 1
    )
    total = session.scalar(select(func.count()).select_from(Referral).where(where)) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = session.execute(
        select(*_node_columns())
        .join(Referral, Referral.partner_id == Partner.id)
        .where(where)
        .order_by(Referral.subtree_size.desc(), Referral.subtree_depth.desc(), Partner.name_key, Partner.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=[_node(row, 0) for row in rows], total=total, page=page, per_page=per_page)


def changes(session: Session, workspace_id: int, partner_id: int, limit: int = 50) -> list:
    """History of a partner's referrer, newest first, with the name of who changed it. One query."""
    from app.models import User

    return session.execute(
        select(ReferralChange, User.name.label("changed_by"))
        .outerjoin(User, User.id == ReferralChange.changed_by_id)
        .where(ws_filter(ReferralChange.workspace_id, workspace_id), ReferralChange.partner_id == partner_id)
        .order_by(ReferralChange.changed_at.desc(), ReferralChange.id.desc())
        .limit(limit)
    ).all()


def referral_details(session: Session, workspace_id: int, partner_id: int):
    """(Referral row or None, introducing Contact or None). One query."""
    row = session.execute(
        select(Referral, Contact)
        .outerjoin(Contact, Contact.id == Referral.contact_id)
        .where(ws_filter(Referral.workspace_id, workspace_id), Referral.partner_id == partner_id)
    ).first()
    return (row.Referral, row.Contact) if row else (None, None)


# --- revenue (once deals exist) --------------------------------------------------------------------


def _won(Deal, workspace_id: int):
    return and_(Deal.workspace_id == workspace_id, Deal.stage == "won")


def _won_of_members(Deal, workspace_id: int):
    """Won deals, as a filter on deals found through their partner (a branch's members): the deals'
    own workspace/stage index must not drive the query, or every won deal would be read."""
    return and_(ws_filter(Deal.workspace_id, workspace_id), Deal.stage.concat("") == "won")


def subtree_revenue(
    session: Session, workspace_id: int, partner_id: int, is_root: bool | None = None
) -> list[tuple[str, Decimal]] | None:
    """Won revenue of a partner's whole branch, per currency (never summed across currencies).
    None when deals do not exist (the page then says nothing). One query when the caller knows
    whether the partner is a root (a root's branch is found through the stored root)."""
    Deal = deal_model()
    if Deal is None:
        return None
    if is_root is None:
        stored_root = session.scalar(
            select(Referral.root_id).where(
                Referral.partner_id == partner_id, ws_filter(Referral.workspace_id, workspace_id)
            )
        )
        is_root = stored_root in (None, partner_id)
    if is_root:
        members = select(Referral.partner_id).where(
            Referral.workspace_id == workspace_id, Referral.root_id == partner_id
        )
        stmt = select(Deal.currency, func.sum(Deal.amount)).where(
            _won_of_members(Deal, workspace_id), or_(Deal.partner_id == partner_id, Deal.partner_id.in_(members))
        )
    else:
        cte = descendants_cte(workspace_id, [partner_id])
        stmt = (
            select(Deal.currency, func.sum(Deal.amount))
            .select_from(cte)
            .join(Deal, Deal.partner_id == cte.c.id)
            .where(_won_of_members(Deal, workspace_id))
        )
    rows = session.execute(stmt.group_by(Deal.currency).order_by(Deal.currency)).all()
    return [(currency, Decimal(amount)) for currency, amount in rows]


def revenue_by_root(session: Session, workspace_id: int, root_ids) -> dict[int, list[tuple[str, Decimal]]] | None:
    """Won revenue of many roots' branches, per currency, in one grouped query (None without deals)."""
    Deal = deal_model()
    if Deal is None:
        return None
    ids = list(root_ids)
    result: dict[int, list[tuple[str, Decimal]]] = {i: [] for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(Referral.root_id, Deal.currency, func.sum(Deal.amount))
        .select_from(Referral)
        .join(Deal, Deal.partner_id == Referral.partner_id)
        .where(_won_of_members(Deal, workspace_id), Referral.workspace_id == workspace_id, Referral.root_id.in_(ids))
        .group_by(Referral.root_id, Deal.currency)
        .order_by(Referral.root_id, Deal.currency)
    ).all()
    for root_id, currency, amount in rows:
        result[root_id].append((currency, Decimal(amount)))
    return result


# --- the report -------------------------------------------------------------------------------------


def report(session: Session, workspace_id: int, now: datetime, top: int = 10, revenue: bool = True) -> Report:
    """Every number of the referrals report in five queries, each reading an index or the rows it
    counts: sources, generations, both top-referrer lists, branch growth, and the branches listed.
    With revenue=True also the top branches by won revenue (`branch_revenue`, which reads every won
    deal: the page loads it on its own)."""
    from app.models.partner import SOURCES

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
            select(literal(tag).label("list"), *_node_columns())
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
    top_direct = [_node(row[1:], 0) for row in tops if row[0] == "direct"]
    top_direct.sort(key=lambda n: (-n.direct_count, -n.subtree_depth, n.name.lower()))
    top_descendants = [_node(row[1:], 0) for row in tops if row[0] == "size"]
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
    columns = (*_node_columns(), last_on)
    named_stmt = (
        select(*columns)
        .join(Referral, Referral.partner_id == Partner.id)
        .where(ws_filter(Partner.workspace_id, workspace_id), Partner.id.in_(listed or [-1]))
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
        node, last = _node(row, 0), row[-1]
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


def branch_revenue(session: Session, workspace_id: int, top: int = 10) -> dict[str, list[tuple[Node, Decimal]]] | None:
    """Top branches by won revenue, per currency (None without deals). Two queries."""
    Deal = deal_model()
    if Deal is None:
        return None
    rows = session.execute(
        select(Referral.root_id, Deal.currency, func.sum(Deal.amount).label("amount"))
        .join(Referral, Referral.partner_id == Deal.partner_id)
        .where(
            _won(Deal, workspace_id),
            Referral.workspace_id == workspace_id,
            or_(Referral.generation > 0, Referral.subtree_size > 1),
        )
        .group_by(Referral.root_id, Deal.currency)
    ).all()
    per_currency: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for root_id, currency, amount in rows:
        per_currency[currency].append((root_id, Decimal(amount)))
    wanted = set()
    for items in per_currency.values():
        items.sort(key=lambda item: (-item[1], item[0]))
        del items[top:]
        wanted.update(root for root, _a in items)
    nodes = {}
    if wanted:
        for row in session.execute(
            select(*_node_columns())
            .join(Referral, Referral.partner_id == Partner.id)
            .where(ws_filter(Partner.workspace_id, workspace_id), Partner.id.in_(wanted))
        ).all():
            nodes[row[0]] = _node(row, 0)
    return {
        currency: [(nodes[root], amount) for root, amount in items if root in nodes]
        for currency, items in sorted(per_currency.items())
    }


# --- changing the tree ------------------------------------------------------------------------------


def _chain_names(session: Session, ids: list[int]) -> list[str]:
    names = dict(session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(ids))).all())
    return [names.get(i, "?") for i in ids]


def _ancestor_ids(session: Session, workspace_id: int, partner_id: int) -> list[int]:
    """Ids from the partner up to its root (partner first). One query."""
    cte = ancestors_cte(workspace_id, [partner_id])
    return list(session.scalars(select(cte.c.id).order_by(cte.c.up)))


def _ensure_rows(session: Session, workspace_id: int, ids) -> None:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return
    existing = set(session.scalars(select(Referral.partner_id).where(Referral.partner_id.in_(ids))))
    missing = [i for i in ids if i not in existing]
    if missing:
        session.execute(
            insert(Referral),
            [
                {
                    "partner_id": i,
                    "workspace_id": workspace_id,
                    "root_id": i,
                    "generation": 0,
                    "direct_count": 0,
                    "subtree_size": 1,
                    "subtree_depth": 0,
                }
                for i in missing
            ],
        )


def _stats(session: Session, ids) -> dict[int, dict]:
    rows = session.execute(
        select(
            Referral.partner_id,
            Referral.root_id,
            Referral.generation,
            Referral.direct_count,
            Referral.subtree_size,
            Referral.subtree_depth,
        ).where(Referral.partner_id.in_(list(ids)))
    ).all()
    return {r.partner_id: r._asdict() for r in rows}


def _move(session: Session, workspace_id: int, partner_id: int, old_parent: int | None, new_parent: int | None) -> None:
    """Keep the stored tree stats right when `partner` moves from old_parent to new_parent.

    The edge itself (Partner.referred_by_id) is written by the caller afterwards."""
    _ensure_rows(session, workspace_id, [partner_id, old_parent, new_parent])
    me = _stats(session, [partner_id])[partner_id]
    size, depth = me["subtree_size"], me["subtree_depth"]

    if old_parent is not None:
        chain = _ancestor_ids(session, workspace_id, old_parent)  # old parent first, up to its root
        stats = _stats(session, chain)
        # deepest other child of every partner on the chain (the moving partner and the chain excluded)
        child = aliased(Partner)
        others = dict(
            session.execute(
                select(child.referred_by_id, func.max(func.coalesce(Referral.subtree_depth, 0)))
                .outerjoin(Referral, Referral.partner_id == child.id)
                .where(
                    ws_filter(child.workspace_id, workspace_id),
                    child.referred_by_id.in_(chain),
                    child.id.not_in(chain + [partner_id]),
                )
                .group_by(child.referred_by_id)
            ).all()
        )
        rows, below = [], None
        for i, pid in enumerate(chain):
            candidates = [0]
            if pid in others:
                candidates.append(others[pid] + 1)
            if below is not None:
                candidates.append(below + 1)
            below = max(candidates)
            rows.append(
                {
                    "partner_id": pid,
                    "subtree_size": stats[pid]["subtree_size"] - size,
                    "subtree_depth": below,
                    "direct_count": stats[pid]["direct_count"] - (1 if i == 0 else 0),
                }
            )
        session.execute(update(Referral), rows)

    if new_parent is not None:
        chain = _ancestor_ids(session, workspace_id, new_parent)
        stats = _stats(session, chain)
        rows = []
        for i, pid in enumerate(chain):
            rows.append(
                {
                    "partner_id": pid,
                    "subtree_size": stats[pid]["subtree_size"] + size,
                    "subtree_depth": max(stats[pid]["subtree_depth"], i + 1 + depth),
                    "direct_count": stats[pid]["direct_count"] + (1 if i == 0 else 0),
                }
            )
        session.execute(update(Referral), rows)
        root, generation = stats[chain[-1]]["partner_id"], stats[new_parent]["generation"] + 1
    else:
        root, generation = partner_id, 0

    delta = generation - me["generation"]
    members = select(descendants_cte(workspace_id, [partner_id]).c.id)
    session.execute(
        update(Referral)
        .where(Referral.partner_id.in_(members))
        .values(root_id=root, generation=Referral.generation + delta)
        .execution_options(synchronize_session=False)
    )


def set_referrer(
    session: Session,
    workspace_id: int,
    partner: Partner,
    referrer_id: int | None,
    *,
    now: datetime,
    actor_id: int | None = None,
    contact_id: int | None = None,
    referred_on: date | None = None,
    note: str | None = None,
    details: bool = True,
) -> ReferralChange | None:
    """Set, change or clear who referred `partner` (None clears), with the referral details.

    With details=False (the partner form) only the referrer changes and recorded details are kept
    when the referrer stays. Raises ServiceError naming the field; writes nothing in that case.
    Returns the ReferralChange recorded, or None when the referrer did not change."""
    if partner.workspace_id != workspace_id:
        raise ServiceError("Choose a referrer among this workspace's partners.", field="referred_by_id")
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    old_id = partner.referred_by_id
    referrer = None
    if referrer_id is not None:
        if referrer_id == partner.id:
            raise ServiceError("A partner cannot refer itself.", field="referred_by_id")
        referrer = session.scalar(
            select(Partner).where(Partner.id == referrer_id, ws_filter(Partner.workspace_id, workspace_id))
        )
        if referrer is None:
            raise ServiceError("Choose a referrer among this workspace's partners.", field="referred_by_id")
        if referrer.archived_at is not None and referrer_id != old_id:
            raise ServiceError(
                f"{referrer.name} is archived. Restore it before recording it as a referrer.", field="referred_by_id"
            )
        if referrer_id != old_id:
            up = _ancestor_ids(session, workspace_id, referrer_id)  # referrer first, up to its root
            if partner.id in up:
                loop = list(reversed(up[: up.index(partner.id) + 1])) + [partner.id]
                raise ServiceError(
                    "That would make a loop: "
                    + ARROW.join(_chain_names(session, loop))
                    + f". {partner.name} already referred {referrer.name}, directly or through others.",
                    field="referred_by_id",
                )
    if details:
        if contact_id is not None:
            ok = referrer is not None and session.scalar(
                select(Contact.id).where(
                    Contact.id == contact_id,
                    Contact.partner_id == referrer.id,
                    ws_filter(Contact.workspace_id, workspace_id),
                    Contact.removed_at.is_(None),
                )
            )
            if not ok:
                raise ServiceError("Choose one of the referrer's current contacts, or nobody.", field="contact_id")
        if referred_on is not None and referred_on > now.date():
            raise ServiceError("The referral date cannot be in the future.", field="referred_on")
        if referrer is None and (contact_id or referred_on or note):
            raise ServiceError("Choose who referred this partner first.", field="referred_by_id")

    change = None
    if referrer_id != old_id:
        old_name = session.scalar(select(Partner.name).where(Partner.id == old_id)) if old_id else None
        _move(session, workspace_id, partner.id, old_id, referrer_id)
        partner.referred_by_id = referrer_id
        change = ReferralChange(
            workspace_id=workspace_id,
            partner_id=partner.id,
            from_partner_id=old_id,
            from_name=old_name,
            to_partner_id=referrer_id,
            to_name=referrer.name if referrer else None,
            changed_by_id=actor_id,
            changed_at=now,
            note=note,
        )
        session.add(change)
    if details or referrer_id != old_id:
        _ensure_rows(session, workspace_id, [partner.id])
        row = session.get(Referral, partner.id, populate_existing=True)
        if referrer_id is None:
            values = (None, None, None)
        elif details:
            values = (contact_id, referred_on, note)
        else:  # a new referrer chosen on the partner form: the old introduction no longer applies
            values = (None, None, None)
        row.contact_id, row.referred_on, row.note = values
        row.updated_at = now
    session.flush()
    if change is not None:
        # Late attribution: commissions owed for the partner's already-won deals (idempotent).
        from app.services.commissions import on_referrer_changed

        on_referrer_changed(session, partner, now)
    return change


def clear_referrer(
    session: Session, workspace_id: int, partner: Partner, *, now: datetime, actor_id: int | None = None
) -> ReferralChange | None:
    return set_referrer(session, workspace_id, partner, None, now=now, actor_id=actor_id)


def forget_partner(session: Session, partner: Partner, now: datetime) -> None:
    """Before a partner is deleted: its referrals become roots (history notes it), and its own
    branch leaves its referrer's stats. Called from a before_flush hook (see below)."""
    ws = partner.workspace_id
    kids = list(
        session.scalars(select(Partner).where(Partner.workspace_id == ws, Partner.referred_by_id == partner.id))
    )
    for kid in kids:
        _move(session, ws, kid.id, partner.id, None)
        # write the edge now: the next walks (we are inside a flush) must see it
        session.execute(
            update(Partner)
            .where(Partner.id == kid.id)
            .values(referred_by_id=None)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(kid, "referred_by_id", None)
        session.add(
            ReferralChange(
                workspace_id=ws,
                partner_id=kid.id,
                from_partner_id=None,
                from_name=partner.name,
                to_partner_id=None,
                to_name=None,
                changed_at=now,
                note="Referrer deleted.",
            )
        )
    if partner.referred_by_id is not None:
        _move(session, ws, partner.id, partner.referred_by_id, None)


# --- recompute --------------------------------------------------------------------------------------


def computed_stats(session: Session, workspace_id: int) -> dict[int, tuple[int, int, int, int, int]]:
    """{partner id: (root, generation, direct, size, depth)} for every partner in a referral relation,
    computed from the edges alone (one query, then plain loops over the loaded adjacency)."""
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


def recompute(session: Session, workspace_id: int) -> int:
    """Rebuild the stored tree stats of a workspace from Partner.referred_by_id. Returns how many rows
    were wrong (inserted, fixed or reset). Bulk statements: seconds for 50,000 partners."""
    wanted = computed_stats(session, workspace_id)
    stored = {
        r.partner_id: (r.root_id, r.generation, r.direct_count, r.subtree_size, r.subtree_depth)
        for r in session.execute(
            select(
                Referral.partner_id,
                Referral.root_id,
                Referral.generation,
                Referral.direct_count,
                Referral.subtree_size,
                Referral.subtree_depth,
            ).where(Referral.workspace_id == workspace_id)
        )
    }
    keys = ("root_id", "generation", "direct_count", "subtree_size", "subtree_depth")
    inserts, updates = [], []
    for pid, values in wanted.items():
        if pid not in stored:
            inserts.append({"partner_id": pid, "workspace_id": workspace_id, **dict(zip(keys, values, strict=False))})
        elif stored[pid] != values:
            updates.append({"partner_id": pid, **dict(zip(keys, values, strict=False))})
    for pid, values in stored.items():
        lone = (pid, 0, 0, 1, 0)
        if pid not in wanted and values != lone:
            updates.append({"partner_id": pid, **dict(zip(keys, lone, strict=False))})
    if inserts:
        session.execute(insert(Referral), inserts)
    if updates:
        session.execute(update(Referral), updates)
    session.flush()
    return len(inserts) + len(updates)


def stored_stats(session: Session, workspace_id: int) -> dict[int, tuple[int, int, int, int, int]]:
    """The stored stats of partners in a relation, shaped like computed_stats (for checks)."""
    return {
        r[0]: tuple(r[1:])
        for r in session.execute(
            select(
                Referral.partner_id,
                Referral.root_id,
                Referral.generation,
                Referral.direct_count,
                Referral.subtree_size,
                Referral.subtree_depth,
            ).where(Referral.workspace_id == workspace_id, or_(Referral.generation > 0, Referral.subtree_size > 1))
        )
    }


def purge_workspace_rows(session: Session, workspace_id: int) -> None:  # pragma: no cover - maintenance
    session.execute(delete(Referral).where(Referral.workspace_id == workspace_id))
