"""Possible duplicates among a workspace's partners, and the pairs the user said are not duplicates.

Three reasons, strongest first (a pair is listed once, under its strongest reason):
- "email": a current contact of each has the same email address (app/services/matching.py email_key);
- "domain": the same website domain, or a contact's email domain is the other's website domain
  (free-mail domains never count);
- "name": very similar names (matching.name_key, then rapidfuzz through matching.similar_names).
  Names whose numbers differ ("Studio 54" / "Studio 55") are different partners.

Never quadratic over the book: emails and domains are grouped in one pass over (partner, key) rows;
names are compared only within blocks (partners sharing a word of three letters or more, or the
first four letters of the key), and blocks larger than MAX_BLOCK are skipped (a word shared by so
many partners says nothing). A key shared by more than MAX_GROUP partners (info@ a hosting company)
is skipped the same way. Archived and merged partners are never suggested; neither is a pair marked
"Not duplicates". A constant number of queries, whatever the size of the book.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Contact, Deal, DuplicateDismissal, Partner, PartnerActivity
from app.services import Gone
from app.services.matching import domain_of, email_key, name_key, similar_names
from app.services.pagination import Page

REASONS = ("email", "domain", "name")
MAX_GROUP = 20
MAX_BLOCK = 400
DEFAULT_LIMIT = 2000


@dataclass(frozen=True)
class DuplicatePair:
    a_id: int  # the lower id
    b_id: int
    reason: str  # one of REASONS
    score: float  # 100 for a shared email or domain; the name similarity otherwise
    shared: str = ""  # the email or domain they share


@dataclass
class PartnerCard:
    """What the page shows of each side of a pair."""

    id: int
    name: str
    kind: str
    status: str
    website: str | None
    contact_count: int
    deal_count: int
    last_touch_at: datetime | None


@dataclass
class PairRow:
    pair: DuplicatePair
    a: PartnerCard
    b: PartnerCard


def _pair(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def _groups(keyed: dict[str, set[int]]):
    for key, ids in keyed.items():
        if 1 < len(ids) <= MAX_GROUP:
            ordered = sorted(ids)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    yield a, b, key


def _digits(key: str) -> frozenset[str]:
    return frozenset(word for word in key.split() if any(ch.isdigit() for ch in word))


def _name_pairs(keys: dict[int, str]):
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for partner_id, key in keys.items():
        if not key:
            continue
        for word in set(key.split()):
            if len(word) >= 3 and not word.isdigit():
                blocks[("w", word)].append(partner_id)
        blocks[("p", key.replace(" ", "")[:4])].append(partner_id)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        choices = {partner_id: keys[partner_id] for partner_id in members}
        for partner_id in members:
            key = keys[partner_id]
            for other_id, score in similar_names(key, choices, limit=len(members)):
                pair = _pair(partner_id, other_id)
                if other_id == partner_id or pair in seen or _digits(key) != _digits(keys[other_id]):
                    continue
                seen.add(pair)
                yield pair[0], pair[1], float(score)


def find_duplicate_partners(session: Session, workspace, *, limit: int = DEFAULT_LIMIT) -> list[DuplicatePair]:
    """Likely duplicate pairs of the workspace's current partners, strongest reason first, then by
    score; at most `limit` pairs (four queries)."""
    workspace_id = getattr(workspace, "id", workspace)
    live = (Partner.workspace_id == workspace_id) & Partner.archived_at.is_(None) & Partner.merged_into_id.is_(None)
    partners = session.execute(select(Partner.id, Partner.name, Partner.website).where(live)).all()
    emails = session.execute(
        select(Contact.partner_id, Contact.email)
        .join(Partner, Partner.id == Contact.partner_id)
        .where(live, Contact.removed_at.is_(None), Contact.email.is_not(None))
    ).all()
    dismissed = set(
        session.execute(
            select(DuplicateDismissal.low_id, DuplicateDismissal.high_id).where(
                DuplicateDismissal.workspace_id == workspace_id
            )
        ).all()
    )

    by_email: dict[str, set[int]] = defaultdict(set)
    by_domain: dict[str, set[int]] = defaultdict(set)
    for partner_id, email in emails:
        key = email_key(email)
        if key:
            by_email[key].add(partner_id)
    for partner_id, _name, website in partners:
        domain = domain_of(website)
        if domain:
            by_domain[domain].add(partner_id)
    for partner_id, email in emails:  # a contact's company address at another partner's website
        domain = domain_of(email)
        if domain and domain in by_domain:
            by_domain[domain].add(partner_id)

    found: dict[tuple[int, int], DuplicatePair] = {}

    def add(a: int, b: int, reason: str, score: float, shared: str = "") -> None:
        if (a, b) not in found and (a, b) not in dismissed:
            found[(a, b)] = DuplicatePair(a, b, reason, score, shared)

    for a, b, key in _groups(by_email):
        add(a, b, "email", 100.0, key)
    for a, b, key in _groups(by_domain):
        add(a, b, "domain", 100.0, key)
    for a, b, score in _name_pairs({partner_id: name_key(name) for partner_id, name, _ in partners}):
        add(a, b, "name", score)
    order = {reason: i for i, reason in enumerate(REASONS)}
    pairs = sorted(found.values(), key=lambda p: (order[p.reason], -p.score, p.a_id, p.b_id))
    return pairs[:limit]


def _cards(session: Session, workspace_id: int, ids: set[int]) -> dict[int, PartnerCard]:
    """Both sides of a page of pairs (two queries)."""
    if not ids:
        return {}
    deals = select(func.count(Deal.id)).where(Deal.partner_id == Partner.id).correlate(Partner).scalar_subquery()
    rows = session.execute(
        select(
            Partner.id,
            Partner.name,
            Partner.kind,
            Partner.status,
            Partner.website,
            Partner.contact_count,
            deals.label("deal_count"),
            PartnerActivity.last_touch_at,
        )
        .outerjoin(PartnerActivity, PartnerActivity.partner_id == Partner.id)
        .where(Partner.workspace_id == workspace_id, Partner.id.in_(ids))
    ).all()
    return {row.id: PartnerCard(*row) for row in rows}


def duplicates_page(
    session: Session, workspace_id: int, *, page: int = 1, per_page: int = 20, limit: int = DEFAULT_LIMIT
) -> tuple[Page, dict[str, int]]:
    """One page of pairs with both sides' details, and the number of pairs per reason."""
    pairs = find_duplicate_partners(session, workspace_id, limit=limit)
    counts = dict.fromkeys(REASONS, 0)
    for pair in pairs:
        counts[pair.reason] += 1
    pages = max(1, -(-len(pairs) // per_page))
    page = min(max(1, page), pages)
    chosen = pairs[(page - 1) * per_page : page * per_page]
    cards = _cards(session, workspace_id, {p.a_id for p in chosen} | {p.b_id for p in chosen})
    rows = [PairRow(p, cards[p.a_id], cards[p.b_id]) for p in chosen if p.a_id in cards and p.b_id in cards]
    return Page(rows, len(pairs), page, per_page), counts


def dismiss_pair(session: Session, workspace_id: int, a_id: int, b_id: int, *, actor_id: int | None, now: datetime):
    """Remember that two partners are not duplicates (idempotent). Gone when either is not one of
    the workspace's partners."""
    low, high = _pair(a_id, b_id)
    found = session.scalar(
        select(func.count(Partner.id)).where(Partner.workspace_id == workspace_id, Partner.id.in_({low, high}))
    )
    if low == high or found != 2:
        raise Gone()
    exists = session.scalar(
        select(DuplicateDismissal.id).where(
            DuplicateDismissal.workspace_id == workspace_id,
            DuplicateDismissal.low_id == low,
            DuplicateDismissal.high_id == high,
        )
    )
    if exists:
        return
    try:
        with session.begin_nested():  # two people dismissing the same pair at once: one row
            session.add(
                DuplicateDismissal(
                    workspace_id=workspace_id, low_id=low, high_id=high, dismissed_by_id=actor_id, dismissed_at=now
                )
            )
    except IntegrityError:
        pass
