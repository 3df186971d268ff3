"""Deals: the win-win assessment, stage moves, the pipeline and the deals list.

Quadrant rule. Each side's value is on a small scale: -2 a clear loss, -1 a loss, 0 break-even
(a compromise), +1 a gain, +2 a clear gain. A side *wins* only with a positive value; anything
else counts as not winning, so a compromise (0) on either side is never win-win, and Orchard says
so. The quadrant names our side first: win-lose = we gain, the partner does not (selling something
that will not work for them); lose-win = they gain, we do not (working below cost).

Totals. The pipeline and the deals list read their totals (and the list its count) from DealTotal,
running totals per owner, stage, currency and month closed that every change made here keeps in
the same transaction (a before-flush hook covers deals deleted with their partner). A search, an
assessment or an exact-date filter sums the matching deals instead. `flask deals recompute`
rebuilds the running totals; a test checks incremental == recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies
from sqlalchemy import and_, delete, event, func, insert, or_, select, union_all, update
from sqlalchemy.orm import Session

from app.models import Deal, DealTotal, Partner, User
from app.models.deal import CLOSED_STAGES, STAGES, VALUE_SCALE
from app.services import ServiceError, commissions
from app.services.accounts import check_owner
from app.services.pagination import Page
from app.services.text_search import like_pattern

QUADRANTS = ("win-win", "win-lose", "lose-win", "lose-lose")
MAX_AMOUNT = Decimal("999999999999.99")
_CURRENCIES = frozenset(c for c in list_currencies() if not c.startswith("X"))


@dataclass(frozen=True)
class Assessment:
    quadrant: str | None  # None until both sides are assessed
    compromise: bool  # one side (or both) is only break-even
    warning: str | None


def quadrant(value_to_us: int | None, value_to_partner: int | None) -> str | None:
    if value_to_us is None or value_to_partner is None:
        return None
    us = "win" if value_to_us > 0 else "lose"
    them = "win" if value_to_partner > 0 else "lose"
    return f"{us}-{them}"


def assess(value_to_us: int | None, value_to_partner: int | None) -> Assessment:
    q = quadrant(value_to_us, value_to_partner)
    compromise = 0 in (value_to_us, value_to_partner)
    warning = None
    if compromise:
        warning = "A compromise is not win-win: look for what would make this a real gain for both sides."
    elif q == "win-lose":
        warning = "Good for us, not for them: a partner who loses does not come back or recommend us."
    elif q == "lose-win":
        warning = "Good for them, not for us: working below cost does not last."
    elif q == "lose-lose":
        warning = "Nobody gains: consider turning this deal down."
    return Assessment(q, compromise, warning)


# --- validation ---------------------------------------------------------------------------------


def check_currency(code: str | None) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in _CURRENCIES:
        raise ServiceError("Use a three-letter ISO currency code, like EUR or USD.", field="currency")
    if get_currency_precision(code) > 2:
        raise ServiceError(f"{code} uses three decimals; Orchard keeps amounts with at most two.", field="currency")
    return code


def check_amount(value, currency: str) -> Decimal:
    try:
        amount = Decimal(str(value)) if value is not None and str(value).strip() != "" else Decimal("0")
    except InvalidOperation:
        raise ServiceError("Enter the amount as a number, like 1200.50.", field="amount") from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError("The amount cannot be negative.", field="amount")
    if amount > MAX_AMOUNT:
        raise ServiceError("That amount is too large.", field="amount")
    precision = get_currency_precision(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-precision)):
        raise ServiceError(f"{currency} amounts have at most {precision} decimals.", field="amount")
    return amount.quantize(Decimal("0.01"))


def _check_value(value, field_name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ServiceError("Choose a value on the scale.", field=field_name) from None
    if value not in VALUE_SCALE:
        raise ServiceError("Choose a value on the scale.", field=field_name)
    return value


def _clean_text(value, limit: int | None = None) -> str | None:
    value = (value or "").strip()
    if limit:
        value = value[:limit]
    return value or None


def _validated(session: Session, workspace_id: int, data: dict, current_stage: str | None) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError("Give the deal a title.", field="title")
    if len(title) > 200:
        raise ServiceError("Keep the title under 200 characters.", field="title")
    currency = check_currency(data.get("currency"))
    amount = check_amount(data.get("amount"), currency)
    stage = data.get("stage") or current_stage or "lead"
    if stage not in STAGES:
        raise ServiceError("Choose a stage.", field="stage")
    check_owner(session, workspace_id, data.get("owner_id"))
    clean = {
        "title": title,
        "currency": currency,
        "amount": amount,
        "stage": stage,
        "expected_close_on": data.get("expected_close_on"),
        "owner_id": data.get("owner_id"),
        "notes": _clean_text(data.get("notes")),
        "lost_reason": _clean_text(data.get("lost_reason")),
        "value_to_us": _check_value(data.get("value_to_us"), "value_to_us"),
        "value_to_partner": _check_value(data.get("value_to_partner"), "value_to_partner"),
        "value_to_us_note": _clean_text(data.get("value_to_us_note"), 300),
        "value_to_partner_note": _clean_text(data.get("value_to_partner_note"), 300),
    }
    _check_stage_rules(stage, amount, clean["lost_reason"])
    return clean


def _check_stage_rules(stage: str, amount: Decimal, lost_reason: str | None) -> None:
    if stage == "won" and amount <= 0:
        raise ServiceError("A won deal needs its amount: commissions are paid only on a real sale.", field="amount")
    if stage == "lost" and not lost_reason:
        raise ServiceError("Say why the deal was lost, so the team can learn from it.", field="lost_reason")


# --- changes ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    deal: Deal
    commissions: list = field(default_factory=list)  # commission entries created by this change


def _apply_stage(deal: Deal, stage: str, today: date) -> None:
    if stage in CLOSED_STAGES:
        if deal.stage != stage or deal.closed_on is None:
            deal.closed_on = today
    else:
        deal.closed_on = None
    if stage != "lost":
        deal.lost_reason = None
    deal.stage = stage


def create_deal(session: Session, partner: Partner, data: dict, actor_id: int | None, now: datetime) -> Outcome:
    clean = _validated(session, partner.workspace_id, data, None)
    stage = clean.pop("stage")
    deal = Deal(
        workspace_id=partner.workspace_id, partner_id=partner.id, created_at=now, updated_at=now, stage="lead", **clean
    )
    _apply_stage(deal, stage, now.date())
    if stage == "lost":
        deal.lost_reason = clean["lost_reason"]
    session.add(deal)
    session.flush()
    _bump(session, _snapshot(deal), +1)
    created = []
    if deal.stage == "won":
        created = commissions.on_deal_changed(session, deal, now, reason="deal won", newly_won=True)
    return Outcome(deal, created)


def _change(session: Session, deal: Deal, values: dict, stage: str, lost_reason: str | None, now: datetime) -> Outcome:
    """Apply validated values and a stage to a deal; keep the totals and commissions right."""
    old_stage, old_amount, old_currency = deal.stage, deal.amount, deal.currency
    before = _snapshot(deal)
    for name, value in values.items():
        setattr(deal, name, value)
    _apply_stage(deal, stage, now.date())
    if stage == "lost":
        deal.lost_reason = lost_reason
    deal.updated_at = now
    _rebump(session, before, _snapshot(deal))
    return Outcome(deal, _after_change(session, deal, old_stage, old_amount, old_currency, now))


def update_deal(session: Session, deal: Deal, data: dict, now: datetime) -> Outcome:
    clean = _validated(session, deal.workspace_id, data, deal.stage)
    stage = clean.pop("stage")
    lost_reason = clean.pop("lost_reason")
    return _change(session, deal, clean, stage, lost_reason, now)


def move_deal(session: Session, deal: Deal, stage: str, now: datetime, lost_reason: str | None = None) -> Outcome:
    """Move a deal to another stage (the pipeline board)."""
    if stage not in STAGES:
        raise ServiceError("Choose a stage.", field="stage")
    lost_reason = _clean_text(lost_reason) or (deal.lost_reason if deal.stage == "lost" else None)
    _check_stage_rules(stage, Decimal(deal.amount), lost_reason)
    if stage == deal.stage:
        return Outcome(deal)
    return _change(session, deal, {}, stage, lost_reason, now)


def _after_change(session, deal, old_stage, old_amount, old_currency, now) -> list:
    won_now, won_before = deal.stage == "won", old_stage == "won"
    session.flush()
    if won_now and not won_before:
        return commissions.on_deal_changed(session, deal, now, reason="deal won", newly_won=True)
    if won_before and not won_now:
        return commissions.on_deal_changed(session, deal, now, reason=f"deal moved to {deal.stage}")
    if won_now and (Decimal(old_amount) != Decimal(deal.amount) or old_currency != deal.currency):
        return commissions.on_deal_changed(
            session,
            deal,
            now,
            reason=f"deal amount changed from {old_amount} {old_currency} to {deal.amount} {deal.currency}",
        )
    return []


# --- running totals (DealTotal) ----------------------------------------------------------------


def month_of(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def _snapshot(deal: Deal) -> tuple:
    """The totals key of a deal and its amount."""
    return (
        (deal.workspace_id, deal.owner_id, deal.stage, deal.currency, month_of(deal.closed_on)),
        Decimal(deal.amount),
    )


def _bump(session: Session, snapshot: tuple, sign: int) -> None:
    (workspace_id, owner_id, stage, currency, month), amount = snapshot
    where = and_(
        DealTotal.workspace_id == workspace_id,
        DealTotal.owner_id.is_not_distinct_from(owner_id),
        DealTotal.stage == stage,
        DealTotal.currency == currency,
        DealTotal.month.is_not_distinct_from(month),
    )
    target = session.scalar(select(DealTotal.id).where(where).order_by(DealTotal.id).limit(1))
    if target is None:
        session.execute(
            insert(DealTotal).values(
                workspace_id=workspace_id,
                owner_id=owner_id,
                stage=stage,
                currency=currency,
                month=month,
                deal_count=sign,
                amount=amount * sign,
            )
        )
    else:  # an atomic increment: concurrent changes add up
        session.execute(
            update(DealTotal)
            .where(DealTotal.id == target)
            .values(deal_count=DealTotal.deal_count + sign, amount=DealTotal.amount + amount * sign)
            .execution_options(synchronize_session=False)
        )


def _rebump(session: Session, before: tuple, after: tuple) -> None:
    if before != after:
        _bump(session, before, -1)
        _bump(session, after, +1)


def _forget_deleted(session, flush_context, instances) -> None:
    """Deals leaving the database (deleted, or with their partner) leave the running totals."""
    partner_ids = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    deals = [o for o in session.deleted if isinstance(o, Deal)]
    if partner_ids:
        known = {d.id for d in deals}
        deals += [d for d in session.scalars(select(Deal).where(Deal.partner_id.in_(partner_ids))) if d.id not in known]
    for deal in deals:
        _bump(session, _snapshot(deal), -1)


event.listen(Session, "before_flush", _forget_deleted)


def recompute_totals(session: Session, workspace_id: int) -> int:
    """Rebuild a workspace's running totals from its deals (the `flask deals recompute` command and
    the demo data). Returns the number of total rows written."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    rows = session.execute(
        select(Deal.owner_id, Deal.stage, Deal.currency, Deal.closed_on, func.count(Deal.id), func.sum(Deal.amount))
        .where(Deal.workspace_id == workspace_id)
        .group_by(Deal.owner_id, Deal.stage, Deal.currency, Deal.closed_on)
    )
    for owner_id, stage, currency, closed_on, count, amount in rows:
        bucket = sums[(owner_id, stage, currency, month_of(closed_on))]
        bucket[0] += count
        bucket[1] += _money(amount)
    session.execute(delete(DealTotal).where(DealTotal.workspace_id == workspace_id))
    values = [
        {
            "workspace_id": workspace_id,
            "owner_id": o,
            "stage": st,
            "currency": c,
            "month": m,
            "deal_count": n,
            "amount": a,
        }
        for (o, st, c, m), (n, a) in sums.items()
    ]
    if values:
        session.execute(insert(DealTotal.__table__), values)
    return len(values)


def summary_totals(
    session: Session,
    workspace_id: int,
    *,
    owner_id: int | None = None,
    stage: str = "",
    currency: str = "",
    closed_since: date | None = None,
) -> dict[str, StageTotals]:
    """Totals by stage and currency from the running totals: a few rows, whatever the number of
    deals. With closed_since (a first of the month), won and lost count only from that month on."""
    conditions = [DealTotal.workspace_id == workspace_id]
    if owner_id:
        conditions.append(DealTotal.owner_id == owner_id)
    if stage:
        conditions.append(DealTotal.stage == stage)
    if currency:
        conditions.append(DealTotal.currency == currency)
    if closed_since:
        conditions.append(or_(DealTotal.month.is_(None), DealTotal.month >= closed_since))
    result = {s: StageTotals(s) for s in STAGES}
    rows = session.execute(
        select(DealTotal.stage, DealTotal.currency, func.sum(DealTotal.deal_count), func.sum(DealTotal.amount))
        .where(*conditions)
        .group_by(DealTotal.stage, DealTotal.currency)
        .order_by(DealTotal.stage, DealTotal.currency)
    ).all()
    for st, cur, count, amount in rows:
        if not count:
            continue  # every deal of that key moved on
        result[st].count += count
        result[st].sums[cur] = _money(amount)
    return result


# --- reading ------------------------------------------------------------------------------------


@dataclass
class StageTotals:
    stage: str
    count: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount


def _money(value) -> Decimal:
    return commissions._money(value)


def totals_by_stage(session: Session, where) -> dict[str, StageTotals]:
    """Count and amount per stage and currency: one grouped query, never adding currencies together."""
    result = {stage: StageTotals(stage) for stage in STAGES}
    rows = session.execute(
        select(Deal.stage, Deal.currency, func.count(Deal.id), func.sum(Deal.amount))
        .where(where)
        .group_by(Deal.stage, Deal.currency)
        .order_by(Deal.stage, Deal.currency)
    ).all()
    for stage, currency, count, total in rows:
        bucket = result.setdefault(stage, StageTotals(stage))
        bucket.count += count
        bucket.sums[currency] = _money(total)
    return result


@dataclass
class BoardFilters:
    owner_id: int | None = None
    closed_months: int = 3  # won/lost columns: deals closed this month and the months before


@dataclass
class Board:
    columns: dict[str, list]
    totals: dict[str, StageTotals]
    filters: BoardFilters
    since: date


def pipeline(session: Session, workspace_id: int, filters: BoardFilters, today: date, per_column: int = 10) -> Board:
    """The board: the most recently touched deals of each stage (one UNION query) and the totals
    (from the running totals). Won and lost columns cover this month and the `closed_months - 1`
    before it."""
    first = today.replace(day=1)
    for _ in range(filters.closed_months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    since = first
    base = [Deal.workspace_id == workspace_id]
    if filters.owner_id:
        base.append(Deal.owner_id == filters.owner_id)
    parts = []
    for stage in STAGES:
        conditions = [*base, Deal.stage == stage]
        if stage in CLOSED_STAGES:
            conditions.append(Deal.closed_on >= since)
            order = (Deal.closed_on.desc(), Deal.id.desc())
        else:
            order = (Deal.updated_at.desc(), Deal.id.desc())
        parts.append(select(Deal.id).where(*conditions).order_by(*order).limit(per_column).subquery().select())
    ids = union_all(*parts).subquery()
    rows = session.execute(
        select(Deal, Partner.name.label("partner_name"), User.name.label("owner_name"))
        .join(ids, ids.c.id == Deal.id)
        .join(Partner, Partner.id == Deal.partner_id)
        .outerjoin(User, User.id == Deal.owner_id)
    ).all()
    columns: dict[str, list] = {stage: [] for stage in STAGES}
    for row in rows:
        columns[row.Deal.stage].append(row)
    for stage, items in columns.items():
        if stage in CLOSED_STAGES:
            items.sort(key=lambda r: (r.Deal.closed_on, r.Deal.id), reverse=True)
        else:
            items.sort(key=lambda r: (r.Deal.updated_at, r.Deal.id), reverse=True)
    totals = summary_totals(session, workspace_id, owner_id=filters.owner_id, closed_since=since)
    return Board(columns, totals, filters, since)


SORTS = {
    "title": func.lower(Deal.title),
    "partner": Partner.name_key,
    "amount": Deal.amount,
    "stage": Deal.stage,
    "expected": Deal.expected_close_on,
    "closed": Deal.closed_on,
    "updated": Deal.updated_at,
}


@dataclass
class DealFilters:
    q: str = ""
    stage: str = ""
    owner_id: int | None = None
    currency: str = ""
    quadrant: str = ""
    closed_from: date | None = None
    closed_to: date | None = None
    sort: str = "updated"
    direction: str = "desc"
    page: int = 1


def _deal_where(workspace_id: int, filters: DealFilters):
    conditions = [Deal.workspace_id == workspace_id]
    if filters.stage:
        conditions.append(Deal.stage == filters.stage)
    if filters.owner_id:
        conditions.append(Deal.owner_id == filters.owner_id)
    if filters.currency:
        conditions.append(Deal.currency == filters.currency)
    if filters.closed_from:
        conditions.append(Deal.closed_on >= filters.closed_from)
    if filters.closed_to:
        conditions.append(Deal.closed_on <= filters.closed_to)
    if filters.quadrant in QUADRANTS:
        us, them = filters.quadrant.split("-")
        conditions.append(Deal.value_to_us > 0 if us == "win" else Deal.value_to_us <= 0)
        conditions.append(Deal.value_to_partner > 0 if them == "win" else Deal.value_to_partner <= 0)
    if filters.q.strip():
        pattern = like_pattern(filters.q)
        # partners whose name matches, found once (not joined per deal)
        matching_partners = select(Partner.id).where(
            Partner.workspace_id == workspace_id, Partner.name_key.like(pattern, escape="\\")
        )
        conditions.append(
            or_(func.lower(Deal.title).like(pattern, escape="\\"), Deal.partner_id.in_(matching_partners))
        )
    return and_(*conditions)


def list_deals(session: Session, workspace_id: int, filters: DealFilters, per_page: int = 25):
    """A page of deals with partner and owner names, the count, and totals by stage and currency.
    Filters by stage, owner and currency read the totals and the count from the running totals (two
    queries whatever the number of deals); a search, an assessment or a period filter counts and
    sums the matching deals in one grouped query."""
    where = _deal_where(workspace_id, filters)
    searching = bool(filters.q.strip())
    if searching or filters.quadrant or filters.closed_from or filters.closed_to:
        stage_totals = totals_by_stage(session, where)
    else:
        stage_totals = summary_totals(
            session, workspace_id, owner_id=filters.owner_id, stage=filters.stage, currency=filters.currency
        )
    total = sum(t.count for t in stage_totals.values())  # the totals count the deals: no count query
    column = SORTS.get(filters.sort, Deal.updated_at)
    order = column.desc() if filters.direction == "desc" else column.asc()
    page = max(1, filters.page)
    rows = session.execute(
        select(Deal, Partner.name.label("partner_name"), User.name.label("owner_name"))
        .join(Partner, Partner.id == Deal.partner_id)
        .outerjoin(User, User.id == Deal.owner_id)
        .where(where)
        .order_by(order, Deal.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=rows, total=total, page=page, per_page=per_page), stage_totals


def currencies_in_use(session: Session, workspace_id: int, default: str) -> list[str]:
    found = session.scalars(  # from the running totals: a few rows, not every deal
        select(DealTotal.currency).where(DealTotal.workspace_id == workspace_id).distinct()
    ).all()
    return sorted(set(found) | {default})


@dataclass
class PartnerDeals:
    page: Page
    won: dict[str, Decimal]
    quadrants: dict[str, int]
    balance: list  # [(period label, avg to us, avg to partner, count)], oldest first


def partner_deals(session: Session, partner_id: int, page: int = 1, per_page: int = 25) -> PartnerDeals:
    """The Deals tab: a page of the partner's deals, won revenue per currency, the win-win balance."""
    where = Deal.partner_id == partner_id
    total = session.scalar(select(func.count(Deal.id)).where(where))
    page = max(1, page)
    rows = session.execute(
        select(Deal, User.name.label("owner_name"))
        .outerjoin(User, User.id == Deal.owner_id)
        .where(where)
        .order_by(Deal.updated_at.desc(), Deal.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    won = {
        c: _money(s)
        for c, s in session.execute(
            select(Deal.currency, func.sum(Deal.amount))
            .where(where, Deal.stage == "won")
            .group_by(Deal.currency)
            .order_by(Deal.currency)
        )
    }
    assessed = session.execute(
        select(Deal.closed_on, Deal.created_at, Deal.value_to_us, Deal.value_to_partner)
        .where(where, Deal.value_to_us.is_not(None), Deal.value_to_partner.is_not(None), Deal.stage != "lost")
        .order_by(Deal.created_at.desc())
        .limit(400)
    ).all()
    quadrants = dict.fromkeys(QUADRANTS, 0)
    buckets: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for closed_on, created_at, us, them in assessed:
        quadrants[quadrant(us, them)] += 1
        when = closed_on or created_at.date()
        buckets[(when.year, (when.month - 1) // 3 + 1)].append((us, them))
    balance = []
    for (year, q), values in sorted(buckets.items()):
        n = len(values)
        balance.append((f"{year} Q{q}", sum(v[0] for v in values) / n, sum(v[1] for v in values) / n, n))
    return PartnerDeals(Page(rows, total, page, per_page), won, quadrants, balance[-12:])


def recent_partners(session: Session, workspace_id: int, q: str = "", limit: int = 20):
    """Partners to choose from when creating a deal: a search by name, most recently updated first."""
    stmt = select(Partner.id, Partner.name).where(Partner.workspace_id == workspace_id, Partner.archived_at.is_(None))
    if q.strip():
        stmt = stmt.where(Partner.name_key.like(like_pattern(q), escape="\\")).order_by(Partner.name_key)
    else:
        stmt = stmt.order_by(Partner.updated_at.desc())
    return session.execute(stmt.limit(limit)).all()
