"""Duplicates of an import's rows: in the book (the workspace's partners) and earlier in the file.

A row matches by the strongest evidence, in this order: its Orchard ID (an Orchard export of this
workspace), a contact's email (exact, case-insensitive), the website's domain (matched against
the book's websites and its contacts' email domains) or a contact email's domain (matched against
websites only: people of two partners writing from one mail host are not one partner; a domain several
partners share says nothing — the rule of the possible-duplicates page too), its name (the same name key, else a similar one:
app/services/matching.py's similar_names and SIMILAR_NAME_SCORE). It is matched against the book
and against the rows before it; the stronger match wins, the earlier row on a tie.

The book is read once per preview (`Book.load`: two queries, whatever the number of rows) and
indexed in dicts; names are compared only within blocks — the partners sharing the first three
letters of one of the key's rarer words — so 10,000 rows against 50,000 partners stay quick.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, Partner
from app.services.matching import domain_of, email_key, name_key, similar_names, similarity

# An Orchard ID in a file counts as this partner only when the names agree at least this much: an
# export of another workspace carries ids that mean other partners here.
ID_NAME_SCORE = 60.0
# Name blocks larger than this (a word many names share) are not searched when a rarer word has one.
BLOCK_LIMIT = 500


@dataclass(frozen=True)
class Match:
    target: int  # a partner id (in the book) or a row number (in the file)
    reason: str  # id | email | domain | name
    score: float = 100.0

    @property
    def strength(self) -> int:
        return ("id", "email", "domain", "name").index(self.reason)


def stronger(in_file: Match | None, in_book: Match | None) -> Match | None:
    """Which match a row takes: the stronger kind of evidence, the earlier row on a tie (its
    partner is the same one)."""
    if in_file is None or in_book is None:
        return in_file or in_book
    return in_file if in_file.strength <= in_book.strength else in_book


def _blocks_of(key: str) -> set[str]:
    return {word[:3] for word in key.split()}


def row_emails(parsed: dict) -> list[str]:
    return [c["email"] for c in parsed.get("contacts", []) if c.get("email")]


@dataclass(frozen=True)
class Domains:
    sites: tuple[str, ...] = ()  # the partner's website
    mail: tuple[str, ...] = ()  # its contacts' email domains

    @classmethod
    def of(cls, website: str | None, emails) -> Domains:
        site = domain_of(website)
        mail = dict.fromkeys(d for d in (domain_of(e) for e in emails) if d and d != site)
        return cls((site,) if site else (), tuple(mail))


def row_domains(parsed: dict) -> Domains:
    return Domains.of(parsed["partner"].get("website"), row_emails(parsed))


@dataclass
class NameIndex:
    """Keys to ids, exact and by blocks for similar names."""

    keys: dict[int, str] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    blocks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, ident: int, key: str) -> None:
        if not key:
            return
        self.keys[ident] = key
        self.by_key[key].append(ident)
        for block in _blocks_of(key):
            self.blocks[block].append(ident)

    def find(self, key: str) -> Match | None:
        if not key:
            return None
        if self.by_key.get(key):
            return Match(self.by_key[key][0], "name", 100.0)
        blocks = sorted((self.blocks.get(block, ()) for block in _blocks_of(key)), key=len)
        # a common word ("studio") makes a block of thousands that says little: the rarer words
        # decide (a name alike enough shares at least one of them), the smallest block at least
        chosen = [ids for ids in blocks if len(ids) <= BLOCK_LIMIT] or blocks[:1]
        candidates = {ident: self.keys[ident] for ids in chosen for ident in ids}
        found = similar_names(key, candidates, limit=1)
        return Match(found[0][0], "name", round(found[0][1], 1)) if found else None


@dataclass
class Index:
    """Emails, domains and names of partners (the book) or of rows (the file) → their id/number."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_site: dict[str, int] = field(default_factory=dict)  # website domains
    by_domain: dict[str, int] = field(default_factory=dict)  # website and email domains
    shared_domains: set[str] = field(default_factory=set)  # of several partners: says nothing
    names: NameIndex = field(default_factory=NameIndex)

    def add(self, ident: int, key: str, emails=(), domains: Domains = Domains()) -> None:
        for address in emails:
            self.by_email.setdefault(address, ident)
        for domain in domains.sites:
            self.by_site.setdefault(domain, ident)
        for domain in (*domains.sites, *domains.mail):
            if self.by_domain.setdefault(domain, ident) != ident:
                self.shared_domains.add(domain)
        self.names.add(ident, key)

    def find(self, key: str, emails, domains: Domains) -> Match | None:
        for address in emails:
            if address in self.by_email:
                return Match(self.by_email[address], "email")
        for domain, where in [(d, self.by_domain) for d in domains.sites] + [(d, self.by_site) for d in domains.mail]:
            if domain in where and domain not in self.shared_domains:
                return Match(where[domain], "domain")
        return self.names.find(key)


@dataclass
class Book:
    """A workspace's partners as the import needs them, read in two queries."""

    names: dict[int, str] = field(default_factory=dict)  # id -> name
    archived: set[int] = field(default_factory=set)
    parents: dict[int, int | None] = field(default_factory=dict)  # id -> referred_by_id
    index: Index = field(default_factory=Index)
    contact_by_email: dict[str, tuple[int, int]] = field(default_factory=dict)  # email -> (contact, partner)

    @classmethod
    def load(cls, session: Session, workspace_id: int) -> Book:
        book = cls()
        partners = session.execute(
            select(Partner.id, Partner.name, Partner.website, Partner.referred_by_id, Partner.archived_at.is_not(None))
            .where(Partner.workspace_id == workspace_id)
            .order_by(Partner.id)
        ).all()
        emails: dict[int, list[str]] = defaultdict(list)
        for contact_id, partner_id, address in session.execute(
            select(Contact.id, Contact.partner_id, Contact.email)
            .where(Contact.workspace_id == workspace_id, Contact.removed_at.is_(None), Contact.email.is_not(None))
            .order_by(Contact.partner_id, Contact.id)
        ):
            address = email_key(address)
            if address:
                emails[partner_id].append(address)
                book.contact_by_email.setdefault(address, (contact_id, partner_id))
        for partner_id, name, website, parent, archived in partners:
            book.names[partner_id] = name
            if archived:
                book.archived.add(partner_id)
            book.parents[partner_id] = parent
            mine = emails.get(partner_id, [])
            book.index.add(partner_id, name_key(name), mine, Domains.of(website, mine))
        return book

    def by_id(self, value: str | None, key: str) -> Match | None:
        """The partner an Orchard ID names, when it is one of this workspace's and the names agree."""
        text = (value or "").strip()
        if not text.isdigit() or int(text) not in self.names:
            return None
        partner_id = int(text)
        known = name_key(self.names[partner_id])
        if key and similarity(key, known) < ID_NAME_SCORE:
            return None
        return Match(partner_id, "id")

    def match(self, parsed: dict) -> Match | None:
        key = name_key(parsed["partner"].get("name"))
        return self.by_id(parsed.get("orchard_id"), key) or self.index.find(
            key, row_emails(parsed), row_domains(parsed)
        )

    def find_referrer(self, value: str) -> int | None:
        """A partner of the book a "referred by" cell names: by id, name key or contact email."""
        text = value.strip()
        if text.isdigit() and int(text) in self.names:
            return int(text)
        ids = self.index.names.by_key.get(name_key(text))
        if ids:
            return ids[0]
        address = email_key(text)
        if address and address in self.contact_by_email:
            return self.contact_by_email[address][1]
        return None
