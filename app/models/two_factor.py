"""Two-factor authentication: the TOTP columns of a user, the workspace's requirement and the
user's one-time recovery codes (only their hashes are stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class UserTwoFactor:
    """The columns User gets: the secret in use, the one waiting for its first code (kept here, not
    trusted from the form), when it was turned on, and the last time-step a code was used for (a
    code is accepted once: its step must be later than this one)."""

    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_enabled_at is not None


class WorkspaceTwoFactor:
    """The column Workspace gets: every member must have two-factor authentication."""

    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RecoveryCode(db.Model):
    __tablename__ = "two_factor_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
