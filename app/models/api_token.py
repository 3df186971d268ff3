"""Personal API tokens: a user's bearer credential for one workspace, stored as a hash only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped, utcnow
from app.models.workspace import User

SCOPE_READ = "read"
SCOPE_WRITE = "write"  # read and write


class ApiToken(WorkspaceScoped, db.Model):
    """A token `orch_<43 urlsafe chars>` for one user in one workspace. Only its SHA-256 hex is kept;
    `prefix` (its first characters) identifies it in lists. Revoked or expired tokens stay listed."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8), default=SCOPE_READ)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == SCOPE_WRITE

    def state(self, now: datetime) -> str:
        """ "revoked", "expired" or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
