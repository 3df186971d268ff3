"""How Orchard decides two partners may be the same: normalised names, email and website domains,
and fuzzy name similarity (rapidfuzz). Used by the import preview and the possible-duplicates page,
so both find the same matches.

    name_key("Müller & Söhne GmbH")      -> "muller sohne"
    domain_of("https://www.garden.de/x") -> "garden.de"
    domain_of("anna@garden.de")          -> "garden.de"   (free-mail domains give None)
    similarity("garden studio", "gardn studio") -> 96.0
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

# Names at least this similar (0..100, rapidfuzz's token-sort ratio of the keys) count as a match.
SIMILAR_NAME_SCORE = 90.0

# Legal forms that say nothing about who a partner is ("Garden GmbH" is "Garden LLC").
LEGAL_SUFFIXES = frozenset(
    [
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ug",
        "ohg",
        "gbr",
        "ev",
        "e.v",
        "llc",
        "l.l.c",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "llp",
        "lp",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "kft",
        "sro",
        "s.r.o",
        "pty",
        "pvt",
        "ооо",
        "оао",
        "зао",
        "пао",
        "ао",
        "ип",
        "нко",
        "тоо",
        "чп",
    ]
)
# Mail providers whose domain says nothing about the company behind an address.
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.de",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "t-online.de",
        "mail.ru",
        "yandex.ru",
        "ya.ru",
        "bk.ru",
        "list.ru",
        "inbox.ru",
        "rambler.ru",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
    ]
)
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ё": "е"})
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower-case without accents: "Müller" and "MULLER" both give "muller"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str | None) -> str:
    """A partner or person name reduced to the words that identify it (no case, accents, punctuation
    or legal suffix). Empty when nothing is left."""
    words = _NOT_WORD.sub(" ", fold(name or "").replace("&", " ")).split()
    kept = [word for word in words if word not in LEGAL_SUFFIXES and word not in {"and", "und", "и"}]
    return " ".join(kept or words)


def email_key(email: str | None) -> str | None:
    """An email address as it is compared: trimmed and lower-cased (exact otherwise)."""
    email = (email or "").strip().lower()
    return email if "@" in email else None


def domain_of(value: str | None) -> str | None:
    """The domain of a website ("https://www.garden.de/about" → "garden.de") or of an email address
    ("anna@garden.de" → "garden.de"); None for free-mail providers and for values with no domain."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if "@" in value and "/" not in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.strip(".")
    if host.startswith("www."):
        host = host[4:]
    if "." not in host or host in FREE_MAIL_DOMAINS:
        return None
    return host


def numbers_of(key: str) -> tuple[str, ...]:
    """The numbers in a name key, sorted: names whose numbers differ ("Studio 54", "Studio 55") are
    different partners however alike their letters."""
    return tuple(sorted(word for word in key.split() if word.isdigit()))


def similarity(key_a: str, key_b: str) -> float:
    """0..100: how alike two name keys are (word order ignored, one typo in a long name still ≥ 90;
    0 when their numbers differ)."""
    if not key_a or not key_b or numbers_of(key_a) != numbers_of(key_b):
        return 0.0
    return fuzz.token_sort_ratio(key_a, key_b)


def similar_names(key: str, choices: Mapping[int, str], limit: int = 5) -> list[tuple[int, float]]:
    """The ids in `choices` ({id: name key}) whose keys are at least SIMILAR_NAME_SCORE alike to `key`,
    best first: [(id, score), ...]."""
    if not key:
        return []
    numbers = numbers_of(key)
    choices = {ident: other for ident, other in choices.items() if numbers_of(other) == numbers}
    found = process.extract(key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR_NAME_SCORE, limit=limit)
    return [(choice_id, score) for _key, score, choice_id in found]
