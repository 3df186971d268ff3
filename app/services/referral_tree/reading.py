"""Reading the genealogy: a partner's ancestry and place, its referrals, the forest, the pickers.

Every function runs a fixed number of statements whatever the size of the tree."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import Contact, Partner
from app.models.referral import Referral
from app.services.pagination import Page
from app.services.referral_tree.ctes import MAX_DEPTH, ancestors_cte, descendants_cte
from app.services.referral_tree.nodes import Node, Summary, node_columns, to_node
from app.services.referral_tree.planner import ws_filter
from app.services.text_search import like_pattern


def ancestors(session: Session, workspace_id: int, partner_id: int) -> list[Node]:
    """The breadcrumb: root first, the partner itself last, each with its generation. One query."""
    cte = ancestors_cte(workspace_id, [partner_id])
    rows = session.execute(
        select(*node_columns(), cte.c.up)
        .join(cte, cte.c.id == Partner.id)
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .order_by(cte.c.up.desc())
    ).all()
    return [to_node(row, depth) for depth, row in enumerate(rows)]


def summary(session: Session, workspace_id: int, partner_id: int) -> Summary:
    """Ancestry, branch stats and the recorded referral details of a partner. One query."""
    cte = ancestors_cte(workspace_id, [partner_id])
    rows = session.execute(
        select(*node_columns(), cte.c.up, Referral.contact_id, Referral.referred_on, Referral.note, Contact.name)
        .join(cte, cte.c.id == Partner.id)
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .outerjoin(Contact, and_(Contact.id == Referral.contact_id, cte.c.up == 0))
        .order_by(cte.c.up.desc())
    ).all()
    chain = [to_node(row, depth) for depth, row in enumerate(rows)]
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
        select(*node_columns())
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .where(ws_filter(Partner.workspace_id, workspace_id), Partner.referred_by_id == partner_id)
        .order_by(func.coalesce(Referral.subtree_size, 1).desc(), Partner.name_key, Partner.id)
    ).all()
    return [to_node(row, 1) for row in rows]


def descendants(
    session: Session, workspace_id: int, partner_id: int, max_depth: int = MAX_DEPTH, include_self: bool = False
) -> list[Node]:
    """Everyone below a partner (to max_depth generations), in breadth-first order. One query."""
    cte = descendants_cte(workspace_id, [partner_id], max_depth)
    stmt = (
        select(*node_columns(), cte.c.depth)
        .join(cte, cte.c.id == Partner.id)
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .order_by(cte.c.depth, func.coalesce(Referral.subtree_size, 1).desc(), Partner.name_key, Partner.id)
    )
    if not include_self:
        stmt = stmt.where(cte.c.depth > 0)
    return [to_node(row, row[-1]) for row in session.execute(stmt).all()]


def subtree_stats(session: Session, workspace_id: int, partner_ids) -> dict[int, tuple[int, int]]:
    """{partner id: (subtree size incl. itself, generations below)} for many partners in ONE grouped
    recursive query, computed from the edges alone (the stored stats are checked against it)."""
    ids = list(partner_ids)
    if not ids:
        return {}
    cte = descendants_cte(workspace_id, ids)
    rows = session.execute(select(cte.c.start_id, func.count(), func.max(cte.c.depth)).group_by(cte.c.start_id)).all()
    return {start: (size, depth) for start, size, depth in rows}


def search_in_branch(session: Session, workspace_id: int, focus_id: int, q: str, limit: int = 10) -> list[Node]:
    """Partners below `focus` whose name matches, shallowest first. One query (a root's branch is
    found through the stored root, any other branch through a recursive walk)."""
    if not q.strip():
        return []
    pattern = like_pattern(q)
    is_root = (
        session.scalar(
            select(Referral.root_id).where(Referral.partner_id == focus_id, Referral.workspace_id == workspace_id)
        )
        == focus_id
    )
    if is_root:
        stmt = (
            select(*node_columns(), Referral.generation)
            .join(Referral, Referral.partner_id == Partner.id)
            .where(Referral.workspace_id == workspace_id, Referral.root_id == focus_id, Referral.partner_id != focus_id)
            .order_by(Referral.generation, Partner.name_key)
        )
    else:
        cte = descendants_cte(workspace_id, [focus_id])
        stmt = (
            select(*node_columns(), cte.c.depth)
            .join(cte, cte.c.id == Partner.id)
            .outerjoin(Referral, Referral.partner_id == Partner.id)
            .where(cte.c.depth > 0)
            .order_by(cte.c.depth, Partner.name_key)
        )
    rows = session.execute(stmt.where(Partner.name_key.like(pattern, escape="\\")).limit(limit)).all()
    return [to_node(row, row[-1]) for row in rows]


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
        select(*node_columns())
        .join(Referral, Referral.partner_id == Partner.id)
        .where(where)
        .order_by(Referral.subtree_size.desc(), Referral.subtree_depth.desc(), Partner.name_key, Partner.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=[to_node(row, 0) for row in rows], total=total, page=page, per_page=per_page)
