"""PartnerOutcome and OutcomeBucket: what each partner contributes to the Sources and Tiers reports,
and the per (day and month, source, tier, owner, currency) sums the reports read (app/models/report.py
lists the measures).

A partner's contribution is derived from its own row, its deals, its touches and the partners it
referred (`contributions`). The flush hook finds the partners a flush touched — the partner itself
changed (source, tier, owner, status, merged away), added or deleted; one of its deals or
interactions added, changed or deleted; a partner it referred added, deleted, moved to another
referrer or merged away; merged into a partner deleted — locks their contribution rows, derives them again, and adds the
difference (new minus old, the old dimensions taken from the stored row) to the buckets with an
upsert, so concurrent writers add up. A merged-away partner contributes nothing (its survivor does).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, inspect, select, true
from sqlalchemy.orm import Session

from app.models import Deal, Interaction, Partner
from app.models.report import MEASURES, OUTCOME_BUCKET_KEY, OutcomeBucket, PartnerOutcome
from app.services.deals.assessment import quadrant
from app.services.locking import locked
from app.services.money import as_money
from app.summaries.registry import Summary
from app.summaries.sql import not_by_index, upsert

FACTS = PartnerOutcome.__table__
BUCKETS = OutcomeBucket.__table__
DIMENSIONS = ("source", "tier", "owner_id")
BUCKET_KEY = list(OUTCOME_BUCKET_KEY)
RETAINED_AFTER = timedelta(days=365)
# Partner columns a contribution reads, and those that move the referrer's count
WATCHED = ("source", "tier", "owner_id", "status", "created_at", "merged_into_id", "referred_by_id")
REFERRER_WATCHED = ("referred_by_id", "merged_into_id")


def month_of(day: date) -> date:
    return day.replace(day=1)


# --- a partner's contribution, from the sources ------------------------------------------------------


def _zero() -> dict:
    return dict.fromkeys(MEASURES, 0) | {"won_amount": Decimal("0.00")}


def contributions(connection, workspace_id: int, ids: list[int] | None = None) -> dict[tuple, dict]:
    """(partner id, currency) -> the row's dimensions and measures, for the given partners (all of
    the workspace's when `ids` is None). Four queries: partners, deals, touches, referrals made."""

    def only(column):
        return column.in_(ids) if ids is not None else true()

    def of_workspace(column):
        # given partners: read by the partners' indexes, not by walking the workspace's (sql.not_by_index)
        return (column if ids is None else not_by_index(column)) == workspace_id

    partners = connection.execute(
        select(Partner.id, Partner.created_at, Partner.source, Partner.tier, Partner.owner_id, Partner.status).where(
            of_workspace(Partner.workspace_id), Partner.merged_into_id.is_(None), only(Partner.id)
        )
    ).all()
    if not partners:
        return {}
    deals = defaultdict(list)
    for row in connection.execute(
        select(
            Deal.partner_id, Deal.stage, Deal.closed_on, Deal.currency, Deal.amount, Deal.value_to_us,
            Deal.value_to_partner,
        ).where(of_workspace(Deal.workspace_id), only(Deal.partner_id))
    ):  # fmt: skip
        deals[row.partner_id].append(row)
    touches = {
        row.partner_id: (row.first.date(), row.last.date())
        for row in connection.execute(
            select(
                Interaction.partner_id,
                func.min(Interaction.occurred_at).label("first"),
                func.max(Interaction.occurred_at).label("last"),
            )
            .where(
                of_workspace(Interaction.workspace_id),
                only(Interaction.partner_id),
                Interaction.deleted_at.is_(None),
                Interaction.kind != "note",
            )
            .group_by(Interaction.partner_id)
        )
    }
    referred = dict(
        connection.execute(
            select(Partner.referred_by_id, func.count())
            .where(of_workspace(Partner.workspace_id), Partner.merged_into_id.is_(None))
            .where(Partner.referred_by_id.is_not(None) if ids is None else Partner.referred_by_id.in_(ids))
            .group_by(Partner.referred_by_id)
        ).all()
    )
    result = {}
    for p in partners:
        gained_on = _as_date(p.created_at)
        dims = {"gained_on": gained_on, "source": p.source, "tier": p.tier, "owner_id": p.owner_id or 0}
        counts = _zero()
        won_on = []
        money: dict[str, list] = defaultdict(lambda: [0, Decimal("0.00")])
        for deal in deals.get(p.id, ()):
            q = quadrant(deal.value_to_us, deal.value_to_partner)
            if q is not None:
                counts["assessed"] += 1
                counts["to_us"] += deal.value_to_us
                counts["to_partner"] += deal.value_to_partner
                counts["win_win"] += q == "win-win"
            if deal.stage == "won":
                money[deal.currency][0] += 1
                money[deal.currency][1] += as_money(deal.amount)
                if deal.closed_on is not None:
                    won_on.append(deal.closed_on)
        first_touch, last_touch = touches.get(p.id, (None, None))
        counts["gained"] = 1
        counts["active"] = int(p.status == "active" or bool(money))
        if won_on:
            start = min(gained_on, first_touch) if first_touch else gained_on
            counts["won_partners"] = 1
            counts["days_to_won"] = max(0, (min(won_on) - start).days)
        latest = max([d for d in (last_touch, max(won_on, default=None)) if d is not None], default=None)
        counts["retained"] = int(latest is not None and latest >= gained_on + RETAINED_AFTER)
        counts["referrals"] = referred.get(p.id, 0)
        result[(p.id, "")] = dims | counts
        for currency, (n, amount) in money.items():
            result[(p.id, currency)] = dims | _zero() | {"won_deals": n, "won_amount": amount}
    return result


def _as_date(moment) -> date:
    return moment.date() if hasattr(moment, "date") else moment


def buckets_of(workspace_id: int, rows: dict[tuple, dict], sign: int = 1, into=None) -> dict[tuple, dict]:
    """The bucket sums of contribution rows (each counts in its day's and its month's bucket)."""
    into = into if into is not None else defaultdict(_zero)
    for (_, currency), row in rows.items():
        for grain, day in (("d", row["gained_on"]), ("m", month_of(row["gained_on"]))):
            key = (workspace_id, grain, day, row["source"], row["tier"], row["owner_id"], currency)
            bucket = into[key]
            for name in MEASURES:
                bucket[name] += sign * row[name]
    return into


# --- the update, in the flush ------------------------------------------------------------------------


def _changed(session: Session, obj, names) -> bool:
    state = inspect(obj)
    return session.is_modified(obj) and any(state.attrs[name].history.has_changes() for name in names)


def _values(obj, name) -> list:
    history = inspect(obj).attrs[name].history
    return [v for v in itertools.chain(history.added or (), history.deleted or (), history.unchanged or ()) if v]


def touched_partners(session: Session) -> dict[int, set[int]]:
    """workspace id -> the partners whose contribution this flush may have changed."""
    touched: dict[int, set[int]] = defaultdict(set)
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Partner):
            fresh = obj in session.new or obj in session.deleted
            if fresh or _changed(session, obj, WATCHED):
                touched[obj.workspace_id].add(obj.id)
            if fresh or _changed(session, obj, REFERRER_WATCHED):
                touched[obj.workspace_id].update(_values(obj, "referred_by_id"))
        elif isinstance(obj, Deal | Interaction) and (obj not in session.dirty or session.is_modified(obj)):
            touched[obj.workspace_id].update(_values(obj, "partner_id"))
    return touched


def refresh(connection, workspace_id: int, ids) -> None:
    """Derive the contributions of these partners again and move the buckets by the difference."""
    ids = sorted(ids)
    old_rows = connection.execute(
        locked(select(FACTS).where(FACTS.c.partner_id.in_(ids)).order_by(FACTS.c.partner_id, FACTS.c.currency))
    ).all()
    old = {
        (r.partner_id, r.currency): {name: r._mapping[name] for name in ("gained_on", *DIMENSIONS, *MEASURES)}
        for r in old_rows
        if r.workspace_id == workspace_id
    }
    new = contributions(connection, workspace_id, ids)
    deltas = buckets_of(workspace_id, old, -1)
    buckets_of(workspace_id, new, +1, deltas)
    rows = [
        dict(zip(BUCKET_KEY, key, strict=True)) | values
        for key, values in sorted(deltas.items())
        if any(values[name] for name in MEASURES)
    ]
    if rows:
        upsert(connection, BUCKETS, rows, BUCKET_KEY, add=list(MEASURES))
    if old != new:
        connection.execute(delete(FACTS).where(FACTS.c.partner_id.in_(ids)))
        if new:
            connection.execute(FACTS.insert(), _fact_rows(workspace_id, new))


def _fact_rows(workspace_id: int, rows: dict[tuple, dict]) -> list[dict]:
    return [
        {"workspace_id": workspace_id, "partner_id": pid, "currency": currency, **row}
        for (pid, currency), row in rows.items()
    ]


PENDING = "orchard_partner_outcomes"  # session.info: partners found before the flush, derived after it


def before_flush(session: Session) -> None:
    """Partners merged into one this flush deletes come back as partners of their own (the database
    clears their merged_into_id): found now, derived again after the flush."""
    gone = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    if not gone:
        return
    rows = session.execute(select(Partner.workspace_id, Partner.id).where(Partner.merged_into_id.in_(gone)))
    pending = session.info.setdefault(PENDING, defaultdict(set))
    for workspace_id, partner_id in rows:
        pending[workspace_id].add(partner_id)


def after_flush(session: Session) -> None:
    touched = touched_partners(session)
    for workspace_id, ids in session.info.pop(PENDING, {}).items():
        touched[workspace_id] |= ids
    if not touched:
        return
    connection = session.connection()
    for workspace_id, ids in touched.items():
        ids.discard(None)
        if ids:
            refresh(connection, workspace_id, ids)


# --- rebuild and check ---------------------------------------------------------------------------------


def _normal(values: dict) -> tuple:
    return tuple(as_money(values[n]) if n == "won_amount" else int(values[n]) for n in MEASURES)


def expected(session: Session, workspace_id: int) -> dict:
    facts = contributions(session.connection(), workspace_id)
    result = {
        ("partner", pid, currency, *(row[n] for n in ("gained_on", *DIMENSIONS))): _normal(row)
        for (pid, currency), row in facts.items()
    }
    for key, values in buckets_of(workspace_id, facts).items():
        if any(values[n] for n in MEASURES):
            result[("bucket", *key[1:])] = _normal(values)
    return result


def stored(session: Session, workspace_id: int) -> dict:
    result = {}
    for row in session.execute(select(FACTS).where(FACTS.c.workspace_id == workspace_id)).mappings():
        key = ("partner", row["partner_id"], row["currency"], *(row[n] for n in ("gained_on", *DIMENSIONS)))
        result[key] = _normal(row)
    key_columns = [BUCKETS.c[name] for name in BUCKET_KEY[1:]]
    sums = [func.sum(BUCKETS.c[name]).label(name) for name in MEASURES]
    for row in session.execute(
        select(*key_columns, *sums).where(BUCKETS.c.workspace_id == workspace_id).group_by(*key_columns)
    ).mappings():
        values = _normal(row)
        if any(values):
            result[("bucket", *(row[name] for name in BUCKET_KEY[1:]))] = values
    return result


def rebuild(session: Session, workspace_id: int) -> int:
    connection = session.connection()
    connection.execute(delete(FACTS).where(FACTS.c.workspace_id == workspace_id))
    connection.execute(delete(BUCKETS).where(BUCKETS.c.workspace_id == workspace_id))
    facts = contributions(connection, workspace_id)
    if not facts:
        return 0
    connection.execute(FACTS.insert(), _fact_rows(workspace_id, facts))
    rows = [dict(zip(BUCKET_KEY, key, strict=True)) | values for key, values in buckets_of(workspace_id, facts).items()]
    connection.execute(BUCKETS.insert(), rows)
    return len(facts) + len(rows)


SUMMARY = Summary(
    name="partner_outcomes",
    description="each partner's outcomes by source, tier and owner, and their day and month sums (Sources and Tiers reports)",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
    after_flush=after_flush,
)
