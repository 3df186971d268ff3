"""One page of a workspace's Trash, newest first: two queries (the page and the count) whatever
its size, the partner, the deleting member and a touch's kind and date joined in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import Interaction, Partner, TrashEntry, User
from app.services.pagination import Page


@dataclass(frozen=True)
class TrashItem:
    id: int
    kind: str  # contact | interaction | reminder
    label: str
    partner_id: int | None
    partner_name: str | None
    deleted_at: datetime
    deleted_by: str | None  # None: unknown (or the member's account is gone)
    touch_kind: str | None  # an interaction's kind (call, note, …)
    occurred_at: datetime | None  # when an interaction happened


def trash_page(session: Session, workspace_id: int, *, page: int = 1, per_page: int = 20) -> Page:
    mine = TrashEntry.workspace_id == workspace_id
    total = session.scalar(select(func.count()).select_from(TrashEntry).where(mine)) or 0
    rows = session.execute(
        select(
            TrashEntry.id,
            TrashEntry.kind,
            TrashEntry.label,
            TrashEntry.partner_id,
            Partner.name,
            TrashEntry.deleted_at,
            User.name,
            Interaction.kind,
            Interaction.occurred_at,
        )
        .outerjoin(Partner, Partner.id == TrashEntry.partner_id)
        .outerjoin(User, User.id == TrashEntry.deleted_by_id)
        .outerjoin(Interaction, and_(TrashEntry.kind == "interaction", Interaction.id == TrashEntry.item_id))
        .where(mine)
        .order_by(TrashEntry.deleted_at.desc(), TrashEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page([TrashItem(*row) for row in rows], total, page, per_page)
