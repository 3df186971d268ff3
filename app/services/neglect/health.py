"""Flags, health score and their inputs for one partner or a page of partners. Flask-free."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from app.messages import N_, N_plural, Text
from app.models import Contact, Deal, Partner, PartnerActivity
from app.services.neglect.flags import aware
from app.services.neglect.rules import FLAGS, Defaults, eligible, flags_at, moments, overdue_ratio
from app.services.sqltime import DAY, epoch_seconds, seconds

# Health score: points per component (win-win joins when deals exist; see health_score)
RECENCY_POINTS = 40
RECIPROCITY_POINTS = 25
BREADTH_POINTS = 20
WINWIN_POINTS = 15
BREADTH_FULL_AT = 3


def _inputs() -> dict:
    """The rules' inputs for a partner: the stored summary, with the partner's own columns where
    they are the source (exact even for a partner whose summary row is missing)."""
    pa = PartnerActivity
    contacts = (
        select(func.count(Contact.id))
        .where(Contact.partner_id == Partner.id, Contact.removed_at.is_(None))
        .correlate(Partner)
        .scalar_subquery()
    )
    inputs = {
        name: getattr(pa, name)
        for name in (
            "last_touch_s",
            "last_touch_direction",
            "last_their_s",
            "third_our_s",
            "third_touch_s",
            "run_break_s",
        )
    }
    inputs.update(
        tier=Partner.tier,
        cadence_override=Partner.cadence_days,
        response_override=Partner.response_time_days,
        created_s=epoch_seconds(Partner.created_at),
        ours_since_theirs=func.coalesce(pa.ours_since_theirs, 0),
        run_length=func.coalesce(pa.run_length, 0),
        contacts=func.coalesce(pa.contact_count, contacts),
    )
    return inputs


@dataclass
class Component:
    key: str
    label: str
    points: float
    max_points: int
    explanation: Text  # shown in the user's language


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
    """Flags, health and their inputs for a page of partners: one query, plus one for their deals."""
    ids = list(partner_ids)
    if not ids:
        return {}
    now_s = seconds(now)
    inputs = _inputs()
    m = moments(inputs, Defaults.of(session, workspace_id))
    conditions = flags_at(now_s, m, inputs["contacts"])
    elapsed = literal(now_s) - func.coalesce(inputs["last_touch_s"], inputs["created_s"])
    pa = PartnerActivity
    stmt = (
        select(
            Partner.id.label("partner_id"),
            case((eligible(Partner), 1), else_=0).label("eligible"),
            m["cadence_days"].label("cadence"),
            m["response_days"].label("response_time"),
            (elapsed // DAY).label("days_since"),
            overdue_ratio(elapsed, m["cadence_days"]).label("overdue_ratio"),
            func.coalesce(pa.touch_count, 0).label("touch_count"),
            func.coalesce(pa.our_count, 0).label("our_count"),
            func.coalesce(pa.their_count, 0).label("their_count"),
            inputs["contacts"].label("contacts"),
            pa.last_touch_at.label("last_touch_at"),
            Partner.name.label("name"),
            pa.last_their_s.label("last_their_s"),
            inputs["ours_since_theirs"].label("ours_since_theirs"),
            *[case((conditions[f], 1), else_=0).label(f) for f in FLAGS],
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
            last_touch_at=aware(m["last_touch_at"]),
            name=m["name"],
            waiting_days=(seconds(now) - int(m["last_their_s"])) // DAY if m["last_their_s"] is not None else 0,
            ours_since_theirs=int(m["ours_since_theirs"]),
        )
        health_score(status, winwin.get(status.partner_id))
        result[status.partner_id] = status
    return result


def partner_status(session: Session, partner: Partner, now: datetime) -> PartnerStatus:
    return statuses_for(session, partner.workspace_id, [partner.id], now)[partner.id]


def health_score(status: PartnerStatus, winwin: tuple[int, int] | None = None) -> PartnerStatus:
    """Fill status.components and status.score (0–100).

    * Recency, 40 points: full while within the cadence (overdue ratio ≤ 1), then falling in a
      straight line to 0 at twice the cadence: 40 × clamp(2 − ratio, 0, 1).
    * Reciprocity, 25 points: 25 × min(ours, theirs) / max(ours, theirs) over all touches;
      0 when one side never reached out.
    * Contact breadth, 20 points: 20 × min(current contacts, 3) / 3.
    * Win-win balance, 15 points: 15 × share of the
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
            N_("Recency against cadence"),
            recency,
            RECENCY_POINTS,
            Text(
                "%(since)s, %(cadence)s",
                since=Text(
                    N_plural("%(num)s day since the last touch", "%(num)s days since the last touch", status.days_since)
                    if status.last_touch_at
                    else N_plural(
                        "never touched: %(num)s day since it was added",
                        "never touched: %(num)s days since it was added",
                        status.days_since,
                    )
                ),
                cadence=Text(N_plural("cadence %(num)s day", "cadence %(num)s days", status.cadence)),
            ),
        ),
        Component(
            "reciprocity",
            N_("Reciprocity"),
            reciprocity,
            RECIPROCITY_POINTS,
            Text(
                "%(ours)s, %(theirs)s",
                ours=Text(N_plural("%(num)s touch by us", "%(num)s touches by us", ours)),
                theirs=Text(N_plural("%(num)s by them", "%(num)s by them", theirs)),
            ),
        ),
        Component(
            "breadth",
            N_("Contact breadth"),
            breadth,
            BREADTH_POINTS,
            Text(
                N_plural(
                    "%(num)s current contact (full points at %(full)s)",
                    "%(num)s current contacts (full points at %(full)s)",
                    status.contacts,
                ),
                full=BREADTH_FULL_AT,
            ),
        ),
    ]
    if winwin and winwin[0]:
        assessed, both = winwin
        components.append(
            Component(
                "winwin",
                N_("Win-win balance"),
                WINWIN_POINTS * both / assessed,
                WINWIN_POINTS,
                Text(
                    N_plural("%(both)s of %(num)s deal win-win", "%(both)s of %(num)s deals win-win", assessed),
                    both=both,
                ),
            )
        )
        status.winwin_included = True
    earned = sum(c.points for c in components)
    available = sum(c.max_points for c in components)
    status.components = components
    status.score = round(100 * earned / available) if available else 0
    return status


def winwin_select(partners_where):
    """(partner id, assessed deals, win-win deals) per partner matching `partners_where` (a
    condition on Deal.partner_id), as one SELECT (flush hooks run it on their connection)."""
    assessed = and_(Deal.value_to_us.is_not(None), Deal.value_to_partner.is_not(None), Deal.stage != "lost")
    both = and_(Deal.value_to_us > 0, Deal.value_to_partner > 0)
    return (
        select(
            Deal.partner_id, func.sum(case((assessed, 1), else_=0)), func.sum(case((and_(assessed, both), 1), else_=0))
        )
        .where(partners_where)
        .group_by(Deal.partner_id)
    )


def _winwin_by_partner(session: Session, workspace_id: int, partner_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{partner_id: (assessed deals, win-win deals)} for the given partners (of one workspace)."""
    # ids already limited to the workspace by the caller's query
    rows = session.execute(winwin_select(Deal.partner_id.in_(partner_ids))).all()
    return {pid: (int(a or 0), int(b or 0)) for pid, a, b in rows}
