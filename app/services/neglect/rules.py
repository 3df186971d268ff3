"""The neglect and relationship rules, each defined once. Flask-free; `now` is passed in.

The rules (the Help page shows the same text to users):

* A *touch* is any interaction except a note. Partners that are archived, ended, or marked
  "no prospects" are never flagged.
* **Cadence**: the partner's agreed-terms cadence (Partner.cadence_days, kept equal to the current
  terms by the terms service) if set, else the workspace default for the partner's tier.
* **Response time**: Partner.response_time_days if set, else the workspace default.
* **Days since the last touch** is the time since the last touch (or, for a partner never touched,
  since the partner was added), in whole 24-hour days for display; the rules compare exact times.
* **Neglected**: more than `cadence` days have passed since the last touch. Sorted by the overdue
  ratio = time since last touch / cadence.
* **Due soon**: not neglected, and at most 20% of the cadence (but at least 2 days) is left.
* **Waiting on us**: the last touch was theirs, and more than the response time has passed since.
* **Not answering us**: our last three touches all came after their last touch (or they never
  touched us), and the first of those three is more than the response time old.
* **Burst then silence**: neglected, and the last three touches fall within 14 days of each other
  (from the third most recent to the most recent).
* **Single-threaded**: fewer than two current contacts, or at least three touches in the last 180
  days that were all logged with the same contact.

Each time-dependent rule is written as a *moment* (`moments()`): the epoch second after which it
holds, computed from a partner's activity summary and the workspace defaults. A flag is then one
comparison of "now" with its moment (`flags_at()`). The stored summary keeps the moments in columns
(app/summaries/partner_activity.py computes them with the same `moments()`), so the dashboard's flag
counts and lists are index ranges; a page of partners can compute them on the fly from the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from app.models import Workspace
from app.services.sqltime import DAY

FLAGS = ("neglected", "due_soon", "waiting_on_us", "not_answering", "burst_then_silence", "single_threaded")
DASHBOARD_FLAGS = ("neglected", "waiting_on_us", "not_answering", "burst_then_silence", "single_threaded", "due_soon")
EXCLUDED_STATUSES = ("ended",)
DUE_SOON_SHARE = 0.2
DUE_SOON_MIN_DAYS = 2
BURST_WINDOW_DAYS = 14
BURST_TOUCHES = 3  # the summary keeps the moment of the BURST_TOUCHES-th most recent touch
CHASE_TOUCHES = 3  # ... and of the CHASE_TOUCHES-th most recent of ours
THREAD_WINDOW_DAYS = 180
THREAD_MIN_TOUCHES = BURST_TOUCHES  # the one-contact run's window starts at that same touch
MIN_CONTACTS = 2


def eligible(columns):
    """Partners the flags apply to, as SQL over a partner table's (or alias's) columns."""
    return and_(
        columns.archived_at.is_(None), columns.status.not_in(EXCLUDED_STATUSES), columns.no_prospects.is_(False)
    )


def never_flagged_reason(partner) -> str | None:
    """Why a partner is outside the flags (shown on its page), or None when the flags apply."""
    if partner.archived_at is not None:
        return "archived"
    if partner.status in EXCLUDED_STATUSES:
        return "ended"
    if partner.no_prospects:
        return "no prospects"
    return None


def cadence_of(partner, workspace) -> int:
    """The partner's cadence in days: its agreed one, else the workspace's for its tier (the same
    rule `moments()` writes in SQL)."""
    return partner.cadence_days or workspace.cadence_for_tier(partner.tier)


@dataclass
class Defaults:
    """The workspace's defaults, bound into the SQL as numbers (no join to Workspace needed)."""

    cadence_a: int
    cadence_b: int
    cadence_c: int
    response_time: int

    @classmethod
    def of(cls, session: Session, workspace_id: int) -> Defaults:
        ws = session.get(Workspace, workspace_id)  # already loaded in a request: no query
        return cls(ws.cadence_a_days, ws.cadence_b_days, ws.cadence_c_days, ws.response_time_days)

    @classmethod
    def load(cls, connection, workspace_id: int) -> Defaults:
        """From the database directly (inside flush hooks, where the session must not be used)."""
        row = connection.execute(
            select(
                Workspace.cadence_a_days,
                Workspace.cadence_b_days,
                Workspace.cadence_c_days,
                Workspace.response_time_days,
            ).where(Workspace.id == workspace_id)
        ).one()
        return cls(*row)


def moments(i, defaults: Defaults) -> dict:
    """The effective cadence and response time, and the moment each rule starts to hold, as SQL.

    `i` maps the summary's input names (tier, cadence_override, response_override, created_s,
    last_touch_s, last_touch_direction, last_their_s, ours_since_theirs, third_our_s, third_touch_s,
    run_length, run_break_s) to SQL expressions — stored columns, or computed ones."""
    tier = i["tier"]
    cadence = func.coalesce(
        i["cadence_override"],
        case((tier == "A", defaults.cadence_a), (tier == "B", defaults.cadence_b), else_=defaults.cadence_c),
    )
    response = func.coalesce(i["response_override"], defaults.response_time)
    due = func.coalesce(i["last_touch_s"], i["created_s"]) + cadence * DAY
    share = cadence * int(DAY * DUE_SOON_SHARE)
    window = case((share > DUE_SOON_MIN_DAYS * DAY, share), else_=DUE_SOON_MIN_DAYS * DAY)
    run = i["run_length"] >= THREAD_MIN_TOUCHES
    recent_burst = and_(
        i["third_touch_s"].is_not(None), i["third_touch_s"] >= i["last_touch_s"] - BURST_WINDOW_DAYS * DAY
    )
    return {
        "cadence_days": cadence,
        "response_days": response,
        "due_s": due,
        "soon_s": due - window,
        "waiting_s": case((i["last_touch_direction"] == "theirs", i["last_their_s"] + response * DAY), else_=None),
        "chase_s": case((i["ours_since_theirs"] >= CHASE_TOUCHES, i["third_our_s"] + response * DAY), else_=None),
        "burst": case((recent_burst, literal(True)), else_=literal(False)),
        "thread_from_s": case((run, func.coalesce(i["run_break_s"] + THREAD_WINDOW_DAYS * DAY, 0)), else_=None),
        "thread_until_s": case((run, i["third_touch_s"] + THREAD_WINDOW_DAYS * DAY), else_=None),
    }


MOMENTS = (  # the keys of moments(): the stored columns they fill
    "cadence_days",
    "response_days",
    "due_s",
    "soon_s",
    "waiting_s",
    "chase_s",
    "burst",
    "thread_from_s",
    "thread_until_s",
)


def overdue_ratio(elapsed, cadence_days):
    """Time since the last touch over the cadence, as SQL: a float (PostgreSQL would otherwise
    divide in exact numeric, slower when the dashboard sorts thousands of neglected partners)."""
    return cast(elapsed, Float) / (cadence_days * DAY)


def flags_at(now_s: int, m, contacts) -> dict:
    """Each flag as a condition on the moments `m` (a mapping or an object with those attributes)
    at the epoch second `now_s`; `contacts` is the current contact count. Besides the FLAGS, the two
    halves of single-threaded: few_contacts and one_contact_run."""
    get = m.__getitem__ if isinstance(m, dict) else lambda name: getattr(m, name)
    neglected = get("due_s") < now_s
    few_contacts = contacts < MIN_CONTACTS
    one_contact_run = and_(get("thread_from_s") < now_s, get("thread_until_s") >= now_s)
    return {
        "neglected": neglected,
        "due_soon": and_(get("soon_s") <= now_s, get("due_s") >= now_s),
        "waiting_on_us": get("waiting_s") < now_s,
        "not_answering": get("chase_s") < now_s,
        "burst_then_silence": and_(get("burst").is_(True), neglected),
        "single_threaded": or_(few_contacts, one_contact_run),
        "few_contacts": few_contacts,
        "one_contact_run": one_contact_run,
    }
