"""The one normalisation both engines index and search: folded words.

`fold(text)` lower-cases, strips accents (NFKD, combining marks dropped), spells ß as ss and folds the
German digraphs (ae, oe, ue → a, o, u) so that Müller, Mueller and Muller are the same word; then
keeps letters and digits only, words separated by one space. The index stores folded text and the
query is folded the same way, so SQLite and PostgreSQL see identical words.

Phones: `phone_forms(text)` gives the digit strings a number is found by — as written, without its
trunk zeros, and international/national as phonenumbers reads it — so "+49 30 896…" and "030 896…"
meet. Typos: `deletions(word)` are a word's one-letter deletions (the SymSpell method): two words
within one edit share one of them (or one is a deletion of the other).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

MIN_TYPO_LENGTH = 5  # a query word this long may have one edit
MIN_VOCABULARY_LENGTH = MIN_TYPO_LENGTH - 1  # "gardn" (5) is one insertion away from a 4-letter word
DEFAULT_REGION = "DE"  # how a number written without a country code is read

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DIGRAPHS = re.compile(r"(ae|oe|ue)")
_PHONE_LIKE = re.compile(r"^\+?[\d\s()./-]+$")
_SPECIAL = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


def _folded(text: str) -> str:
    lowered = text.lower().translate(_SPECIAL)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return _DIGRAPHS.sub(lambda m: m.group(1)[0], stripped)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One word, folded (may become empty)."""
    return _folded(word)


@lru_cache(maxsize=262144)
def fold(text: str | None) -> str:
    """`text` folded: its words, lower-case, accents stripped, joined by single spaces."""
    if not text:
        return ""
    return " ".join(w for w in _NOT_WORD.split(_folded(text)) if w)


def words(text: str | None) -> list[str]:
    """The folded words of `text`, in order."""
    return fold(text).split()


def is_phone_query(text: str) -> bool:
    return bool(_PHONE_LIKE.match(text)) and sum(c.isdigit() for c in text) >= 6


def phone_forms(text: str | None) -> list[str]:
    """The digit strings a phone number is found by (distinct, longest first)."""
    if not text:
        return []
    digits = "".join(c for c in text if c.isdigit())
    if not digits:
        return []
    forms = {digits, digits.lstrip("0")}
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.national_number:
        national = str(number.national_number)
        forms.update({f"{number.country_code}{national}", national})
    return sorted((f for f in forms if f), key=lambda f: (-len(f), f))


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def variants(word: str) -> set[str]:
    """What a vocabulary word is looked up by: itself and its one-letter deletions."""
    return {word} | deletions(word)
