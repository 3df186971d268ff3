"""The dashboard's flags: counts and the first partners of each flag, read from the stored moments
of the activity summary (each flag an index range of PartnerActivity). Flask-free; `now` is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import Partner, PartnerActivity, User
from app.models.base import UTCDateTime
from app.services.neglect.rules import DASHBOARD_FLAGS, FLAGS, flags_at, overdue_ratio
from app.services.sqltime import DAY, seconds


def stored_flags(now: datetime) -> dict:
    """The rules as comparisons of "now" with the moments stored in PartnerActivity."""
    pa = PartnerActivity
    return flags_at(seconds(now), pa, pa.contact_count)


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
    conditions = stored_flags(now)
    # single-threaded counts as its two halves, each an index range: few contacts, and a
    # one-contact run among partners with enough contacts
    conditions["run"] = and_(conditions["one_contact_run"], ~conditions["few_contacts"])
    counted = [f for f in FLAGS if f != "single_threaded"] + ["few_contacts", "run"]

    def count(condition):
        return _summary_scan(workspace_id, func.count(), owner_id=owner_id).where(condition).scalar_subquery()

    row = session.execute(select(*(count(conditions[f]).label(f) for f in counted))).one()._mapping
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
    conditions = stored_flags(now)
    anchor = func.coalesce(pa.last_touch_s, pa.created_s)
    ratio = overdue_ratio(literal(now_s) - anchor, pa.cadence_days)
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
    one_run = case((conditions["one_contact_run"], 1), else_=0)
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
                last_touch_at=aware(m["last_touch_at"]),
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


def aware(value):
    """A datetime read from a raw SQL row, as aware UTC (SQLite hands back text or naive values)."""
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
