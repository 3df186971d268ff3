"""The ignore list: addresses and patterns whose mail is never logged. Each workspace has the
defaults below (automatic senders: no-reply, bounces, newsletters) and adds its own.

A pattern is an address ("news@example.com"), a domain ("@example.com" or "example.com": the domain
and its subdomains) or a wildcard pattern ("*-noreply@*", "billing@*").
"""

from __future__ import annotations

import re
from datetime import datetime
from fnmatch import fnmatchcase

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.messages import N_plural
from app.models.email_log import MailIgnoreRule
from app.services import ServiceError

DEFAULT_PATTERNS = (
    "noreply@*",
    "no-reply@*",
    "no_reply@*",
    "*-noreply@*",
    "donotreply@*",
    "do-not-reply@*",
    "mailer-daemon@*",
    "postmaster@*",
    "bounce*@*",
    "newsletter@*",
    "newsletters@*",
    "notifications@*",
    "notification@*",
)
PATTERN_MAX = 254
_VALID = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~@\-\[\]]+$")


def normalise(pattern: str) -> str:
    """A pattern as stored and compared; ServiceError (field "pattern") for one that cannot match."""
    text = (pattern or "").strip().lower()
    if not text:
        raise ServiceError("Enter an address, a domain or a pattern such as *-noreply@*.", field="pattern")
    if len(text) > PATTERN_MAX:
        raise ServiceError(
            N_plural("Keep it under %(num)s character.", "Keep it under %(num)s characters.", PATTERN_MAX),
            field="pattern",
        )
    if not _VALID.match(text) or text.count("@") > 1 or text.strip("*@.") == "":
        raise ServiceError(
            "That is not an address, a domain or a pattern: e.g. news@example.com, @example.com or *-noreply@*.",
            field="pattern",
        )
    return text


def matches(address: str, patterns: list[str]) -> bool:
    """Whether a (folded) address is on the list of (normalised) patterns."""
    domain = address.rpartition("@")[2]
    for pattern in patterns:
        if "*" in pattern or "?" in pattern or "[" in pattern:
            if fnmatchcase(address, pattern):
                return True
        elif "@" not in pattern or pattern.startswith("@"):
            bare = pattern.lstrip("@")
            if domain == bare or domain.endswith("." + bare):
                return True
        elif address == pattern:
            return True
    return False


def workspace_rules(session: Session, workspace_id: int) -> list[MailIgnoreRule]:
    return list(
        session.scalars(
            select(MailIgnoreRule)
            .where(MailIgnoreRule.workspace_id == workspace_id)
            .order_by(MailIgnoreRule.pattern, MailIgnoreRule.id)
        )
    )


def patterns(session: Session, workspace_id: int) -> list[str]:
    """Every pattern that applies in the workspace: the defaults and its own."""
    own = session.scalars(select(MailIgnoreRule.pattern).where(MailIgnoreRule.workspace_id == workspace_id))
    return [*DEFAULT_PATTERNS, *own]


def add_rule(session: Session, workspace_id: int, pattern: str, *, actor_id: int | None, now: datetime) -> str:
    """Add a pattern; ServiceError when it is already on the list (also when a teammate just added it)."""
    text = normalise(pattern)
    if text in DEFAULT_PATTERNS:
        raise ServiceError("That one is on the list already (a default).", field="pattern")
    from app.services.mail_log.store import insert_ignoring_conflict

    added = insert_ignoring_conflict(
        session,
        MailIgnoreRule.__table__,
        {"workspace_id": workspace_id, "pattern": text, "created_by_id": actor_id, "created_at": now},
        ("workspace_id", "pattern"),
    )
    if added is None:
        raise ServiceError("That one is on the list already.", field="pattern")
    return text


def remove_rule(session: Session, workspace_id: int, rule_id: int) -> str | None:
    """Remove one of the workspace's patterns; its pattern, or None when it was not there (removed
    meanwhile, or another workspace's)."""
    pattern = session.scalar(
        delete(MailIgnoreRule)
        .where(MailIgnoreRule.id == rule_id, MailIgnoreRule.workspace_id == workspace_id)
        .returning(MailIgnoreRule.pattern)
    )
    return pattern
