"""Who a message is between: the workspace's contacts (by email, case-insensitive, plus-addressing
folded), its own people (the members), the ignore list; and unknown addresses at a partner's
website domain, offered as "new contact?".

The workspace is read once per batch (`load_context`): the rest is dictionary look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, Membership, Partner, User
from app.models.email_log import MailSuggestion
from app.services.mail_log import ignore
from app.services.mail_log.parsing import Parsed

# web mail providers: a partner whose "website" is one of these says nothing about its people
PUBLIC_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "proton.me",
        "protonmail.com",
    }
)


def fold(address: str) -> str:
    """The address as compared: lower case, "+tag" dropped from the local part."""
    local, _at, domain = (address or "").strip().lower().rpartition("@")
    if not local:
        return (address or "").strip().lower()
    return f"{local.split('+', 1)[0]}@{domain}"


def website_domain(website: str | None) -> str | None:
    text = (website or "").strip().lower()
    if not text:
        return None
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    host = host.removeprefix("www.")
    if "." not in host or host in PUBLIC_DOMAINS:
        return None
    return host


@dataclass
class Context:
    workspace_id: int
    user_id: int
    contacts: dict[str, tuple[int, int]]  # folded email -> (contact id, partner id)
    people: set[str]  # the workspace's members' folded emails
    patterns: list[str]
    domains: dict[str, int]  # a partner's website domain -> partner id (one partner per domain)
    known_suggestions: set[str] = field(default_factory=set)  # addresses suggested before (any status)
    merged: dict[int, list[int]] = field(default_factory=dict)  # a partner -> the partners merged into it


def load_context(session: Session, workspace_id: int, user_id: int, own_addresses=()) -> Context:
    contacts: dict[str, tuple[int, int]] = {}
    rows = session.execute(
        select(Contact.email, Contact.id, Contact.partner_id)
        .join(Partner, Partner.id == Contact.partner_id)
        .where(
            Contact.workspace_id == workspace_id,
            Partner.workspace_id == workspace_id,
            Contact.removed_at.is_(None),
            Contact.email.is_not(None),
            Partner.merged_into_id.is_(None),
        )
        .order_by(Partner.archived_at.is_not(None), Contact.is_primary.desc(), Contact.id)
    )
    for email, contact_id, partner_id in rows:
        contacts.setdefault(fold(email), (contact_id, partner_id))
    people = {
        fold(email)
        for email in session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
        )
    }
    people.add(fold(session.get(User, user_id).email))
    people.update(fold(address) for address in own_addresses if "@" in address)
    own_domains = {address.rpartition("@")[2] for address in people}
    domains: dict[str, int] = {}
    for partner_id, website in session.execute(
        select(Partner.id, Partner.website)
        .where(Partner.workspace_id == workspace_id, Partner.website.is_not(None), Partner.archived_at.is_(None))
        .order_by(Partner.id)
    ):
        domain = website_domain(website)
        if domain and domain not in own_domains:
            domains.setdefault(domain, partner_id)
    known = set(session.scalars(select(MailSuggestion.email).where(MailSuggestion.workspace_id == workspace_id)))
    into = dict(
        session.execute(
            select(Partner.id, Partner.merged_into_id).where(
                Partner.workspace_id == workspace_id, Partner.merged_into_id.is_not(None)
            )
        ).all()
    )
    merged: dict[int, list[int]] = {}
    for partner_id in into:
        survivor, hops = into[partner_id], 0
        while survivor in into and hops < len(into):  # merged in turn: its own survivor
            survivor, hops = into[survivor], hops + 1
        merged.setdefault(survivor, []).append(partner_id)
    return Context(
        workspace_id=workspace_id,
        user_id=user_id,
        contacts=contacts,
        people=people,
        patterns=ignore.patterns(session, workspace_id),
        domains=domains,
        known_suggestions=known,
        merged=merged,
    )


@dataclass
class Touch:
    partner_id: int
    contact_id: int
    direction: str  # "theirs" (from the contact / their side) | "ours" (from us)


@dataclass
class Match:
    touches: list[Touch]  # one per partner involved, the first contact found of each
    suggestions: list[tuple[str, str, int]]  # (address, display name, partner id) of unknown people
    reason: str | None = None  # why nothing is logged: "internal", "ignored", "bulk", "no_contact"


def _partner_of_domain(context: Context, address: str) -> int | None:
    domain = address.rpartition("@")[2]
    while "." in domain:  # the domain or a parent of it: mail.example.com is example.com's
        if domain in context.domains:
            return context.domains[domain]
        domain = domain.partition(".")[2]
    return None


def match(context: Context, message: Parsed, *, sent_by_us: bool = False) -> Match:
    """What a message means for the workspace (see the module's docstring). `sent_by_us`: the
    user's own sent mail, whatever address it came from (an alias)."""
    senders = [(name, fold(a)) for name, a in message.sender]
    everyone = senders + [(name, fold(a)) for name, a in message.recipients]
    people = context.people | {a for _n, a in senders} if sent_by_us else context.people
    if everyone and all(a in people for _n, a in everyone):
        return Match([], [], "internal")
    if any(ignore.matches(a, context.patterns) for _n, a in senders):
        return Match([], [], "ignored")
    if message.bulk:
        return Match([], [], "bulk")
    from_us = any(a in people for _n, a in senders)
    touches: dict[int, Touch] = {}
    suggestions: dict[str, tuple[str, str, int]] = {}
    for position, (name, address) in enumerate(everyone):
        if address in people or ignore.matches(address, context.patterns):
            continue
        found = context.contacts.get(address)
        if found is not None:
            contact_id, partner_id = found
            if partner_id not in touches:
                theirs = position < len(senders) or not from_us
                touches[partner_id] = Touch(partner_id, contact_id, "theirs" if theirs else "ours")
            continue
        partner_id = _partner_of_domain(context, address)
        if partner_id is not None and address not in context.known_suggestions:
            suggestions.setdefault(address, (address, name, partner_id))
    reason = None if touches else "no_contact"
    return Match(list(touches.values()), list(suggestions.values()), reason)
