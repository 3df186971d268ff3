"""Neglect and relationship flags, and the health score. Flask-free; `now` is passed in.

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

Everything is computed in SQL for a whole set of partners at once, from Partner, Workspace and the
PartnerActivity summary kept by app/services/interactions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, not_, or_, select, union_all, update
from sqlalchemy.orm import Session

from app.models import Contact, Partner, PartnerActivity, User, Workspace
from app.services.sqltime import DAY, epoch_seconds, seconds

FLAGS = ("neglected", "due_soon", "waiting_on_us", "not_answering", "burst_then_silence", "single_threaded")
DASHBOARD_FLAGS = ("neglected", "waiting_on_us", "not_answering", "burst_then_silence", "single_threaded", "due_soon")
EXCLUDED_STATUSES = ("ended",)
DUE_SOON_SHARE = 0.2
DUE_SOON_MIN_DAYS = 2
BURST_WINDOW_DAYS = 14
BURST_TOUCHES = 3
THREAD_WINDOW_DAYS = 180
THREAD_MIN_TOUCHES = 3
MIN_CONTACTS = 2

# Health score: points per component (win-win joins when deals exist; see health_score)
RECENCY_POINTS = 40
RECIPROCITY_POINTS = 25
BREADTH_POINTS = 20
WINWIN_POINTS = 15
BREADTH_FULL_AT = 3


def eligible_condition():
    """Partners the flags apply to."""
    return and_(
        Partner.archived_at.is_(None), Partner.status.not_in(EXCLUDED_STATUSES), Partner.no_prospects.is_(False)
    )


def is_eligible(partner: Partner) -> bool:
    return partner.archived_at is None and partner.status not in EXCLUDED_STATUSES and not partner.no_prospects


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
        """From the database directly (inside flush events, where the session must not be used)."""
        row = connection.execute(
            select(
                Workspace.cadence_a_days,
                Workspace.cadence_b_days,
                Workspace.cadence_c_days,
                Workspace.response_time_days,
            ).where(Workspace.id == workspace_id)
        ).one()
        return cls(*row)


def _inputs_from_partner() -> dict:
    """The same from Partner's own columns (exact even without a PartnerActivity row)."""
    pa = PartnerActivity
    contacts = (
        select(func.count(Contact.id))
        .where(Contact.partner_id == Partner.id, Contact.removed_at.is_(None))
        .correlate(Partner)
        .scalar_subquery()
    )
    return {
        "tier": Partner.tier,
        "cadence_override": Partner.cadence_days,
        "response_override": Partner.response_time_days,
        "anchor": func.coalesce(pa.last_touch_s, epoch_seconds(Partner.created_at)),
        "contacts": func.coalesce(pa.contact_count, contacts),
    }


def _flag_columns(now: datetime, defaults: Defaults, inputs: dict) -> dict:
    """SQL expressions of the rules for one partner row: integer arithmetic on epoch seconds."""
    pa = PartnerActivity
    now_s = seconds(now)
    tier = inputs["tier"]
    cadence = func.coalesce(
        inputs["cadence_override"],
        case((tier == "A", defaults.cadence_a), (tier == "B", defaults.cadence_b), else_=defaults.cadence_c),
    )
    response = func.coalesce(inputs["response_override"], defaults.response_time)
    anchor = inputs["anchor"]
    elapsed = literal(now_s) - anchor
    neglected = anchor < literal(now_s) - cadence * DAY
    due_soon_window = case(
        (cadence * int(DAY * DUE_SOON_SHARE) > DUE_SOON_MIN_DAYS * DAY, cadence * int(DAY * DUE_SOON_SHARE)),
        else_=DUE_SOON_MIN_DAYS * DAY,
    )
    due_soon = and_(not_(neglected), anchor <= literal(now_s) - cadence * DAY + due_soon_window)
    waiting = and_(pa.last_touch_direction == "theirs", pa.last_their_s < literal(now_s) - response * DAY)
    not_answering = and_(pa.ours_since_theirs >= 3, pa.third_our_s < literal(now_s) - response * DAY)
    burst = and_(neglected, pa.third_touch_s >= pa.last_touch_s - BURST_WINDOW_DAYS * DAY)
    contacts = inputs["contacts"]
    window_start = now_s - THREAD_WINDOW_DAYS * DAY
    one_contact_run = and_(
        pa.run_length >= THREAD_MIN_TOUCHES,
        pa.third_touch_s >= window_start,
        or_(pa.run_break_s.is_(None), pa.run_break_s < window_start),
    )
    single = or_(contacts < MIN_CONTACTS, one_contact_run)

    def flag(condition):
        return case((condition, 1), else_=0)

    return {
        "cadence": cadence,
        "response_time": response,
        "elapsed": elapsed,
        "contacts": contacts,
        "ratio": elapsed * 1.0 / (cadence * DAY),
        "neglected": flag(neglected),
        "due_soon": flag(due_soon),
        "waiting_on_us": flag(waiting),
        "not_answering": flag(not_answering),
        "burst_then_silence": flag(burst),
        "single_threaded": flag(single),
        "one_contact_run": flag(one_contact_run),
    }


DERIVED_FIELDS = [
    "cadence_days",
    "response_days",
    "due_s",
    "soon_s",
    "waiting_s",
    "chase_s",
    "burst",
    "thread_from_s",
    "thread_until_s",
]


def derive_thresholds(workspace_id: int, defaults: Defaults, partner_ids=None):
    """An UPDATE that recomputes PartnerActivity's derived moments (due_s, soon_s, waiting_s,
    chase_s, burst, thread_from_s, thread_until_s) from its other columns and the workspace
    defaults — for one workspace, or only the given partners. The same rules as _flag_columns."""
    pa = PartnerActivity.__table__.c
    cadence = func.coalesce(
        pa.cadence_override,
        case((pa.tier == "A", defaults.cadence_a), (pa.tier == "B", defaults.cadence_b), else_=defaults.cadence_c),
    )
    response = func.coalesce(pa.response_override, defaults.response_time)
    due = func.coalesce(pa.last_touch_s, pa.created_s) + cadence * DAY
    window = case(
        (cadence * int(DAY * DUE_SOON_SHARE) > DUE_SOON_MIN_DAYS * DAY, cadence * int(DAY * DUE_SOON_SHARE)),
        else_=DUE_SOON_MIN_DAYS * DAY,
    )
    run = pa.run_length >= THREAD_MIN_TOUCHES
    stmt = (
        update(PartnerActivity.__table__)
        .where(pa.workspace_id == workspace_id)
        .values(
            cadence_days=cadence,
            response_days=response,
            due_s=due,
            soon_s=due - window,
            waiting_s=case((pa.last_touch_direction == "theirs", pa.last_their_s + response * DAY), else_=None),
            chase_s=case((pa.ours_since_theirs >= 3, pa.third_our_s + response * DAY), else_=None),
            burst=case(
                (
                    and_(pa.third_touch_s.is_not(None), pa.third_touch_s >= pa.last_touch_s - BURST_WINDOW_DAYS * DAY),
                    literal(True),
                ),
                else_=literal(False),
            ),
            thread_from_s=case((run, func.coalesce(pa.run_break_s + THREAD_WINDOW_DAYS * DAY, 0)), else_=None),
            thread_until_s=case((run, pa.third_touch_s + THREAD_WINDOW_DAYS * DAY), else_=None),
        )
    )
    if partner_ids is not None:
        stmt = stmt.where(pa.partner_id.in_(sorted(set(partner_ids))))
    return stmt


def _stored_flags(now: datetime) -> dict:
    """The rules as single comparisons of "now" with the stored moments (the dashboard path)."""
    pa = PartnerActivity
    now_s = seconds(now)
    neglected = pa.due_s < now_s
    single = or_(pa.contact_count < MIN_CONTACTS, and_(pa.thread_from_s < now_s, pa.thread_until_s >= now_s))
    return {
        "neglected": neglected,
        "due_soon": and_(pa.soon_s <= now_s, pa.due_s >= now_s),
        "waiting_on_us": pa.waiting_s < now_s,
        "not_answering": pa.chase_s < now_s,
        "burst_then_silence": and_(pa.burst.is_(True), neglected),
        "single_threaded": single,
    }


def _summary_scan(workspace_id: int, *columns, owner_id: int | None = None):
    """The eligible partners of a workspace, read from PartnerActivity only."""
    pa = PartnerActivity
    stmt = select(*columns).select_from(pa).where(pa.workspace_id == workspace_id, pa.eligible.is_(True))
    if owner_id:
        stmt = stmt.where(pa.owner_id == owner_id)
    return stmt


@dataclass
class FlagRow:
    flag: str
    partner_id: int
    name: str
    tier: str
    owner_name: str | None
    cadence: int
    response_time: int
    days_since: int
    overdue_ratio: float
    last_touch_at: datetime | None
    waiting_days: int
    ours_since_theirs: int
    contacts: int
    one_contact_run: bool


def flag_counts(session: Session, workspace_id: int, now: datetime, owner_id: int | None = None) -> dict[str, int]:
    """How many partners carry each flag: one statement of index-range counts (each flag is one
    or two comparisons of "now" with the stored moments)."""
    pa = PartnerActivity
    now_s = seconds(now)

    def count(*conditions):
        return _summary_scan(workspace_id, func.count(), owner_id=owner_id).where(*conditions).scalar_subquery()

    row = (
        session.execute(
            select(
                count(pa.due_s < now_s).label("neglected"),
                count(pa.due_s >= now_s, pa.soon_s <= now_s).label("due_soon"),
                count(pa.waiting_s < now_s).label("waiting_on_us"),
                count(pa.chase_s < now_s).label("not_answering"),
                count(pa.due_s < now_s, pa.burst.is_(True)).label("burst_then_silence"),
                count(pa.contact_count < MIN_CONTACTS).label("few_contacts"),
                count(pa.thread_until_s >= now_s, pa.thread_from_s < now_s, pa.contact_count >= MIN_CONTACTS).label(
                    "run"
                ),
            )
        )
        .one()
        ._mapping
    )
    counts = {f: int(row[f]) for f in FLAGS if f != "single_threaded"}
    counts["single_threaded"] = int(row["few_contacts"]) + int(row["run"])
    return counts


def flag_overview(
    session: Session,
    workspace_id: int,
    now: datetime,
    *,
    owner_id: int | None = None,
    limit: int = 10,
    flags=DASHBOARD_FLAGS,
    with_counts: bool = True,
) -> tuple[dict[str, int], dict[str, list[FlagRow]]]:
    """Counts per flag (one query) and the first `limit` partners of each flag (one UNION ALL
    query; each branch walks a covering index — all but Neglected stop after `limit` matches — and
    only the rows shown are joined to Partner and User for names).

    Orders: Neglected by overdue ratio (highest first); Waiting on us by how long they have waited;
    Not answering us by how long our three touches have gone unanswered; Burst then silence and
    Single-threaded by how long they have been (or Due soon: how soon they will be) neglected."""
    pa = PartnerActivity
    now_s = seconds(now)
    conditions = _stored_flags(now)
    anchor = func.coalesce(pa.last_touch_s, pa.created_s)
    ratio = (literal(now_s) - anchor) * 1.0 / (pa.cadence_days * DAY)
    sort_keys = {"neglected": -ratio, "waiting_on_us": pa.waiting_s, "not_answering": pa.chase_s}
    branches = []
    for flag in flags:
        key = sort_keys.get(flag, pa.due_s)
        top = (
            _summary_scan(
                workspace_id,
                literal(flag).label("flag"),
                key.label("sort_key"),
                pa.partner_id.label("partner_id"),
                owner_id=owner_id,
            )
            .where(conditions[flag])
            .order_by(key, pa.partner_id)
            .limit(limit)
        ).subquery()
        branches.append(select(top))
    top = union_all(*branches).subquery("top")
    one_run = case((and_(pa.thread_from_s < now_s, pa.thread_until_s >= now_s), 1), else_=0)
    rows = session.execute(
        select(
            top.c.flag,
            top.c.partner_id,
            Partner.name,
            Partner.tier,
            User.name.label("owner_name"),
            pa.cadence_days,
            pa.response_days,
            (literal(now_s) - anchor).label("elapsed"),
            ratio.label("ratio"),
            pa.last_touch_at,
            pa.last_their_s,
            pa.ours_since_theirs,
            pa.contact_count,
            one_run.label("one_run"),
        )
        .select_from(top)
        .join(pa, pa.partner_id == top.c.partner_id)
        .join(Partner, Partner.id == top.c.partner_id)
        .outerjoin(User, User.id == Partner.owner_id)
        .order_by(top.c.flag, top.c.sort_key, top.c.partner_id)
    ).all()
    counts = flag_counts(session, workspace_id, now, owner_id=owner_id) if with_counts else {}
    lists: dict[str, list[FlagRow]] = {flag: [] for flag in flags}
    for row in rows:
        m = row._mapping
        lists[m["flag"]].append(
            FlagRow(
                flag=m["flag"],
                partner_id=m["partner_id"],
                name=m["name"],
                tier=m["tier"],
                owner_name=m["owner_name"],
                cadence=int(m["cadence_days"]),
                response_time=int(m["response_days"]),
                days_since=int(m["elapsed"]) // DAY,
                overdue_ratio=float(m["ratio"]),
                last_touch_at=_aware(m["last_touch_at"]),
                waiting_days=(now_s - int(m["last_their_s"])) // DAY if m["last_their_s"] is not None else 0,
                ours_since_theirs=int(m["ours_since_theirs"]),
                contacts=int(m["contact_count"]),
                one_contact_run=bool(m["one_run"]),
            )
        )
    return counts, lists


def flag_lists(
    session: Session,
    workspace_id: int,
    now: datetime,
    *,
    owner_id: int | None = None,
    limit: int = 10,
    flags=DASHBOARD_FLAGS,
) -> dict[str, list[FlagRow]]:
    return flag_overview(session, workspace_id, now, owner_id=owner_id, limit=limit, flags=flags, with_counts=False)[1]


def _aware(value):
    from app.models.base import UTCDateTime

    if value is None or getattr(value, "tzinfo", None) is not None:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, None)


@dataclass
class NeglectedRow:
    partner_id: int
    name: str
    days_since: int
    cadence: int
    overdue_ratio: float
    last_touch_at: datetime | None
    owner_name: str | None


def neglected_partners(
    session: Session, workspace_id: int, now: datetime, owner_id: int | None = None, limit: int = 50
) -> list[NeglectedRow]:
    """Neglected partners, most overdue first (for the dashboard and the email digest): one query."""
    rows = flag_lists(session, workspace_id, now, owner_id=owner_id, limit=limit, flags=("neglected",))["neglected"]
    return [
        NeglectedRow(r.partner_id, r.name, r.days_since, r.cadence, r.overdue_ratio, r.last_touch_at, r.owner_name)
        for r in rows
    ]


# --- one partner, or a page of partners ----------------------------------------------------------


@dataclass
class Component:
    key: str
    label: str
    points: float
    max_points: int
    explanation: str


@dataclass
class PartnerStatus:
    partner_id: int
    eligible: bool
    flags: dict[str, bool]
    cadence: int
    response_time: int
    days_since: int
    overdue_ratio: float
    touch_count: int
    our_count: int
    their_count: int
    contacts: int
    last_touch_at: datetime | None
    name: str = ""
    waiting_days: int = 0
    ours_since_theirs: int = 0
    components: list[Component] = field(default_factory=list)
    score: int = 0
    winwin_included: bool = False

    @property
    def active_flags(self) -> list[str]:
        return [f for f in FLAGS if self.flags.get(f)]


def statuses_for(session: Session, workspace_id: int, partner_ids, now: datetime) -> dict[int, PartnerStatus]:
    """Flags, health and their inputs for a page of partners: one query (plus one for deals, if any)."""
    ids = list(partner_ids)
    if not ids:
        return {}
    c = _flag_columns(now, Defaults.of(session, workspace_id), _inputs_from_partner())
    pa = PartnerActivity
    eligible = case((eligible_condition(), 1), else_=0).label("eligible")
    stmt = (
        select(
            Partner.id.label("partner_id"),
            eligible,
            c["cadence"].label("cadence"),
            c["response_time"].label("response_time"),
            (c["elapsed"] // DAY).label("days_since"),
            c["ratio"].label("overdue_ratio"),
            func.coalesce(pa.touch_count, 0).label("touch_count"),
            func.coalesce(pa.our_count, 0).label("our_count"),
            func.coalesce(pa.their_count, 0).label("their_count"),
            c["contacts"].label("contacts"),
            pa.last_touch_at.label("last_touch_at"),
            Partner.name.label("name"),
            pa.last_their_s.label("last_their_s"),
            func.coalesce(pa.ours_since_theirs, 0).label("ours_since_theirs"),
            *[c[f].label(f) for f in FLAGS],
        )
        .select_from(Partner)
        .outerjoin(pa, pa.partner_id == Partner.id)
        .where(Partner.workspace_id == workspace_id, Partner.id.in_(ids))
    )
    winwin = _winwin_by_partner(session, workspace_id, ids)
    result = {}
    for row in session.execute(stmt):
        m = row._mapping
        is_eligible = bool(m["eligible"])
        status = PartnerStatus(
            partner_id=m["partner_id"],
            eligible=is_eligible,
            flags={f: is_eligible and bool(m[f]) for f in FLAGS},
            cadence=int(m["cadence"]),
            response_time=int(m["response_time"]),
            days_since=int(m["days_since"]),
            overdue_ratio=float(m["overdue_ratio"]),
            touch_count=int(m["touch_count"]),
            our_count=int(m["our_count"]),
            their_count=int(m["their_count"]),
            contacts=int(m["contacts"]),
            last_touch_at=_aware(m["last_touch_at"]),
            name=m["name"],
            waiting_days=(seconds(now) - int(m["last_their_s"])) // DAY if m["last_their_s"] is not None else 0,
            ours_since_theirs=int(m["ours_since_theirs"]),
        )
        health_score(
            status, winwin.get(status.partner_id) if winwin is not None else None, deals_exist=winwin is not None
        )
        result[status.partner_id] = status
    return result


def partner_status(session: Session, partner: Partner, now: datetime) -> PartnerStatus:
    return statuses_for(session, partner.workspace_id, [partner.id], now)[partner.id]


def health_score(
    status: PartnerStatus, winwin: tuple[int, int] | None = None, *, deals_exist: bool = False
) -> PartnerStatus:
    """Fill status.components and status.score (0–100).

    * Recency, 40 points: full while within the cadence (overdue ratio ≤ 1), then falling in a
      straight line to 0 at twice the cadence: 40 × clamp(2 − ratio, 0, 1).
    * Reciprocity, 25 points: 25 × min(ours, theirs) / max(ours, theirs) over all touches;
      0 when one side never reached out.
    * Contact breadth, 20 points: 20 × min(current contacts, 3) / 3.
    * Win-win balance, 15 points, only when the deals feature is installed: 15 × share of the
      partner's assessed deals (both values set, not lost) that are win-win (a gain for us and
      for them, value > 0 on both sides: a compromise at 0 is not win-win); a partner
      without assessed deals gets no score for it and the component is left out of the total.
    * Score = round(100 × points earned / points available).
    """
    ratio = status.overdue_ratio
    recency = RECENCY_POINTS * max(0.0, min(1.0, 2.0 - ratio))
    ours, theirs = status.our_count, status.their_count
    reciprocity = RECIPROCITY_POINTS * (min(ours, theirs) / max(ours, theirs)) if max(ours, theirs) else 0.0
    breadth = BREADTH_POINTS * min(status.contacts, BREADTH_FULL_AT) / BREADTH_FULL_AT
    components = [
        Component(
            "recency",
            "Recency against cadence",
            recency,
            RECENCY_POINTS,
            (
                f"{status.days_since} days since the last touch"
                if status.last_touch_at
                else f"never touched: {status.days_since} days since it was added"
            )
            + f", cadence {status.cadence} days",
        ),
        Component(
            "reciprocity", "Reciprocity", reciprocity, RECIPROCITY_POINTS, f"{ours} touches by us, {theirs} by them"
        ),
        Component(
            "breadth",
            "Contact breadth",
            breadth,
            BREADTH_POINTS,
            f"{status.contacts} current contacts (full points at {BREADTH_FULL_AT})",
        ),
    ]
    if deals_exist and winwin and winwin[0]:
        assessed, both = winwin
        components.append(
            Component(
                "winwin",
                "Win-win balance",
                WINWIN_POINTS * both / assessed,
                WINWIN_POINTS,
                f"{both} of {assessed} deals win-win",
            )
        )
        status.winwin_included = True
    earned = sum(c.points for c in components)
    available = sum(c.max_points for c in components)
    status.components = components
    status.score = round(100 * earned / available) if available else 0
    return status


def _winwin_by_partner(session: Session, workspace_id: int, partner_ids: list[int]):
    """{partner_id: (assessed deals, win-win deals)} when the deals feature exists, else None."""
    try:
        from app.models.deal import Deal
    except ImportError:
        return None
    value_us = getattr(Deal, "value_to_us", None)
    value_them = getattr(Deal, "value_to_partner", None)
    if value_us is None or value_them is None:
        return None
    assessed = and_(value_us.is_not(None), value_them.is_not(None), Deal.stage != "lost")
    both = and_(value_us > 0, value_them > 0)
    rows = session.execute(
        select(
            Deal.partner_id, func.sum(case((assessed, 1), else_=0)), func.sum(case((and_(assessed, both), 1), else_=0))
        )
        .where(Deal.partner_id.in_(partner_ids))  # ids already limited to the workspace by the caller's query
        .group_by(Deal.partner_id)
    ).all()
    return {pid: (int(a or 0), int(b or 0)) for pid, a, b in rows}


def never_flagged_reason(partner: Partner) -> str | None:
    if partner.archived_at is not None:
        return "archived"
    if partner.status in EXCLUDED_STATUSES:
        return "ended"
    if partner.no_prospects:
        return "no prospects"
    return None


__all__ = [
    "FLAGS",
    "flag_counts",
    "flag_lists",
    "flag_overview",
    "neglected_partners",
    "statuses_for",
    "partner_status",
    "health_score",
]
