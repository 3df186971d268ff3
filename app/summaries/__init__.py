"""Derived data, kept by one mechanism.

A *summary* is data Orchard derives from other rows so that pages stay fast whatever the data size:
a partner's contact count and activity (what the neglect flags read), the touches per week, the
referral-tree stats, the running totals of deals and of the commission ledger. Each lives in a module
of this package and defines one `Summary` (see `registry.py`):

* **update** — `before_flush(session)` and/or `after_flush(session)`: run inside every flush of every
  session, so every writer (pages, CLI, API, imports) keeps the summary right in the same transaction
  as the change. They read `session.new / dirty / deleted` and move the summary by relative updates
  (`x = x + :delta`, upserts), or recompute the touched rows from their sources under a row lock —
  never by writing back a value read earlier.
* **rebuild** — `rebuild(session, workspace_id)`: derive the workspace's rows again from the sources.
* **check** — `stored(session, workspace_id)` and `expected(session, workspace_id)` give the same
  keys and values, read from the summary and computed from the sources; `check()` compares them.

`install()` is called once from `create_app`; `flask summaries rebuild|check` runs the last two.
Code that writes with bulk `insert()`/`update()` statements (which bypass the ORM's flush) calls
`rebuild` for the workspace afterwards (the demo generator does).
"""

from app.summaries.registry import Difference, Summary, all_summaries, check, install, rebuild

__all__ = ["Difference", "Summary", "all_summaries", "check", "install", "rebuild"]
