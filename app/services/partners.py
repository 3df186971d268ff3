"""Partners: the partner book, its list query, archive/restore and hard delete."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from sqlalchemy import and_, exists, func, or_, select
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
    "contacts": None,  # the contact-count column, resolved in list_partners
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
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def like_pattern(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contact_count_column():
    """Number of current contacts of each partner, as a correlated subquery."""
    return (
        select(func.count(Contact.id))
        .where(Contact.partner_id == Partner.id, Contact.removed_at.is_(None))
        .correlate(Partner)
        .scalar_subquery()
    )


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
        contact_match = exists().where(
            Contact.partner_id == Partner.id,
            Contact.removed_at.is_(None),
            or_(func.lower(Contact.name).like(pattern, escape="\\"),
                func.lower(Contact.email).like(pattern, escape="\\")),
        )
        conditions.append(or_(Partner.name_key.like(pattern, escape="\\"), contact_match))
    return and_(*conditions)


def list_partners(session: Session, workspace_id: int, filters: PartnerFilters, per_page: int = 25) -> Page:
    """One page of partners with owner name and contact count: two queries whatever the size."""
    where = filtered_partners(workspace_id, filters)
    total = session.scalar(select(func.count(Partner.id)).where(where))
    contacts = contact_count_column().label("contact_count")
    sort_column = SORTS.get(filters.sort, Partner.name_key)
    if sort_column is None:
        sort_column = contacts
    order = sort_column.desc() if filters.direction == "desc" else sort_column.asc()
    page = max(1, filters.page)
    stmt = (
        select(Partner, User.name.label("owner_name"), contacts)
        .outerjoin(User, User.id == Partner.owner_id)
        .where(where)
        .order_by(order, Partner.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = session.execute(stmt).all()
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
