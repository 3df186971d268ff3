"""Partners: the partner book, its list query, archive/restore and hard delete."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import Contact, Partner, User
from app.services import ServiceError

PARTNER_FIELDS = ("name", "kind", "status", "tier", "owner_id", "source", "website", "notes",
                  "no_prospects", "no_prospects_reason")

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


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    # capped: `total` is a lower bound (counting stopped there); has_more then says if a next page exists
    capped: bool = False
    has_more: bool | None = None
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, ceil(self.total / self.per_page)) if self.per_page else 1
        if self.capped:
            self.pages = max(self.pages, self.page + (1 if self.has_more else 0))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        if self.has_more is not None:
            return self.has_more
        return self.page < self.pages


def like_pattern(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The list counts matching partners only up to this many ("1,000+ partners"): an exact count of a
# 50,000-partner book would read every row on every page view, and nobody pages that far.
COUNT_CAP = 1000


def filtered_partners(workspace_id: int, filters: PartnerFilters):
    """The WHERE part of the partner list, shared by the page query and its count."""
    conditions = [Partner.workspace_id == workspace_id]
    if filters.archived == "no":
        conditions.append(Partner.archived_at.is_(None))
    elif filters.archived == "only":
        conditions.append(Partner.archived_at.is_not(None))
    for column, value in ((Partner.status, filters.status), (Partner.tier, filters.tier),
                          (Partner.source, filters.source)):
        if value:
            conditions.append(column == value)
    if filters.owner_id:
        conditions.append(Partner.owner_id == filters.owner_id)
    if filters.q.strip():
        pattern = like_pattern(filters.q)
        # One pass over the workspace's contacts (a covering index), not one lookup per partner.
        # Emails are stored lower-cased by the contacts service.
        matching_contacts = select(Contact.partner_id).where(
            Contact.workspace_id == workspace_id,
            Contact.removed_at.is_(None),
            or_(func.lower(Contact.name).like(pattern, escape="\\"), Contact.email.like(pattern, escape="\\")),
        )
        conditions.append(or_(Partner.name_key.like(pattern, escape="\\"), Partner.id.in_(matching_contacts)))
    return and_(*conditions)


def _owner_rank(session: Session, workspace_id: int, descending: bool):
    """Sort key for the owner column: the members' position by name (a few rows, one query), so the
    page is picked from an index on owner_id instead of sorting every partner by a joined name.
    Partners without an owner come last in both directions."""
    from app.models import Membership

    owner_ids = list(session.scalars(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id).order_by(User.name, User.id)
    ))
    if descending:
        owner_ids.reverse()
    whens = {owner_id: rank for rank, owner_id in enumerate(owner_ids)}
    # owners who have left the workspace after the members; nobody last
    return case(whens, value=Partner.owner_id, else_=len(owner_ids)) if whens else None, \
        case((Partner.owner_id.is_(None), 1), else_=0)


def list_partners(session: Session, workspace_id: int, filters: PartnerFilters, per_page: int = 25) -> Page:
    """One page of partners with owner name and contact count in two queries (three sorted by owner)
    whatever the size: a capped count, and the page's rows picked by id from an index-ordered subquery."""
    where = filtered_partners(workspace_id, filters)
    matching = select(Partner.id).where(where).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(matching))
    capped = total > COUNT_CAP

    descending = filters.direction == "desc"
    if filters.sort == "owner":
        rank, nobody_last = _owner_rank(session, workspace_id, descending)
        order = [nobody_last] + ([rank] if rank is not None else [])
    else:
        column = SORTS.get(filters.sort, Partner.name_key)
        order = [column.desc() if descending else column.asc()]
    # ties broken by id in the same direction, so an index on (…, column) serves the whole order
    order.append(Partner.id.desc() if descending else Partner.id.asc())

    page = max(1, filters.page)
    # the page's ids come from an index where the sort allows; one more than a page tells if there is a next
    page_ids = select(Partner.id).where(where).order_by(*order).limit(per_page + 1).offset((page - 1) * per_page)
    rows = session.execute(
        select(Partner, User.name.label("owner_name"), Partner.contact_count.label("contact_count"))
        .outerjoin(User, User.id == Partner.owner_id)
        .where(Partner.id.in_(page_ids.scalar_subquery()))
        .order_by(*order)
    ).all()
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    if capped:
        return Page(items=rows, total=COUNT_CAP, page=page, per_page=per_page, capped=True, has_more=has_more)
    return Page(items=rows, total=total, page=page, per_page=per_page)


def _check_owner(session: Session, workspace_id: int, owner_id: int | None) -> None:
    from app.models import Membership

    if owner_id is None:
        return
    found = session.scalar(
        select(Membership.id).where(Membership.workspace_id == workspace_id, Membership.user_id == owner_id)
    )
    if found is None:
        raise ServiceError("The owner must be a member of this workspace.", field="owner_id")


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


def create_partner(session: Session, workspace_id: int, data: dict, now: datetime) -> Partner:
    _check_owner(session, workspace_id, data.get("owner_id"))
    partner = Partner(workspace_id=workspace_id, created_at=now, updated_at=now)
    _apply(partner, data)
    session.add(partner)
    session.flush()
    return partner


def update_partner(session: Session, partner: Partner, data: dict, now: datetime) -> Partner:
    _check_owner(session, partner.workspace_id, data.get("owner_id"))
    _apply(partner, data)
    partner.updated_at = now
    session.flush()
    return partner


def archive_partner(partner: Partner, now: datetime) -> None:
    if partner.archived_at is None:
        partner.archived_at = now


def restore_partner(partner: Partner) -> None:
    partner.archived_at = None


def delete_partner(session: Session, partner: Partner, typed_name: str) -> None:
    """Hard delete, only after the exact name was typed (the caller checks the role)."""
    if (typed_name or "").strip() != partner.name.strip():
        raise ServiceError("Type the partner's name exactly as shown to confirm.", field="confirm_name")
    session.delete(partner)
    session.flush()
