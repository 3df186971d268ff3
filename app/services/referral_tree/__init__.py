"""Referral genealogy: who recommended whom, many generations deep. Free of Flask.

The tree's edges are `Partner.referred_by_id`. `Referral` rows (app.models.referral) hold the details the
user records and each partner's place in its tree (root, generation, direct referrals, subtree size and
depth); the `referral_stats` summary (app/summaries/referral_stats.py) keeps that place right in the
same flush as every change of an edge, so forests and reports read a few indexed rows. Walking the
tree itself (ancestors, descendants, subtrees of many nodes) uses recursive CTEs built with SQLAlchemy,
with a path-string cycle guard and a depth limit; they run unchanged on SQLite and PostgreSQL. No
Python recursion over lazy relationships: every function here runs a fixed number of statements
whatever the size of the tree.

    ctes.py       the recursive walks (descendants, ancestors)
    planner.py    the hint for SQLite's query planner the queries use (inside the package)
    nodes.py      Node and Summary, the rows handed to the pages
    reading.py    ancestry, a partner's place, referrals, the forest, the pickers
    tree_view.py  the tree page's branch and the way down to a partner
    reports.py    the report and the won revenue of branches
    history.py    the recorded details and the history of changes
    writing.py    set_referrer / clear_referrer and their rules
"""

from app.services.referral_tree.ctes import MAX_DEPTH, ancestors_cte, descendants_cte
from app.services.referral_tree.history import changes, referral_details
from app.services.referral_tree.nodes import Node, Summary
from app.services.referral_tree.reading import (
    ancestors,
    children,
    descendants,
    forest,
    pick_referrers,
    search_in_branch,
    subtree_stats,
    summary,
)
from app.services.referral_tree.reports import (
    GROWTH_WINDOW_DAYS,
    Report,
    branch_revenue,
    report,
    revenue_by_root,
    subtree_revenue,
)
from app.services.referral_tree.tree_view import path_nodes, tree
from app.services.referral_tree.writing import ARROW, NOTE_MAX, clear_referrer, set_referrer

__all__ = [
    "ARROW",
    "GROWTH_WINDOW_DAYS",
    "MAX_DEPTH",
    "NOTE_MAX",
    "Node",
    "Report",
    "Summary",
    "ancestors",
    "ancestors_cte",
    "branch_revenue",
    "changes",
    "children",
    "clear_referrer",
    "descendants",
    "descendants_cte",
    "forest",
    "path_nodes",
    "pick_referrers",
    "referral_details",
    "report",
    "revenue_by_root",
    "search_in_branch",
    "set_referrer",
    "subtree_revenue",
    "subtree_stats",
    "summary",
    "tree",
]
