"""Partners: the partner book, its list query, archive/restore and hard delete (never of paid money)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.messages import N_plural
from app.models import Commission, Deal, Partner, User
from app.services import Gone, ServiceError, search
from app.services.accounts import check_owner
from app.services.locking import locked
from app.services.money import as_money
from app.services.pagination import Page

PARTNER_FIELDS = (
    "name",
    "kind",
    "status",
    "tier",
    "owner_id",
    "source",
    "website",
    "notes",
    "no_prospects",
    "no_prospects_reason",
)

SORTS = {
    "name": Partner.name_key,
    "status": Partner.status,
    "tier": Partner.tier,
    "owner": User.name,
    "source": Partner.source,
    "contacts": Partner.contact_count,
    "updated": Partner.updated_at,
    "created": Partner.created_at,
}


@dataclass
class PartnerFilters:
    q: str = ""
    status: str = ""
    tier: str = ""
    owner_id: int | None = None
    source: str = ""
    archived: str = "no"  # no | only | all
    sort: str = "name"
    direction: str = "asc"
    page: int = 1


# The list counts matching partners only up to this many ("1,000+ partners"): an exact count of a
# 50,000-partner book would read every row on every page view, and nobody pages that far.
COUNT_CAP = 1000


def filtered_partners(
    workspace_id: int, filters: PartnerFilters, dialect: str = "sqlite", session: Session | None = None
):
    """The WHERE part of the partner list (with the session, a search also tolerates typos)."""
    searching = bool(filters.q.strip())
    # searching, the partners are read from the index's matches by id (see app.summaries.sql.not_by_index)
    workspace_column = search.not_by_index(Partner.workspace_id) if searching else Partner.workspace_id
    archived_column = search.not_by_index(Partner.archived_at) if searching else Partner.archived_at
    conditions = [workspace_column == workspace_id]
    if filters.archived == "no":
        conditions.append(archived_column.is_(None))
    elif filters.archived == "only":
        conditions.append(archived_column.is_not(None))
    for column, value in (
        (Partner.status, filters.status),
        (Partner.tier, filters.tier),
        (Partner.source, filters.source),
    ):
        if value:
            conditions.append(column == value)
    if filters.owner_id:
        conditions.append(Partner.owner_id == filters.owner_id)
    if searching:
        # The search index: partners found by their own fields or by a current contact's.
        conditions.append(
            Partner.id.in_(
                search.matching_ids(session, workspace_id, filters.q, ("partner", "contact"), column="partner_id")
            )
        )
    return and_(*conditions)


def _archived_prefix(filters: PartnerFilters, descending: bool) -> list:
    """What goes before the sort column in the list's ORDER BY so that the `(workspace_id, archived_at,
    column, id)` index serves it on both engines. Browsing the partners that are not archived,
    `archived_at` is NULL on every row shown, so ordering by it first changes nothing; but PostgreSQL
    does not treat `archived_at IS NULL` as fixing the column (SQLite does), and without it sorts the
    whole book on every page instead of reading the index in order. With the other archive filters
    the column varies, and ordering by it would change the list."""
    if filters.archived != "no":
        return []
    return [Partner.archived_at.desc() if descending else Partner.archived_at.asc()]


def _member_ids_by_name(session: Session, workspace_id: int) -> list[int]:
    from app.models import Membership

    return list(
        session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(User.name, User.id)
        )
    )


def _ids_sorted_by_owner(where, owner_ids: list[int], descending: bool, limit: int, offset: int, prefix: list):
    """Partner ids ordered by owner name without sorting the whole book: one index range per owner
    (members in name order, then owners who left the workspace, then nobody), each read only as far
    as the page needs, merged by rank. `owner_ids` are the members ordered by name (a few rows);
    `prefix` is _archived_prefix's (each range is read in (archived_at, id) order from the owner index)."""
    if descending:
        owner_ids = list(reversed(owner_ids))
    by_id = Partner.id.desc() if descending else Partner.id.asc()
    groups = [(rank, Partner.owner_id == owner_id) for rank, owner_id in enumerate(owner_ids)]
    groups.append((len(owner_ids) + 1, Partner.owner_id.is_(None)))
    branches = [
        select(Partner.id.label("id"), literal(rank).label("rank"))
        .where(where, condition)
        .order_by(*prefix, by_id)
        .limit(offset + limit)
        .subquery()
        .select()
        for rank, condition in groups
    ]
    # owners who are no longer members: the id ranges between the members' ids, as index seeks
    # (usually empty; unordered, so the planner seeks the owner index rather than walking by id)
    bounds = sorted(owner_ids)
    if bounds:
        gaps = [Partner.owner_id < bounds[0], Partner.owner_id > bounds[-1]]
        gaps += [
            and_(Partner.owner_id > a, Partner.owner_id < b)
            for a, b in zip(bounds, bounds[1:], strict=False)
            if b - a > 1
        ]
    else:
        gaps = [Partner.owner_id.is_not(None)]
    branches += [
        select(Partner.id.label("id"), literal(len(owner_ids)).label("rank")).where(where, gap) for gap in gaps
    ]
    merged = union_all(*branches).subquery()
    return (
        select(merged.c.id)
        .order_by(merged.c.rank, merged.c.id.desc() if descending else merged.c.id.asc())
        .limit(limit)
        .offset(offset)
    )


def _order(filters: PartnerFilters, owner_ids: list[int] | None) -> list:
    """ORDER BY terms of the list: the sort column (sorted by owner: the owner's rank among
    `owner_ids`, the members in name order, then owners who left, then nobody), then id in the same
    direction, which breaks ties (the (workspace, archived, column, id) index serves it)."""
    descending = filters.direction == "desc"
    tiebreak = Partner.id.desc() if descending else Partner.id.asc()
    if owner_ids is not None:
        ranks = {owner_id: rank for rank, owner_id in enumerate(reversed(owner_ids) if descending else owner_ids)}
        order = (
            case(
                (Partner.owner_id.is_(None), len(ranks) + 1),
                else_=case(ranks, value=Partner.owner_id, else_=len(ranks)),
            )
            if ranks
            else case((Partner.owner_id.is_(None), 1), else_=0)
        )
        return [order, tiebreak]
    column = SORTS.get(filters.sort, Partner.name_key)
    return [column.desc() if descending else column.asc(), tiebreak]


def list_order(session: Session, workspace_id: int, filters: PartnerFilters) -> list:
    """The list's whole ORDER BY for `filters`, for reading every matching partner in the order the
    list shows them (the export): one query for the members when sorted by owner."""
    owner_ids = _member_ids_by_name(session, workspace_id) if filters.sort == "owner" else None
    return [*_archived_prefix(filters, filters.direction == "desc"), *_order(filters, owner_ids)]


def list_partners(session: Session, workspace_id: int, filters: PartnerFilters, per_page: int = 25) -> Page:
    """One page of partners with owner name and contact count, in two queries whatever the size (three
    sorted by owner). Browsing: a count capped at COUNT_CAP + 1 (index-only, ix_partner_ws_filters),
    then the page's rows, picked from an index in sort order. Searching has to read every name, so
    one pass collects the ids of the first COUNT_CAP + 1 matches in order (their number is the
    total, the page a slice of them), then the page's rows are loaded by id."""
    where = filtered_partners(workspace_id, filters, session.get_bind().dialect.name, session)
    descending = filters.direction == "desc"
    prefix = _archived_prefix(filters, descending)
    page = max(1, filters.page)
    first = (page - 1) * per_page
    owner_ids = _member_ids_by_name(session, workspace_id) if filters.sort == "owner" else None
    order = _order(filters, owner_ids)
    if owner_ids is not None:

        def ids_query(limit, offset):
            return _ids_sorted_by_owner(where, owner_ids, descending, limit, offset, prefix)
    else:

        def ids_query(limit, offset):
            return select(Partner.id).where(where).order_by(*prefix, *order).limit(limit).offset(offset)

    rows_stmt = (
        select(Partner, User.name.label("owner_name"), Partner.contact_count.label("contact_count"))
        .outerjoin(User, User.id == Partner.owner_id)
        .order_by(*order)
    )

    if filters.q.strip() and first + per_page <= COUNT_CAP:
        ids = list(session.scalars(ids_query(COUNT_CAP + 1, 0)))
        total, has_more = len(ids), len(ids) > first + per_page
        page_ids = ids[first : first + per_page]
        rows = session.execute(rows_stmt.where(Partner.id.in_(page_ids))).all() if page_ids else []
    else:
        total = session.scalar(
            select(func.count()).select_from(select(Partner.id).where(where).limit(COUNT_CAP + 1).subquery())
        )
        rows = session.execute(rows_stmt.where(Partner.id.in_(ids_query(per_page + 1, first).scalar_subquery()))).all()
        has_more = len(rows) > per_page
        rows = rows[:per_page]
    if total > COUNT_CAP:
        return Page(items=rows, total=COUNT_CAP, page=page, per_page=per_page, capped=True, has_more=has_more)
    return Page(items=rows, total=total, page=page, per_page=per_page)


def _apply(partner: Partner, data: dict) -> None:
    for name in PARTNER_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
                if name != "name":
                    value = value or None
            setattr(partner, name, value)
    if not partner.no_prospects:
        partner.no_prospects_reason = None
    elif not (partner.no_prospects_reason or "").strip():
        raise ServiceError("Say why this partner has no prospects, so the team knows.", field="no_prospects_reason")


DEFAULT_SOURCE = "direct"  # what the form starts with


def source_given_referrer(source: str, *, referrer_added: bool, chosen: bool) -> str:
    """A partner someone referred came by referral: a referrer chosen while the source is still the
    form's default makes it "referral", unless the user picked that default on purpose."""
    return "referral" if referrer_added and not chosen and source == DEFAULT_SOURCE else source


def partners_named(session: Session, workspace_id: int, name: str, limit: int = 3) -> list[Partner]:
    """Partners of the workspace with this name (case and surrounding spaces aside), archived ones
    too (not those merged away): shown before a second one of the name is added."""
    return list(
        session.scalars(
            select(Partner)
            .where(
                Partner.workspace_id == workspace_id,
                Partner.name_key == name.strip().lower(),
                Partner.merged_into_id.is_(None),
            )
            .order_by(Partner.archived_at.is_not(None), Partner.id)
            .limit(limit)
        )
    )


def create_partner(session: Session, workspace_id: int, data: dict, now: datetime) -> Partner:
    check_owner(session, workspace_id, data.get("owner_id"))
    partner = Partner(workspace_id=workspace_id, created_at=now, updated_at=now)
    _apply(partner, data)
    session.add(partner)
    session.flush()
    return partner


def update_partner(session: Session, partner: Partner, data: dict, now: datetime) -> Partner:
    check_owner(session, partner.workspace_id, data.get("owner_id"))
    _apply(partner, data)
    partner.updated_at = now
    session.flush()
    return partner


def archive_partner(partner: Partner, now: datetime) -> None:
    if partner.archived_at is None:
        partner.archived_at = now


def restore_partner(partner: Partner) -> None:
    partner.archived_at = None


# --- hard delete ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entries:
    """Commission entries of one status: how many, and their sum per currency (by currency code)."""

    count: int = 0
    amounts: tuple[tuple[str, Decimal], ...] = ()

    def spelled(self) -> str:
        return ", ".join(f"{currency} {amount}" for currency, amount in self.amounts)


@dataclass(frozen=True)
class DeleteImpact:
    """The commission entries a partner's hard delete would take with it (as referrer, or through
    its deals): the paid ones forbid it, the owed ones go with the partner."""

    paid: Entries
    owed: Entries


class KeepsPaidMoney(ServiceError):
    """The partner has paid commission entries: it can be archived, never deleted."""

    def __init__(self, impact: DeleteImpact):
        super().__init__(
            N_plural(
                "This partner has %(num)s paid commission entry (%(amounts)s); archive it instead.",
                "This partner has %(num)s paid commission entries (%(amounts)s); archive it instead.",
                impact.paid.count,
            ),
            field="confirm_name",
            amounts=impact.paid.spelled(),
        )
        self.impact = impact


def _entries_of(partner: Partner):
    deals = select(Deal.id).where(Deal.partner_id == partner.id)
    return and_(
        Commission.workspace_id == partner.workspace_id,
        or_(Commission.referrer_id == partner.id, Commission.deal_id.in_(deals)),
    )


def delete_impact(session: Session, partner: Partner) -> DeleteImpact:
    """What deleting the partner would do to the ledger (one grouped query)."""
    rows = session.execute(
        select(Commission.status, Commission.currency, func.count(), func.sum(Commission.amount))
        .where(_entries_of(partner))
        .group_by(Commission.status, Commission.currency)
        .order_by(Commission.currency)
    ).all()

    def entries(status: str) -> Entries:
        mine = [(currency, as_money(total)) for kind, currency, _, total in rows if kind == status]
        return Entries(sum(n for kind, _, n, _ in rows if kind == status), tuple(mine))

    return DeleteImpact(paid=entries("paid"), owed=entries("owed"))


def _lock_for_delete(session: Session, partner: Partner) -> None:
    """Lock the partner, its deals and the entries its deletion takes, in that order (touches and
    contacts being added, deals moving, entries being paid: each either finishes first and is seen
    here, or waits and then finds the partner gone)."""
    if session.scalar(locked(select(Partner.id).where(Partner.id == partner.id))) is None:
        raise Gone()
    session.execute(locked(select(Deal.id).where(Deal.partner_id == partner.id).order_by(Deal.id)))
    session.execute(locked(select(Commission.id).where(_entries_of(partner)).order_by(Commission.id)))


def delete_partner(session: Session, partner: Partner, typed_name: str) -> None:
    """Hard delete, only after the exact name was typed (the caller checks the role), and never of
    a partner with paid commission entries: paid money stays on the ledger (archive instead)."""
    if (typed_name or "").strip() != partner.name.strip():
        raise ServiceError("Type the partner's name exactly as shown to confirm.", field="confirm_name")
    _lock_for_delete(session, partner)
    impact = delete_impact(session, partner)
    if impact.paid.count:
        raise KeepsPaidMoney(impact)
    session.delete(partner)
    session.flush()
