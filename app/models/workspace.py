"""Workspace, User, Membership and Invite: who may see what."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, WorkspaceScoped, utcnow
from app.models.two_factor import UserTwoFactor, WorkspaceTwoFactor

ROLE_OWNER = "owner"
ROLE_MEMBER = "member"
ROLES = (ROLE_OWNER, ROLE_MEMBER)


class Workspace(WorkspaceTwoFactor, Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    default_currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Contact cadence per tier, in days (used by the neglect rules)
    cadence_a_days: Mapped[int] = mapped_column(Integer, default=14)
    cadence_b_days: Mapped[int] = mapped_column(Integer, default=30)
    cadence_c_days: Mapped[int] = mapped_column(Integer, default=60)
    response_time_days: Mapped[int] = mapped_column(Integer, default=2)

    memberships: Mapped[list[Membership]] = relationship(back_populates="workspace", cascade="all, delete-orphan")

    def cadence_for_tier(self, tier: str) -> int:
        return {"A": self.cadence_a_days, "B": self.cadence_b_days}.get(tier, self.cadence_c_days)


class User(UserTwoFactor, UserMixin, Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    current_workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspace.id", ondelete="SET NULL"), nullable=True
    )

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )

    # The key of the browser session this object was loaded for (app/auth/signin.py, session.py);
    # Flask-Login keeps get_id() in the session and the remember cookie.
    session_key = None  # str

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key or ''}"


class Membership(WorkspaceScoped, Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)

    workspace: Mapped[Workspace] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])

    @property
    def is_owner(self) -> bool:
        return self.role == ROLE_OWNER


class Invite(WorkspaceScoped, db.Model):
    """A one-time link to join a workspace. Only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workspace: Mapped[Workspace] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def state(self, now: datetime) -> str:
        if self.revoked_at:
            return "revoked"
        if self.accepted_at:
            return "accepted"
        if self.expires_at <= now:
            return "expired"
        return "open"
