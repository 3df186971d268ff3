"""Browser sessions kept on the server: started at login, ended at logout, listed on the Security page.

The session cookie (and the remember-me cookie) carries "<user id>:<key>"; only the key's hash is
stored. A request is accepted while its row is live (app/auth/session.py joins it into the user
loader's one query). `last_seen_at` is written at most every TOUCH_EVERY, by a conditional UPDATE.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from app.models import User, UserSession
from app.services import Gone
from app.services.tokens import hash_token, new_token

TOUCH_EVERY = timedelta(minutes=5)


def live(now: datetime):
    """The SQL condition of a session that still lets its cookie in."""
    return and_(UserSession.revoked_at.is_(None), UserSession.expires_at > now)


def start(
    session: Session,
    user: User,
    *,
    now: datetime,
    lifetime: timedelta,
    remember: bool,
    user_agent: str = "",
    address: str = "",
) -> tuple[str, UserSession]:
    """A new session for `user`: returns the key for the cookie and its row."""
    key, key_hash = new_token()
    row = UserSession(
        user_id=user.id,
        key_hash=key_hash,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        remember=remember,
        device=device_summary(user_agent),
        address=(address or "")[:64],
    )
    session.add(row)
    return key, row


def key_hash(key: str) -> str:
    return hash_token(key)


def end_by_key(session: Session, user_id: int, key: str, now: datetime) -> None:
    """Revoke the session a cookie names (logout)."""
    session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user_id, UserSession.key_hash == hash_token(key), UserSession.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )


def end_one(session: Session, user_id: int, session_id: int, now: datetime) -> bool:
    """End one of the user's own sessions: False when it was already over; Gone when it is not theirs."""
    if (
        session.scalar(select(UserSession.id).where(UserSession.id == session_id, UserSession.user_id == user_id))
        is None
    ):
        raise Gone()
    result = session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user_id, live(now))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def end_all(session: Session, user_id: int, now: datetime, *, keep_id: int | None = None) -> int:
    """End every live session of the user (but `keep_id`'s): how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id, live(now))
    if keep_id is not None:
        query = query.where(UserSession.id != keep_id)
    return session.execute(query.values(revoked_at=now)).rowcount


def touch(session: Session, session_id: int, now: datetime) -> None:
    """Record that the session was seen now, unless that was written less than TOUCH_EVERY ago."""
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.last_seen_at < now - TOUCH_EVERY)
        .values(last_seen_at=now)
    )


def needs_touch(row: UserSession, now: datetime) -> bool:
    return row.last_seen_at < now - TOUCH_EVERY


def active(session: Session, user_id: int, now: datetime) -> list[UserSession]:
    """The user's live sessions, the most recently seen first."""
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user_id, live(now))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


_BROWSERS = (  # order matters: Edge and Opera also say Chrome, Chrome also says Safari
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("CriOS/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_summary(user_agent: str) -> str:
    """ "Firefox · Windows", from a User-Agent header; the first words of it when unknown."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    if browser and system:
        return f"{browser} · {system}"
    if browser or system:
        return browser or system
    return re.sub(r"[\x00-\x1f\x7f]", "", agent)[:60].strip()
