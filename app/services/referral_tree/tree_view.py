"""What the tree page draws: a branch loaded a few generations deep, and the way down to a partner."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Partner
from app.models.referral import Referral
from app.services.referral_tree.ctes import MAX_DEPTH, ancestors_cte
from app.services.referral_tree.nodes import Node, node_columns, to_node
from app.services.referral_tree.planner import ws_filter
from app.services.referral_tree.reading import descendants


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
            select(Referral.subtree_size).where(Referral.workspace_id == workspace_id, Referral.partner_id == focus_id)
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
        select(*node_columns())
        .outerjoin(Referral, Referral.partner_id == Partner.id)
        .where(ws_filter(Partner.workspace_id, workspace_id), Partner.referred_by_id.in_(chain[:-1] or [-1]))
        .order_by(func.coalesce(Referral.subtree_size, 1).desc(), Partner.name_key, Partner.id)
    ).all()
    position = {pid: i for i, pid in enumerate(chain)}
    return chain, [to_node(row, position[row[4]] + 1) for row in rows]
