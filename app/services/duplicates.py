"""Possible duplicates among a workspace's partners, and the pairs the user said are not duplicates.

Three reasons, strongest first (a pair is listed once, under its strongest reason):
- "email": a current contact of each has the same email address (app/services/matching.py email_key);
- "domain": the same website domain, or a contact's email domain is the other's website domain
  (free-mail domains never count);
- "name": very similar names (matching.name_key, then rapidfuzz through matching.similar_names).
  Names whose numbers differ ("Studio 54" / "Studio 55") are different partners.

Never quadratic over the book: emails and domains are grouped in one pass over (partner, key) rows;
names are compared only within blocks (a shared word, or the same first letters of the words in
order or sorted; and the same numbers), and blocks larger than MAX_BLOCK are skipped (a word shared
by so many partners says nothing; the names' other blocks still count). A key shared by more than
MAX_GROUP partners (info@ a hosting company) is skipped the same way. Archived and merged partners
are never suggested; neither is a pair marked "Not duplicates". A constant number of queries,
whatever the size of the book. Measured on these 2-core machines (shared, loaded): 10,000 demo
partners ~0.5 s, 50,000 ~2–4 s to compare (linear), and ~50 ms for a page of a cached result
(PairCache); 52,500 made-up names with 5 % typos: ~1 s for the names alone, 2,853 pairs.
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
MAX_BLOCK = 200
BLOCK_PREFIX = 4
DEFAULT_LIMIT = 2000
CACHE_FROM = 2000  # partners: below this, a book is compared afresh on every page


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


def _blocks(key: str) -> set[tuple[str, str, str]]:
    """The blocks a name key is compared within: each of its words, and the first letters of its
    words in order and sorted (a typo in a short or the only word). Names whose numbers differ are
    never alike, so the numbers are part of every block."""
    words, numbers = [], []
    for word in key.split():
        (words if word.isalpha() else numbers).append(word)
    words = words or numbers
    digits = " ".join(sorted(numbers))
    blocks = {("word", word, digits) for word in words if len(word) >= 3}
    blocks.add(("start", "".join(words)[:BLOCK_PREFIX], digits))
    blocks.add(("sorted", "".join(sorted(words))[:BLOCK_PREFIX], digits))
    return blocks


def _name_pairs(keys: dict[int, str]):
    blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for partner_id, key in keys.items():
        if key:
            for block in _blocks(key):
                blocks[block].append(partner_id)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        choices = {partner_id: keys[partner_id] for partner_id in members}
        for partner_id in members:
            for other_id, score in similar_names(keys[partner_id], choices, limit=len(members)):
                pair = _pair(partner_id, other_id)
                if other_id != partner_id and pair not in seen:
                    seen.add(pair)
                    yield pair[0], pair[1], float(score)


def _fingerprint(session: Session, workspace_id: int) -> tuple:
    """What changes whenever a partner or contact the finder reads changes (one query)."""
    partners = select(
        func.count(Partner.id),
        func.count(Partner.archived_at),
        func.count(Partner.merged_into_id),
        func.max(Partner.updated_at),
    ).where(Partner.workspace_id == workspace_id)
    contacts = select(func.count(Contact.id), func.count(Contact.removed_at), func.max(Contact.updated_at)).where(
        Contact.workspace_id == workspace_id
    )
    return tuple(session.execute(partners).one()) + tuple(session.execute(contacts).one())


class PairCache:
    """The pairs last found per workspace, reused while nothing they come from changed (a book of
    tens of thousands of partners takes a few seconds to compare; its pages then take a few
    milliseconds). Smaller books are always compared afresh. One per application (app.extensions)."""

    def __init__(self, min_partners: int = CACHE_FROM, size: int = 16):
        self.min_partners, self.size = min_partners, size
        self._pairs: dict[int, tuple[tuple, list[DuplicatePair]]] = {}

    def pairs(self, session: Session, workspace_id: int) -> list[DuplicatePair]:
        fingerprint = _fingerprint(session, workspace_id)
        if fingerprint[0] < self.min_partners:
            return _all_pairs(session, workspace_id)
        cached = self._pairs.get(workspace_id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        pairs = _all_pairs(session, workspace_id)
        if len(self._pairs) >= self.size:
            self._pairs.pop(next(iter(self._pairs)))
        self._pairs[workspace_id] = (fingerprint, pairs)
        return pairs


def _all_pairs(session: Session, workspace_id: int) -> list[DuplicatePair]:
    live = (Partner.workspace_id == workspace_id) & Partner.archived_at.is_(None) & Partner.merged_into_id.is_(None)
    partners = session.execute(select(Partner.id, Partner.name, Partner.website).where(live)).all()
    emails = session.execute(
        select(Contact.partner_id, Contact.email)
        .join(Partner, Partner.id == Contact.partner_id)
        .where(live, Contact.removed_at.is_(None), Contact.email.is_not(None))
    ).all()

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
        host = email.rpartition("@")[2].strip().lower().removeprefix("www.")
        if host in by_domain and domain_of(email) == host:  # the cheap test first: most hosts are no website
            by_domain[host].add(partner_id)

    found: dict[tuple[int, int], DuplicatePair] = {}
    for a, b, key in _groups(by_email):
        found.setdefault((a, b), DuplicatePair(a, b, "email", 100.0, key))
    for a, b, key in _groups(by_domain):
        found.setdefault((a, b), DuplicatePair(a, b, "domain", 100.0, key))
    for a, b, score in _name_pairs({partner_id: name_key(name) for partner_id, name, _ in partners}):
        found.setdefault((a, b), DuplicatePair(a, b, "name", score))
    order = {reason: i for i, reason in enumerate(REASONS)}
    return sorted(found.values(), key=lambda p: (order[p.reason], -p.score, p.a_id, p.b_id))


def find_duplicate_partners(
    session: Session, workspace, *, limit: int = DEFAULT_LIMIT, cache: PairCache | None = None
) -> list[DuplicatePair]:
    """Likely duplicate pairs of the workspace's current partners, strongest reason first, then by
    score, without the pairs marked "Not duplicates"; at most `limit` pairs (a constant handful of
    queries; with a `cache`, a large book is compared again only after something changed)."""
    workspace_id = getattr(workspace, "id", workspace)
    dismissed = set(
        session.execute(
            select(DuplicateDismissal.low_id, DuplicateDismissal.high_id).where(
                DuplicateDismissal.workspace_id == workspace_id
            )
        ).all()
    )
    pairs = cache.pairs(session, workspace_id) if cache is not None else _all_pairs(session, workspace_id)
    return [p for p in pairs if (p.a_id, p.b_id) not in dismissed][:limit]


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
    session: Session,
    workspace_id: int,
    *,
    page: int = 1,
    per_page: int = 20,
    limit: int = DEFAULT_LIMIT,
    cache: PairCache | None = None,
) -> tuple[Page, dict[str, int]]:
    """One page of pairs with both sides' details, and the number of pairs per reason."""
    pairs = find_duplicate_partners(session, workspace_id, limit=limit, cache=cache)
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
