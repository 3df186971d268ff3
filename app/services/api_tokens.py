"""Personal API tokens: create, authenticate, record use, revoke, list.

A token is `orch_` + 43 URL-safe characters (32 random bytes). Only its SHA-256 hex is stored, with
its first characters (`prefix`) to recognise it in lists; the plaintext is returned once by
create_token and never again. A token belongs to one user in one workspace and stops working when it
is revoked, when it expires (at 00:00 UTC on its expiry date), or when the user is no longer a member
of that workspace.

Last use: `touch` moves `last_used_at` at most once a minute with one conditional UPDATE whose row
count is checked, so concurrent requests with the same token write it once and never conflict. On
SQLite a GET runs in a read-only transaction (app/database.py begin_read_only_for), so the API calls
touch after the response in a short write transaction of its own, e.g.

    with db.session.begin():          # a fresh (IMMEDIATE on SQLite) write transaction
        touch(db.session, token, now)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.messages import N_plural
from app.models import ApiToken, Membership, User, Workspace
from app.models.api_token import SCOPE_READ, SCOPE_WRITE
from app.services import ServiceError, audit
from app.services.tokens import hash_token

SCOPES = (SCOPE_READ, SCOPE_WRITE)
TOKEN_PREFIX = "orch_"
TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
PREFIX_LENGTH = 12  # "orch_" and 7 characters: shown in lists
NAME_MAX = 100
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiCaller:
    """Who a valid bearer token speaks for."""

    token: ApiToken
    user: User
    membership: Membership
    workspace: Workspace


def _new_plaintext() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def expiry_moment(expires_on: date) -> datetime:
    """When a token with this expiry date stops working: 00:00 UTC that day."""
    return datetime.combine(expires_on, time(0), tzinfo=UTC)


def create_token(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    name: str,
    scope: str,
    expires_on: date | None,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new token for the user in the workspace. Returns it and its plaintext, which is not stored
    anywhere: show it once."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the token a name.", field="name")
    if len(name) > NAME_MAX:
        raise ServiceError(
            N_plural("Keep the name under %(num)s character.", "Keep the name under %(num)s characters.", NAME_MAX + 1),
            field="name",
        )
    if scope not in SCOPES:
        raise ServiceError("Choose read, or read and write.", field="scope")
    expires_at = None
    if expires_on is not None:
        expires_at = expiry_moment(expires_on)
        if expires_at <= now:
            raise ServiceError("Choose an expiry date in the future.", field="expires_on")
    plaintext = _new_plaintext()
    token = ApiToken(
        workspace_id=workspace_id,
        user_id=user_id,
        name=name,
        scope=scope,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:PREFIX_LENGTH],
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return token, plaintext


def authenticate(session: Session, plaintext: str, now: datetime) -> ApiCaller | None:
    """The caller a bearer token speaks for, in one query; None when the token is malformed,
    unknown, revoked or expired, or its user is no longer a member of its workspace."""
    if not plaintext or len(plaintext) != TOKEN_LENGTH or not plaintext.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(
        select(ApiToken, User, Membership, Workspace)
        .join(User, User.id == ApiToken.user_id)
        .join(Membership, (Membership.workspace_id == ApiToken.workspace_id) & (Membership.user_id == User.id))
        .join(Workspace, Workspace.id == ApiToken.workspace_id)
        .where(
            ApiToken.token_hash == hash_token(plaintext),
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
        )
    ).first()
    return None if row is None else ApiCaller(*row)


def touch(session: Session, token: ApiToken, now: datetime) -> bool:
    """Record that the token was used now, unless that was already recorded less than a minute ago.
    One conditional UPDATE; returns whether it wrote."""
    result = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.flush()
    if token in session:
        session.expire(token, ["last_used_at"])
    return True


def revoke_token(session: Session, token: ApiToken, now: datetime) -> bool:
    """Revoke the token (it stops working at once). Revoking a revoked token changes nothing;
    returns whether this call revoked it."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        audit.record(session, token, "revoked", {"revoked_at": (None, now)})
    if token in session:
        session.expire(token, ["revoked_at"])
    return result.rowcount == 1


def _listed(stmt):
    return stmt.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())


def tokens_of_user(session: Session, workspace_id: int, user_id: int) -> list[ApiToken]:
    """The user's tokens in the workspace, live ones first, newest first."""
    return list(
        session.scalars(
            _listed(select(ApiToken).where(ApiToken.workspace_id == workspace_id, ApiToken.user_id == user_id))
        )
    )


def tokens_of_workspace(session: Session, workspace_id: int) -> list[ApiToken]:
    """Every token in the workspace with its user loaded (for owners), live ones first: one query."""
    return list(
        session.scalars(
            _listed(select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.workspace_id == workspace_id))
        )
    )


def get_token(session: Session, workspace_id: int, token_id: int) -> ApiToken | None:
    """The token with this id in the workspace, or None (another workspace's id finds nothing)."""
    return session.scalar(select(ApiToken).where(ApiToken.workspace_id == workspace_id, ApiToken.id == token_id))
