"""Which export a file is (Google Contacts, Outlook, LinkedIn, Orchard), and the first guess of which
column feeds which Orchard field.

    recognise(["First Name", "Last Name", "URL", "Email Address", "Company", ...])  -> "linkedin"
    guess_mapping(["ФИО", "Компания", "Эл. почта", "Телефон 2"], "contacts").columns
        -> contact.name, partner.name, contact.email (slot 1), contact.phone (slot 2)

A recognised export gets its exact pre-map. Any other file is guessed from its header words, English
and Russian, normalised (case, punctuation, ё) before they are compared: a header that is the whole
phrase ("Эл. почта") is a sure match, one that only contains a word ("Work email") a weaker one. A
header that could mean two things stays unmapped rather than wrong, one header never gets two fields,
and two headers never take the same field in the same slot: the surer match wins, then the first.
"""

from __future__ import annotations

import re

from app.services.exporting.partners_export import PARTNER_HEADER
from app.services.importing.fields import FIELD_BY_KEY, MAX_CONTACT_SLOTS, ColumnMap, Mapping
from app.services.importing.formats_words import (
    CHOICE_WORDS,
    COMPANY_WORDS,
    DISQUALIFYING,
    FIRST_NAME_WORDS,
    LAST_NAME_WORDS,
    NAME_WORDS,
    NOTES,
    PERSON_NAME_WORDS,
    PHRASES,
    TOKENS,
)

FORMAT_LABELS = {
    "google": "Google Contacts",
    "outlook": "Outlook",
    "linkedin": "LinkedIn connections",
    "orchard": "Orchard export",
}

# the header Orchard's partners export writes (one definition: the export's)
ORCHARD_HEADERS = PARTNER_HEADER
ORCHARD_MAP = {
    "orchard id": "partner.orchard_id",
    "name": "partner.name",
    "kind": "partner.kind",
    "status": "partner.status",
    "tier": "partner.tier",
    "owner": "partner.owner",
    "source": "partner.source",
    "website": "partner.website",
    "referrer id": "partner.referred_by",
    "primary contact": "contact.name",
    "primary contact email": "contact.email",
    "primary contact phone": "contact.phone",
    "notes": "partner.notes",
    "no prospects reason": "partner.no_prospects_reason",
}
LINKEDIN_MAP = {
    "first name": "contact.first_name",
    "last name": "contact.last_name",
    "email address": "contact.email",
    "company": "partner.name",
    "position": "contact.role",
}  # "URL" is the person's LinkedIn profile, not a website; "Connected On" has no field
GOOGLE_MAP = {
    "name": "contact.name",
    "first name": "contact.first_name",
    "given name": "contact.first_name",
    "last name": "contact.last_name",
    "family name": "contact.last_name",
    "organization name": "partner.name",
    "organization 1 name": "partner.name",
    "organization title": "contact.role",
    "organization 1 title": "contact.role",
    "website 1 value": "partner.website",
    "notes": NOTES,
}
GOOGLE_SLOTTED = re.compile(r"^(e mail|phone) (\d+) value$")
OUTLOOK_MAP = {
    "first name": "contact.first_name",
    "last name": "contact.last_name",
    "company": "partner.name",
    "job title": "contact.role",
    "web page": "partner.website",
    "referred by": "partner.referred_by",
    "notes": NOTES,
    "e mail address": ("contact.email", 1),
    "e mail 2 address": ("contact.email", 2),
    "e mail 3 address": ("contact.email", 3),
}  # Outlook's "Title" is Mr./Ms., not a job title
PERSON_COLUMNS = frozenset(["contact.email", "contact.phone", "contact.role", "contact.first_name"])
OUTLOOK_PHONES = ("mobile phone", "business phone", "primary phone", "company main phone", "home phone")


def normalise(header: str) -> str:
    """A header reduced to its words: "E-mail 2 - Value" -> "e mail 2 value", "Эл. почта" -> "эл почта"."""
    text = header.casefold().replace("ё", "е")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def choice_word(key: str, value: str) -> str | None:
    """The choice of field `key` a file's word usually means ("Active client" → active, "ex-client"
    → ended, "Лид" → prospect), or None."""
    return CHOICE_WORDS.get(key, {}).get(normalise(value))


def recognise(headers: list[str]) -> str | None:
    """The export the headers come from: "google" | "outlook" | "linkedin" | "orchard", or None."""
    names = {normalise(header) for header in headers}
    if {"orchard id", "referrer id", "primary contact email"} <= names:
        return "orchard"
    if {"first name", "last name", "company", "position", "connected on"} <= names:
        return "linkedin"
    slotted = any(re.fullmatch(r"(e mail|phone) \d+ (value|label|type)", name) for name in names)
    if slotted and ({"first name", "last name"} <= names or {"given name", "family name"} <= names):
        return "google"
    if {"first name", "last name", "e mail address"} <= names and names & {
        "business phone",
        "mobile phone",
        "job title",
    }:
        return "outlook"
    return None


CONTACT_NAME_FIELDS = frozenset({"contact.name", "contact.first_name", "contact.last_name"})


def guess_mapping(headers: list[str], kind: str) -> Mapping:
    """A Mapping with one ColumnMap per header: the recognised export's pre-map, else a guess from the
    header words (field None where no guess is safe)."""
    notes = "contact.notes" if kind == "contacts" else "partner.notes"
    known = recognise(headers)
    if known:
        guesses = _premapped(known, [normalise(header) for header in headers])
    else:
        guesses = _guessed(headers, kind)
    named_slots = {slot for key, slot in guesses.values() if key in CONTACT_NAME_FIELDS}
    columns, taken = [], set()
    for index, header in enumerate(headers):
        key, slot = guesses.get(index, (None, 1))
        key = notes if key == NOTES else key
        if slot > 1 and slot not in named_slots:  # "E-mail 2" of one person: not a second contact
            key, slot = None, 1
        if key is not None and (key, slot) in taken:
            key, slot = None, 1
        if key is not None:
            taken.add((key, slot))
        columns.append(ColumnMap(header, index, key, slot if key else 1))
    return Mapping(kind=kind, columns=columns)


def _premapped(known: str, names: list[str]) -> dict[int, tuple[str, int]]:
    table = {"orchard": ORCHARD_MAP, "linkedin": LINKEDIN_MAP, "google": GOOGLE_MAP, "outlook": OUTLOOK_MAP}[known]
    guesses: dict[int, tuple[str, int]] = {}
    for index, name in enumerate(names):
        entry = table.get(name)
        if known == "google" and (match := GOOGLE_SLOTTED.match(name)):
            slot = int(match.group(2))
            if 1 <= slot <= MAX_CONTACT_SLOTS:
                entry = ("contact.email" if match.group(1) == "e mail" else "contact.phone", slot)
        if entry is not None:
            guesses[index] = entry if isinstance(entry, tuple) else (entry, 1)
    if known == "outlook":  # one phone per contact: the first of these the file has
        phone = next((names.index(name) for name in OUTLOOK_PHONES if name in names), None)
        if phone is not None:
            guesses[phone] = ("contact.phone", 1)
    return guesses


def _guessed(headers: list[str], kind: str) -> dict[int, tuple[str, int]]:
    candidates = []  # (sureness, index, field or a name family, slot)
    for index, header in enumerate(headers):
        found = _candidate(normalise(header))
        if found:
            candidates.append((found[0], index, found[1], found[2]))
    families = {family for _, _, family, _ in candidates}
    context = {
        "has_company": COMPANY_WORDS in families,
        "has_person_name": PERSON_NAME_WORDS in families,
        "has_last_name": LAST_NAME_WORDS in families,
        "has_person": bool(families & PERSON_COLUMNS) or bool(families & {LAST_NAME_WORDS, FIRST_NAME_WORDS}),
    }
    guesses: dict[int, tuple[str, int]] = {}
    taken: set[tuple[str, int]] = set()
    for _, index, family, slot in sorted(candidates, key=lambda c: (-c[0], c[1])):
        key = _resolve(family, kind, **context)
        if key is None or (key, slot) in taken:
            continue
        field = FIELD_BY_KEY.get(key)
        if field is not None and not field.repeatable and slot != 1:
            continue
        taken.add((key, slot))
        guesses[index] = (key, slot)
    return guesses


def _resolve(family: str, kind: str, *, has_company, has_person_name, has_last_name, has_person) -> str:
    """The field a header family means in this file."""
    if family == COMPANY_WORDS:
        return "partner.name"
    if family == PERSON_NAME_WORDS:
        return "contact.name"
    if family == FIRST_NAME_WORDS and has_last_name:  # "Имя" beside a "Фамилия" is the first name
        return "contact.first_name"
    if family == LAST_NAME_WORDS:
        return "contact.last_name"
    if family == NOTES:
        return "contact.notes" if kind == "contacts" else "partner.notes"
    if family in (NAME_WORDS, FIRST_NAME_WORDS):  # a bare "Name": the person's in a file about people
        if has_company:
            return "contact.name"
        if has_person_name:  # "Name" beside "Contact person" is the partner's
            return "partner.name"
        return "contact.name" if kind == "contacts" or has_person else "partner.name"
    return family


def _candidate(name: str) -> tuple[int, str, int] | None:
    """(sureness, field key or name family, slot) for one normalised header, or None."""
    if not name:
        return None
    words = name.split()
    numbers = [word for word in words if word.isdigit()]
    if len(numbers) > 1:
        return None
    slot = int(numbers[0]) if numbers else 1
    if not 1 <= slot <= MAX_CONTACT_SLOTS:
        return None
    words = [word for word in words if not word.isdigit()]
    if words and words[-1] == "value" and len(words) > 1:  # Google's "E-mail 1 - Value"
        words = words[:-1]
    phrase = " ".join(words)
    if phrase in PHRASES:
        return 3, PHRASES[phrase], slot
    padded = f" {phrase} "
    hits = {key for key, tokens in TOKENS.items() if any(f" {token} " in padded for token in tokens)}
    other = set(words) & DISQUALIFYING
    if other and not (hits == {"contact.email"} and other <= {"address", "адрес"}):  # "Work email address"
        return None
    if len(hits) != 1:
        return None
    return 1, hits.pop(), slot
