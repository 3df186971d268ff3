"""A hint for SQLite's query planner, used by the referral queries that need it (and only those).

SQLite uses one index per table of a query. Without `ANALYZE` statistics (a deployed database has
none unless someone runs it) it rates every equality on an indexed column alike, so for
`workspace_id = ? AND referred_by_id = ?` it may take an index that starts with the workspace, and
read the whole workspace, instead of the referrer index that finds the few rows wanted. A column
inside an expression (`workspace_id + 0`) cannot choose an index: that is how SQLite's documentation
says to steer it. PostgreSQL plans from its statistics: on the same data (PostgreSQL 15) every query
below takes the same time with or without the hint, within a millisecond.

Measured on the benchmark's data (bench/) at 50,000 partners, in a database without statistics;
with `ANALYZE` every plan below is the same with or without the hint:

* the partners a partner referred (`children`, `path_nodes`, the other children a moving branch
  leaves behind in app.summaries.referral_stats): 0.02-0.2 ms with it, 35-110 ms without;
* won deals of a branch, found through its members (the referral_revenue summary's branch moves):
  11-29 ms with it, 120-220 ms without (a deals index on the workspace reads every deal).

Where a row is found by its primary key, or in the recursive walks (joined on the referrer), SQLite
picks the right index anyway: those queries compare the workspace plainly. Comparing the deal stage
as `stage || ''` (a former hint) changed no plan once the deals' workspace is hinted, so it is gone.
The one other choice made for SQLite's planner is the shape of the ancestors walk (see
`ctes.ancestors_cte`): it is the walk itself, so it lives there.
"""

from __future__ import annotations


def ws_filter(column, workspace_id):
    """`column == workspace_id` that SQLite never picks an index for (`+ 0`): for a query that finds
    its rows through another, more selective index (a referrer, a deal's partner), where the
    workspace condition is the tenancy guard that nearly every row matches."""
    return column + 0 == workspace_id
