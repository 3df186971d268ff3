"""Reading deals: the pipeline board, the deals list, a partner's deals, and their totals.

Totals. The pipeline and the deals list read their totals (and the list its count) from DealTotal,
running totals per owner, stage, currency and month closed that app/summaries/deal_totals.py keeps
in every flush (deals added, changed, deleted, or deleted with their partner). A search, an
assessment or an exact-date filter sums the matching deals instead. `flask summaries rebuild`
rebuilds the running totals; `flask summaries check` compares them with the deals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from app.models import Deal, DealTotal, Partner, User
from app.models.deal import CLOSED_STAGES, STAGES
from app.services import search
from app.services.deals.assessment import QUADRANTS, quadrant
from app.services.money import as_money
from app.services.pagination import Page
from app.services.text_search import like_pattern


@dataclass
class StageTotals:
    stage: str
    count: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount


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
        result[st].sums[cur] = as_money(amount)
    return result


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
        bucket.sums[currency] = as_money(total)
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


def deal_where(workspace_id: int, filters: DealFilters, session: Session | None = None):
    """The WHERE of the deals list (with the session, a search also tolerates typos)."""
    searching = bool(filters.q.strip())
    # searching, the deals are read by id from the index's matches (see search.not_by_index)
    conditions = [(search.not_by_index(Deal.workspace_id) if searching else Deal.workspace_id) == workspace_id]
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
    if searching:
        # The search index: deals found by their own fields, or by their partner's — one list of
        # ids (an OR of the two would test every deal of the workspace)
        find = search.finder(session, workspace_id, filters.q)
        by_partner = select(Deal.id).where(Deal.partner_id.in_(find(("partner",))))
        conditions.append(Deal.id.in_(union_all(find(("deal",)), by_partner)))
    return and_(*conditions)


def deal_order(filters: DealFilters) -> tuple:
    """ORDER BY of the deals list: the sort column, then the newest id first."""
    column = SORTS.get(filters.sort, Deal.updated_at)
    return (column.desc() if filters.direction == "desc" else column.asc(), Deal.id.desc())


def list_deals(session: Session, workspace_id: int, filters: DealFilters, per_page: int = 25):
    """A page of deals with partner and owner names, the count, and totals by stage and currency.
    Filters by stage, owner and currency read the totals and the count from the running totals (two
    queries whatever the number of deals); a search, an assessment or a period filter counts and
    sums the matching deals in one grouped query."""
    where = deal_where(workspace_id, filters, session)
    searching = bool(filters.q.strip())
    if searching or filters.quadrant or filters.closed_from or filters.closed_to:
        stage_totals = totals_by_stage(session, where)
    else:
        stage_totals = summary_totals(
            session, workspace_id, owner_id=filters.owner_id, stage=filters.stage, currency=filters.currency
        )
    total = sum(t.count for t in stage_totals.values())  # the totals count the deals: no count query
    page = max(1, filters.page)
    rows = session.execute(
        select(Deal, Partner.name.label("partner_name"), User.name.label("owner_name"))
        .join(Partner, Partner.id == Deal.partner_id)
        .outerjoin(User, User.id == Deal.owner_id)
        .where(where)
        .order_by(*deal_order(filters))
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
        c: as_money(s)
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
