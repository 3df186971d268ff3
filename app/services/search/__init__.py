"""Search over a workspace's book: partners, contacts, deals, interactions, reminders and terms.

The interface the pages use (global search, the palette, the partners and deals lists):
`search(session, workspace_id, text, ...)` → `Results`, and `highlight(text, results.terms)` → the
text cut into (part, matched) pieces for the page to escape and mark. The lists filter by
`matching_ids(...)`, a SELECT of the ids the same index finds.

The index itself (app/models/search.py) is kept by app/summaries/search_index.py; folding in
folding.py, the per-engine parts in engine.py, typos and ranking in query.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Partner, PartnerActivity
from app.models.search import SearchItem
from app.services.search import query as q
from app.services.search.folding import fold_word
from app.summaries.sql import not_by_index

# In the order the groups are shown
KINDS = ("partner", "contact", "deal", "interaction", "reminder", "terms")
SNIPPET_WIDTH = 60  # characters either side of the first match


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    id: int  # the item's own id (for "terms": the partner's id, as the terms live on the partner)
    partner_id: int | None  # the partner the item belongs to (a partner: itself; a reminder may have none)
    title: str  # the item's name as shown: partner/contact name, deal/reminder title, interaction summary
    context: str | None  # where it sits, e.g. the partner's name for a contact ("Garden Consulting")
    snippet: str | None  # plain text around the match when the match is not in the title, else None
    archived: bool  # the item (or its partner) is archived/removed/completed


@dataclass(frozen=True)
class Results:
    query: str
    terms: tuple[str, ...]  # what matched, folded (for `highlight`)
    groups: dict[str, list[Hit]] = field(default_factory=dict)  # kind -> hits, best first; empty kinds left out
    more: dict[str, bool] = field(default_factory=dict)  # kind -> there are more hits than shown

    @property
    def hits(self) -> list[Hit]:
        return [hit for kind in KINDS for hit in self.groups.get(kind, [])]


def search(
    session: Session,
    workspace_id: int,
    text: str,
    *,
    kinds: tuple[str, ...] = KINDS,
    include_archived: bool = False,
    limit: int = 5,
    offset: int = 0,
) -> Results:
    """Up to `limit` hits per kind (after `offset`), best first: two queries at most (the typo
    candidates, then the hits of every kind at once)."""
    query = " ".join(text.split())
    parsed = q.parse(session, workspace_id, query) if query else None
    if parsed is None or not parsed.groups:
        return Results(query=query, terms=())
    rank = q.rank(parsed)
    conditions = [SearchItem.workspace_id == workspace_id, SearchItem.kind.in_(kinds), q.condition(parsed)]
    if not include_archived:
        conditions += [SearchItem.archived.is_(False), SearchItem.partner_archived.is_(False)]
    # the partner's last touch breaks ties: one look-up per hit (a join let PostgreSQL hash every
    # partner's activity row whatever the number of hits)
    last_touch = (
        select(PartnerActivity.last_touch_s)
        .where(PartnerActivity.partner_id == SearchItem.partner_id)
        .correlate(SearchItem)
        .scalar_subquery()
    )
    number = (
        func.row_number()
        .over(
            partition_by=SearchItem.kind,
            order_by=(
                rank,
                func.coalesce(last_touch, 0).desc(),
                SearchItem.activity_s.desc(),
                SearchItem.id.desc(),
            ),
        )
        .label("n")
    )
    ranked = select(
        SearchItem.kind,
        SearchItem.item_id,
        SearchItem.partner_id,
        SearchItem.title,
        SearchItem.body,
        SearchItem.archived,
        SearchItem.partner_archived,
        rank.label("rank"),
        number,
    ).where(*conditions)
    ranked = ranked.subquery()
    rows = session.execute(
        select(ranked, Partner.name.label("partner_name"))
        .outerjoin(Partner, Partner.id == ranked.c.partner_id)
        .where(ranked.c.n > offset, ranked.c.n <= offset + limit + 1)
        .order_by(ranked.c.kind, ranked.c.n)
    ).all()
    terms = parsed.terms
    groups: dict[str, list[Hit]] = {}
    more: dict[str, bool] = {}
    for row in rows:
        hits = groups.setdefault(row.kind, [])
        if len(hits) == limit:
            more[row.kind] = True
            continue
        hits.append(_hit(row, terms))
    ordered = {kind: groups[kind] for kind in KINDS if kind in groups}
    return Results(query=query, terms=terms, groups=ordered, more={k: more.get(k, False) for k in ordered})


def _hit(row, terms) -> Hit:
    if row.kind == "partner":
        title, context = row.title, None
    elif row.kind == "terms":
        title, context = row.partner_name or "", None
    else:
        title, context = row.title, row.partner_name
    in_title = row.kind != "terms" and any(matched for _, matched in highlight(row.title, terms))
    snippet = None if in_title else snippet_of(row.body or "", terms)
    return Hit(
        row.kind, row.item_id, row.partner_id, title, context, snippet, bool(row.archived or row.partner_archived)
    )


def finder(session: Session | None, workspace_id: int, text: str):
    """`find(kinds, column="item_id")` → a SELECT of the `column` (item_id or partner_id) of the
    current (not removed) items of `kinds` the index finds for `text`, whether their partner is
    archived or not (the lists filter that). The typo candidates are looked up once, now, when a
    session is given (one query); without one the words typed match as prefixes only."""
    parsed = q.parse(session, workspace_id, text)

    def find(kinds: tuple[str, ...], column: str = "item_id"):
        return select(getattr(SearchItem, column)).where(
            SearchItem.workspace_id == workspace_id,
            SearchItem.kind.in_(kinds),
            SearchItem.archived.is_(False),
            q.condition(parsed),
        )

    return find


def matching_ids(
    session: Session | None, workspace_id: int, text: str, kinds: tuple[str, ...], *, column: str = "item_id"
):
    """A SELECT of the ids the index finds (see `finder`)."""
    return finder(session, workspace_id, text)(kinds, column)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _matched_prefix(word: str, terms: tuple[str, ...]) -> int:
    """How many characters of `word` (as written) match a term (0: none)."""
    folded = fold_word(word)
    for term in terms:  # longest first
        if folded.startswith(term) or (term.isdigit() and folded.isdigit() and folded.lstrip("0").startswith(term)):
            for k in range(1, len(word) + 1):
                if len(fold_word(word[:k])) >= len(term):
                    return k
            return len(word)
    return 0


def highlight(text: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each (piece, matched); the page escapes every piece. A word matches
    when its folded form starts with a term ("Müller" for "muller", "Garden" for the candidate of
    "gardn"); the part that matched is marked."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    if terms:
        for found in _WORD.finditer(text):
            length = _matched_prefix(found.group(), terms)
            if length:
                if found.start() > start:
                    pieces.append((text[start : found.start()], False))
                pieces.append((text[found.start() : found.start() + length], True))
                start = found.start() + length
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


def snippet_of(body: str, terms: tuple[str, ...]) -> str | None:
    """Plain text around the first match in `body` (None when nothing there matches)."""
    text = " ".join(body.split())
    for found in _WORD.finditer(text):
        if _matched_prefix(found.group(), terms) or _phone_match(found, text, terms):
            begin = max(0, found.start() - SNIPPET_WIDTH)
            end = min(len(text), found.end() + SNIPPET_WIDTH)
            if begin > 0:
                begin = text.find(" ", begin, found.start()) + 1 or begin
            if end < len(text):
                end = text.rfind(" ", found.end(), end) if text.rfind(" ", found.end(), end) > 0 else end
            return ("…" if begin > 0 else "") + text[begin:end].strip() + ("…" if end < len(text) else "")
    return None


def _phone_match(found, text: str, terms: tuple[str, ...]) -> bool:
    """A digit group that begins a phone number whose digits match a (digit) term."""
    if not found.group().isdigit():
        return False
    digits = "".join(c for c in text[found.start() : found.start() + 40] if c.isdigit() or c == " ")
    digits = "".join(digits.split())
    return any(t.isdigit() and (digits.startswith(t) or digits.lstrip("0").startswith(t)) for t in terms)


__all__ = ["KINDS", "Hit", "Results", "finder", "highlight", "matching_ids", "not_by_index", "search", "snippet_of"]
