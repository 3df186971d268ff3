"""Referral economics' branches: the roots whose branches gained the most referrals in a period
(against the period before), and the dead ends — referrers whose referrals referred nobody and who
gained no referral in DEAD_AFTER_DAYS. Two statements, built once per process (their values bound
parameters), read for app/services/reports/referral_economics.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import Date, Integer, and_, bindparam, cast, exists, func, literal, null, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import Partner
from app.models.referral import Referral
from app.services.referral_tree.planner import ws_filter
from app.services.reports.period import Period

DEAD_AFTER_DAYS = 365  # a referrer is a dead end when nothing new came in this long


@dataclass
class Growing:
    partner_id: int
    name: str
    branch_size: int
    new: int  # referrals in the period
    before: int  # referrals in the period before


@dataclass
class DeadEnd:
    partner_id: int
    name: str
    referrals: int
    last_referred_on: date | None


@cache
def _growing_statements():
    """The two statements of `_growing_and_dead`, built once (their values are bound parameters):
    the period's referral counts per root, and the named roots with the dead ends."""
    counts = (
        select(Referral.root_id, func.count())
        .where(
            Referral.workspace_id == bindparam("ws"),
            Referral.referred_on.between(bindparam("start"), bindparam("end")),
        )
        .group_by(Referral.root_id)
        .order_by(func.count().desc(), Referral.root_id)
        .limit(bindparam("top"))
    )
    earlier = aliased(Referral)
    before_count = (
        select(func.count())
        .where(
            earlier.workspace_id == bindparam("ws"),
            earlier.root_id == Partner.id,
            earlier.referred_on.between(bindparam("before_start"), bindparam("before_end")),
        )
        .correlate(Partner)
        .scalar_subquery()
    )
    named = (
        select(
            literal("grow").label("kind"),
            Partner.id,
            Partner.name,
            Referral.subtree_size,
            before_count,
            cast(null(), Date),
        )
        .join(Referral, Referral.partner_id == Partner.id)
        .where(Partner.workspace_id == bindparam("ws"), Partner.id.in_(bindparam("roots", expanding=True)))
    )
    kid, kid_referral = aliased(Partner), aliased(Referral)
    last_on = (
        select(func.max(kid_referral.referred_on))
        .join(kid, kid.id == kid_referral.partner_id)
        .where(ws_filter(kid.workspace_id, bindparam("ws")), kid.referred_by_id == Partner.id)
        .correlate(Partner)
        .scalar_subquery()
    )
    recent = exists(
        select(kid.id)
        .join(kid_referral, kid_referral.partner_id == kid.id)
        .where(
            ws_filter(kid.workspace_id, bindparam("ws")),
            kid.referred_by_id == Partner.id,
            or_(
                kid_referral.referred_on >= bindparam("cutoff"),
                and_(kid_referral.referred_on.is_(None), kid.created_at >= bindparam("cutoff_at")),
            ),
        )
        .correlate(Partner)
    )
    dead = (
        select(literal("dead"), Partner.id, Partner.name, Referral.direct_count, cast(null(), Integer), last_on)
        .join(Referral, Referral.partner_id == Partner.id)
        .where(
            Referral.workspace_id == bindparam("ws"),
            Referral.direct_count > 0,
            Referral.subtree_depth == 1,
            ~recent,
        )
        .order_by(Referral.direct_count.desc(), Partner.id)
        .limit(bindparam("top"))
    )
    return counts, named.union_all(dead.subquery().select())


def growing_and_dead(session: Session, workspace_id: int, period: Period, today: date, top: int):
    """The roots whose branches gained the most referrals in the period (one grouped read of the
    period's referral dates, an index range), then in one statement their names and the counts of
    the period before, and the top dead ends (an index walk by referrals, the first `top` kept)."""
    before = period.previous()
    counts_stmt, named_stmt = _growing_statements()
    counts = session.execute(counts_stmt, {"ws": workspace_id, "start": period.start, "end": period.end, "top": top})
    counts = counts.all()
    cutoff = today - timedelta(days=DEAD_AFTER_DAYS)
    rows = session.execute(
        named_stmt,
        {
            "ws": workspace_id,
            "roots": [root for root, _n in counts] or [-1],
            "before_start": before.start,
            "before_end": before.end,
            "cutoff": cutoff,
            "cutoff_at": datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC),
            "top": top,
        },
    ).all()
    names = {row[1]: row for row in rows if row[0] == "grow"}
    growing = [
        Growing(root, names[root][2], names[root][3], count, int(names[root][4] or 0))
        for root, count in counts
        if root in names
    ]
    dead_ends = [DeadEnd(row[1], row[2], row[3], row[5]) for row in rows if row[0] == "dead"]
    dead_ends.sort(key=lambda d: (-d.referrals, d.partner_id))
    return growing, dead_ends
