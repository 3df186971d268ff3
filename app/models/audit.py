"""AuditEvent: one recorded change — who made it, when, to which object, which fields from what to what.

Written only by the flush hooks of app/services/audit (in the same transaction as the change) and
never updated or deleted by the app, except by the retention prune (`flask audit prune`).

`partner_id` is the partner the object belongs to (the partner itself, a contact's, deal's, terms'
or reminder's partner, a commission's referrer), so a partner's whole history is one index range. It
has no foreign key on purpose: the history of a deleted partner stays in the workspace's log.
`changes` is {field: [old, new]} with JSON values (Decimal and dates as strings; money as
"1500.00 EUR"); secrets are never among the fields (app/services/audit/registry.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.messages import Text
from app.models.base import ShortTextForUser, UTCDateTime, WorkspaceScoped


class AuditEvent(WorkspaceScoped, db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        # newest first (by id) in each view: the workspace log, its member and type filters, a
        # partner's history, the date range
        Index("ix_audit_event_ws_id", "workspace_id", "id"),
        Index("ix_audit_event_ws_partner", "workspace_id", "partner_id", "id"),
        Index("ix_audit_event_ws_actor", "workspace_id", "actor_user_id", "id"),
        Index("ix_audit_event_ws_type", "workspace_id", "object_type", "id"),
        Index("ix_audit_event_ws_occurred", "workspace_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the indexes above (no separate index)
    workspace_id: Mapped[int] = mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # who: "user", "token" (an API token), "job" (an import or restore job), "cli", "system"
    actor_kind: Mapped[str] = mapped_column(String(8))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_token_id: Mapped[int | None] = mapped_column(Integer)  # kept after the token is deleted
    # as it was: the name, the token and its owner… (words as a text, shown in the reader's language)
    actor_label: Mapped[str | Text] = mapped_column(ShortTextForUser(300))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(300), default="")
    partner_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
