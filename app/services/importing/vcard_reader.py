"""vCard files (.vcf: a phone's or a mail program's address book) as a Table: one row per card with
fixed headers. vCard 2.1, 3.0 and 4.0; folded lines and quoted-printable values (with their CHARSET,
soft line breaks included) are undone by vobject's line reader; photos, logos, sounds and keys are
skipped unread. A card that cannot be read is skipped with a warning; the good ones still import.

vobject's component reader is not used for the values: it reads every card as 3.0 and splits text
values on commas, which cuts a vCard 2.1 note ("Met in Berlin, at the fair") at its first comma. So
the cards are cut out of the stream here, each line is parsed by vobject's own line parser, and the
values are unescaped by their version's rules."""

from __future__ import annotations

import re
from collections.abc import Iterator

from vobject.base import getLogicalLines, textLineToContentLine

from app.messages import N_, N_plural, Text
from app.services.importing import text as texts
from app.services.importing.table import ImportFileError, Table

HEADERS = (
    "Full name",
    "First name",
    "Last name",
    "Organization",
    "Title",
    "Email 1",
    "Email 2",
    "Email 3",
    "Phone 1",
    "Phone 2",
    "Phone 3",
    "Website",
    "Note",
)
SLOTS = 3  # emails and phones kept per card, the preferred ones first
UNREAD = frozenset(["PHOTO", "LOGO", "SOUND", "KEY"])
MAX_WARNINGS = 10
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_COMPONENT_SEPARATOR = re.compile(r"(?<!\\);")


def read_vcard(data: bytes, encoding: str) -> Table:
    good, skipped, warnings = 0, 0, []
    for number, row in _cards(data, encoding):
        if row is None or not any(row):
            skipped += 1
            if skipped <= MAX_WARNINGS:
                why = (
                    N_("Card %(card)s could not be read and was skipped.")
                    if row is None
                    else N_("Card %(card)s is empty and was skipped.")
                )
                warnings.append(Text(why, card=str(number)))
        else:
            good += 1
    if skipped > MAX_WARNINGS:
        more = skipped - MAX_WARNINGS
        warnings.append(Text(N_plural("%(num)s more card was skipped.", "%(num)s more cards were skipped.", more)))
    if not good:
        raise ImportFileError(
            "No contact card in this file could be read. Export the contacts again (vCard 3.0 or 4.0) "
            "and upload the new file."
        )
    return Table(
        format="vcard",
        headers=list(HEADERS),
        encoding=encoding,
        warnings=warnings,
        source=lambda: (row for _, row in _cards(data, encoding) if row is not None),
        count=good,
    )


def _cards(data: bytes, encoding: str) -> Iterator[tuple[int, list[str] | None]]:
    """(card number, its row) for every card in the file, streamed; the row is None for a card that
    cannot be read (a line that is not a property, or no END:VCARD before the next card or the end)."""
    number, lines, broken, inside = 0, [], False, False
    for line, line_number in getLogicalLines(texts.open_text(data, encoding), allowQP=True):
        head, _, value = line.partition(":")
        name = head.split(";", 1)[0].rsplit(".", 1)[-1].strip().upper()
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            if inside:
                yield number, None
            number, lines, broken, inside = number + 1, [], False, True
        elif name == "END" and value.strip().upper() == "VCARD":
            if inside:
                yield number, None if broken else _safe_row(lines)
            inside = False
        elif inside and name not in UNREAD:
            try:
                lines.append(textLineToContentLine(line, line_number))
            except Exception:  # vobject's ParseError, or a CHARSET Python does not know
                broken = True
    if inside:
        yield number, None


def _safe_row(lines) -> list[str] | None:
    try:
        return _row(lines)
    except Exception:  # a value vobject parsed into something unexpected: the card cannot be read
        return None


def _row(lines) -> list[str]:
    by_name: dict[str, list] = {}
    for position, line in enumerate(lines):
        by_name.setdefault(line.name, []).append((_preference(line), position, line))
    version = _first(by_name, "VERSION")

    def values(name: str) -> list[str]:
        found = [_unescape(line.value, version) for _, _, line in sorted(by_name.get(name, []), key=_order)]
        return [value for value in found if value]

    family, given, additional, prefix, suffix = (_components(_first(by_name, "N"), version) + [""] * 5)[:5]
    from_parts = " ".join(part for part in (prefix, given, additional, family, suffix) if part)
    organization = next((part for part in _components(_first(by_name, "ORG"), version) if part), "")
    full_name = (
        _unescape(_first(by_name, "FN"), version) or from_parts or _unescape(_first(by_name, "NICKNAME"), version)
    )
    kind = (_first(by_name, "KIND") or _first(by_name, "X-ABSHOWAS")).strip().lower()
    if kind in ("org", "organization", "company") or full_name == organization:  # a card for the company itself
        full_name = from_parts
    emails = [_without_scheme(value, "mailto:") for value in values("EMAIL")]
    phones = [_without_scheme(value, "tel:") for value in values("TEL")]
    return [
        full_name,
        given,
        family,
        organization,
        (values("TITLE") or values("ROLE") or [""])[0],
        *(emails + [""] * SLOTS)[:SLOTS],
        *(phones + [""] * SLOTS)[:SLOTS],
        (values("URL") or [""])[0],
        "\n".join(values("NOTE")),
    ]


def _order(entry) -> tuple[int, int]:
    preference, position, _ = entry
    return preference, position


def _preference(line) -> int:
    """1 (most preferred) to 100 as vCard 4.0's PREF says; TYPE=pref (3.0) and a bare PREF (2.1) are 1;
    unmarked values come after all of them."""
    pref = line.params.get("PREF")
    if pref and str(pref[0]).isdigit():
        return int(pref[0])
    types = {part.strip().lower() for value in line.params.get("TYPE", []) for part in str(value).split(",")}
    if "pref" in types or any(str(value).upper() == "PREF" for value in line.singletonparams):
        return 1
    return 101


def _first(by_name: dict[str, list], name: str) -> str:
    entries = by_name.get(name)
    return sorted(entries, key=_order)[0][2].value if entries else ""


def _components(value: str, version: str) -> list[str]:
    return [_unescape(part, version) for part in _COMPONENT_SEPARATOR.split(value)] if value else []


def _unescape(value, version: str) -> str:
    """A text value as written: \\n, \\, \\; and \\\\ undone (vCard 3.0 and 4.0; 2.1 only escapes ";"),
    line breaks made "\\n"."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if version.strip().startswith("2"):
        return value.replace("\\;", ";").strip()
    return _ESCAPE.sub(lambda match: "\n" if match.group(1) in "nN" else match.group(1), value).strip()


def _without_scheme(value: str, scheme: str) -> str:
    return value[len(scheme) :].strip() if value.lower().startswith(scheme) else value
