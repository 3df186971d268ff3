"""Password reset by email: a single-use link valid for an hour; only the token's hash is stored.
Setting the new password ends every session of the user."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.messages import N_
from app.models import PasswordResetToken, User
from app.services import ServiceError, email_change, sessions
from app.services.accounts import find_user_by_email
from app.services.locking import lock
from app.services.tokens import hash_token, new_token

RESET_VALID_FOR = timedelta(hours=1)
LINK_NOT_VALID = N_("This reset link has expired or was already used. Ask for a new one.")


def request_reset(session: Session, email: str, now: datetime) -> tuple[User, str] | None:
    """A new reset token for the account with `email` (its user and the token for the link), or
    None when no account has it: the caller answers the same either way."""
    user = find_user_by_email(session, email)
    if user is None:
        return None
    token, token_hash = new_token()
    session.add(
        PasswordResetToken(user_id=user.id, token_hash=token_hash, created_at=now, expires_at=now + RESET_VALID_FOR)
    )
    return user, token


def find_valid(session: Session, token: str, now: datetime) -> PasswordResetToken | None:
    return session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
    )


def reset_password(session: Session, token: str, new_password: str, now: datetime, hash_method: str) -> User:
    """Use the token (once: a conditional update, so two tries at once cannot both win), set the
    password, end every session and every other open reset link of the user."""
    used = session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordResetToken.user_id)
    ).first()
    if used is None:
        raise ServiceError(LINK_NOT_VALID)
    user = session.get(User, used.user_id)
    lock(session, user)
    user.password_hash = generate_password_hash(new_password, method=hash_method)
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    sessions.end_all(session, user.id, now)
    email_change.cancel_pending(session, user.id, now)  # one asked from a stolen session goes too
    return user
