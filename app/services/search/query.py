"""From what the user typed to the SQL of a search: words, typo candidates, ranking.

A query is a list of groups, one per word typed: the word itself as a prefix, and for a word of 5+
letters the vocabulary words one edit away ("gardn" → garden), looked up by their deletion variants
in one query and verified with rapidfuzz. A phone-like query is one group of its digit forms.
Every group must match a word of the item (in any of its fields).

Rank (lower first): 0 the name is the query, 1 the name starts with it, 2 every word typed starts a
word of the name, 3 the same with typo candidates, 4 found in the other fields (notes, email...);
then the partner's most recent touch (recent activity), then the newest item.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA
from sqlalchemy import and_, case, false, literal, or_, select
from sqlalchemy.orm import Session

from app.models.search import SearchItem, SearchVariant
from app.services.search.engine import matches
from app.services.search.folding import MIN_TYPO_LENGTH, is_phone_query, phone_forms, variants, words

MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Parsed:
    words: tuple[str, ...]  # the folded words typed (a phone query: its digit forms)
    groups: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (prefixes, exact typo candidates)
    phone: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        seen = dict.fromkeys([*self.words, *(w for _, exact in self.groups for w in exact)])
        return tuple(sorted(seen, key=lambda t: (-len(t), t)))


def parse(session: Session | None, workspace_id: int, text: str) -> Parsed:
    """The query's groups; typo candidates need the session (without one, prefixes only)."""
    text = " ".join(text.split())
    if is_phone_query(text):
        forms = tuple(phone_forms(text))
        return Parsed(words=forms, groups=((forms, ()),), phone=True)
    typed = tuple(dict.fromkeys(words(text)))
    typos = {w: set() for w in typed if len(w) >= MIN_TYPO_LENGTH and not w.isdigit()}
    if typos and session is not None:
        looked_up = sorted(set().union(*(variants(w) for w in typos)))
        rows = session.execute(
            select(SearchVariant.variant, SearchVariant.word).where(
                SearchVariant.workspace_id == workspace_id, SearchVariant.variant.in_(looked_up)
            )
        ).all()
        for word, candidates in typos.items():
            mine = variants(word)
            candidates.update(w for v, w in rows if v in mine and not w.startswith(word) and OSA.distance(word, w) <= 1)
    groups = tuple(((w,), tuple(sorted(typos.get(w, ()))[:MAX_CANDIDATES])) for w in typed)
    return Parsed(words=typed, groups=groups)


def condition(parsed: Parsed):
    """The WHERE of the search (nothing matches a query with no words)."""
    return matches(parsed.groups) if parsed.groups else false()


def rank(parsed: Parsed):
    if parsed.phone or not parsed.groups:
        return literal(4)
    exact = " ".join(parsed.words)
    spaced = literal(" ") + SearchItem.title_words + literal(" ")
    literal_in_title = [spaced.like(f"% {w}%") for w in parsed.words]
    in_title = [
        or_(spaced.like(f"% {prefixes[0]}%"), *(spaced.like(f"% {w} %") for w in typos))
        for prefixes, typos in parsed.groups
    ]
    return case(
        (SearchItem.title_words == exact, 0),
        (SearchItem.title_words.like(f"{exact}%"), 1),
        (and_(*literal_in_title), 2),
        (and_(*in_title), 3),
        else_=4,
    )
