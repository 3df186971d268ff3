"""TrashEntry: a deleted contact, interaction or reminder, restorable for TRASH_DAYS.

A contact or an interaction stays in its table, marked (removed_at / deleted_at); its entry says
who deleted it and when. A reminder leaves its table (nothing that reads reminders has to skip
deleted ones): its entry keeps the row's values (`payload`) and a restore puts it back under its id
(or a new one, when SQLite gave that id to a new reminder meanwhile).
Deleting the partner deletes its entries (the items go with it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class TrashEntry(db.Model):
    __tablename__ = "trash_entry"
    __table_args__ = (
        # an item's entry, dropped when it comes back another way (not unique: SQLite may give a new
        # reminder the id of one in the Trash)
        Index("ix_trash_entry_item", "kind", "item_id"),
        # the Trash page, newest first (ends with id, its tie-breaker)
        Index("ix_trash_entry_ws_deleted", "workspace_id", "deleted_at", "id"),
        # the purge of old entries across workspaces
        Index("ix_trash_entry_deleted", "deleted_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by ix_trash_entry_ws_deleted
    workspace_id: Mapped[int] = mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # contact | interaction | reminder
    item_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))  # the contact's name, the reminder's title, the touch's summary
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    payload: Mapped[dict | None] = mapped_column(JSON)  # a reminder's column values
