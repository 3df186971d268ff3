"""Search over a workspace's book: partners, contacts, deals, interactions, reminders and terms.

The interface the pages use (global search, the palette, the partners and deals lists):
`search(session, workspace_id, text, ...)` → `Results`, and `highlight(text, results.terms)` → the
text cut into (part, matched) pieces for the page to escape and mark.

(A plain stand-in until the search index lands: substring matches on partners, contacts and deals.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Contact, Deal, Partner
from app.services.text_search import like_pattern

# In the order the groups are shown
KINDS = ("partner", "contact", "deal", "interaction", "reminder", "terms")


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
    """Up to `limit` hits per kind (after `offset`), best first."""
    query = " ".join(text.split())
    if not query:
        return Results(query="", terms=())
    pattern = like_pattern(query)
    groups: dict[str, list[Hit]] = {}
    more: dict[str, bool] = {}

    def take(kind, rows):
        rows = list(rows)
        if rows:
            groups[kind] = rows[:limit]
            more[kind] = len(rows) > limit

    live = [] if include_archived else [Partner.archived_at.is_(None)]
    if "partner" in kinds:
        rows = session.execute(
            select(Partner)
            .where(Partner.workspace_id == workspace_id, Partner.name_key.like(pattern, escape="\\"), *live)
            .order_by(Partner.name_key)
            .offset(offset)
            .limit(limit + 1)
        ).scalars()
        take("partner", (Hit("partner", p.id, p.id, p.name, None, None, p.archived_at is not None) for p in rows))
    if "contact" in kinds:
        rows = session.execute(
            select(Contact, Partner.name, Partner.archived_at)
            .join(Partner, Partner.id == Contact.partner_id)
            .where(
                Partner.workspace_id == workspace_id,
                or_(Contact.name.ilike(pattern, escape="\\"), Contact.email.ilike(pattern, escape="\\")),
                *live,
            )
            .order_by(Contact.name)
            .offset(offset)
            .limit(limit + 1)
        )
        take(
            "contact",
            (
                Hit(
                    "contact",
                    c.id,
                    c.partner_id,
                    c.name,
                    name,
                    c.email,
                    archived is not None or c.removed_at is not None,
                )
                for c, name, archived in rows
            ),
        )
    if "deal" in kinds:
        rows = session.execute(
            select(Deal, Partner.name, Partner.archived_at)
            .join(Partner, Partner.id == Deal.partner_id)
            .where(Partner.workspace_id == workspace_id, Deal.title.ilike(pattern, escape="\\"), *live)
            .order_by(Deal.title)
            .offset(offset)
            .limit(limit + 1)
        )
        take(
            "deal",
            (Hit("deal", d.id, d.partner_id, d.title, name, None, archived is not None) for d, name, archived in rows),
        )
    return Results(query=query, terms=(query.lower(),), groups=groups, more=more)


def highlight(text: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each (piece, matched); the page escapes every piece."""
    lowered = text.lower()
    pieces, start = [], 0
    while terms:
        found = [(lowered.find(t, start), t) for t in terms if t and lowered.find(t, start) >= 0]
        if not found:
            break
        at, term = min(found)
        if at > start:
            pieces.append((text[start:at], False))
        pieces.append((text[at : at + len(term)], True))
        start = at + len(term)
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces
