"""Changing the email address one logs in with: confirmed by a link mailed to the new address (valid
24 hours, single use, only its hash stored); the old address gets a notice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from app.messages import N_
from app.models import EmailChangeToken, User
from app.services import ServiceError
from app.services.accounts import find_user_by_email, normalise_email
from app.services.locking import lock
from app.services.tokens import hash_token, new_token

CHANGE_VALID_FOR = timedelta(hours=24)
EMAIL_TAKEN = N_("That email address is already used by another account.")
LINK_NOT_VALID = N_("This confirmation link has expired or was already used. Ask for the change again.")


def request_change(
    session: Session, user: User, new_email: str, current_password: str, now: datetime
) -> tuple[str, str]:
    """Check the password and the new address; returns the token for the link and the address to mail it to."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise ServiceError("The current password is not right.", field="current_password")
    email = normalise_email(new_email)
    if email == user.email:
        raise ServiceError("That is already your email address.", field="new_email")
    if find_user_by_email(session, email) is not None:
        raise ServiceError(EMAIL_TAKEN, field="new_email")
    token, token_hash = new_token()
    session.add(
        EmailChangeToken(
            user_id=user.id, new_email=email, token_hash=token_hash, created_at=now, expires_at=now + CHANGE_VALID_FOR
        )
    )
    return token, email


def _open(now: datetime):
    """The SQL condition of a change that can still be confirmed: not used or cancelled, not expired."""
    return and_(EmailChangeToken.used_at.is_(None), EmailChangeToken.expires_at > now)


def confirm_change(session: Session, token: str, now: datetime) -> tuple[User, str]:
    """Use the token once and change the address; returns the user and the old address."""
    used = session.execute(
        update(EmailChangeToken)
        .where(EmailChangeToken.token_hash == hash_token(token or ""), _open(now))
        .values(used_at=now)
        .returning(EmailChangeToken.user_id, EmailChangeToken.new_email)
    ).first()
    if used is None:
        raise ServiceError(LINK_NOT_VALID)
    user = session.get(User, used.user_id)
    lock(session, user)
    old_email = user.email
    if find_user_by_email(session, used.new_email) not in (None, user):
        raise ServiceError(EMAIL_TAKEN)
    try:
        with session.begin_nested():  # an account that took it a moment ago: the unique email refuses
            user.email = used.new_email
            session.flush()
    except IntegrityError:
        raise ServiceError(EMAIL_TAKEN) from None
    cancel_pending(session, user.id, now)
    return user, old_email


def find_open(session: Session, token: str, now: datetime) -> EmailChangeToken | None:
    """The change a link names while it can still be confirmed (the confirmation page), else None."""
    return session.scalar(
        select(EmailChangeToken).where(EmailChangeToken.token_hash == hash_token(token or ""), _open(now))
    )


def cancel_pending(session: Session, user_id: int, now: datetime) -> int:
    """Every change of the user still waiting for its confirmation stops working (the owner cancelled
    it, or secured the account: a password change or reset, logging out everywhere else)."""
    return session.execute(
        update(EmailChangeToken)
        .where(EmailChangeToken.user_id == user_id, EmailChangeToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount


def pending(session: Session, user_id: int, now: datetime) -> EmailChangeToken | None:
    """The newest change still waiting for its confirmation."""
    return session.scalar(
        select(EmailChangeToken)
        .where(EmailChangeToken.user_id == user_id, _open(now))
        .order_by(EmailChangeToken.id.desc())
        .limit(1)
    )
