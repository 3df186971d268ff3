"""Amounts and percentages as people type them, read in their locale with Babel — and refused when
they could be read two ways or not at all, never silently reinterpreted.

    English: "4800.50", "4,800.50", "4 800.50"      Russian: "4 800,50", "4800,50", "4800.50"

A plain number with a point ("4800.50") means the same in every locale, except where the point
groups thousands (German "4.800" is 4800 or 4.8: refused). With no locale (the API) only the plain
form is read. Currency signs and a percent sign around the number are ignored."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal

_DIGITS = "0123456789"
_ALLOWED = set(_DIGITS + ".,'’ \t\u00a0\u202f\u2009")
_PLAIN = re.compile(r"^\d+(?:\.(\d+))?$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
EXAMPLE = Decimal("4800.50")


class NumberInputError(ValueError):
    """Not a number as written in the locale; `example` shows how to write one there."""

    def __init__(self, text: str, example: str):
        super().__init__(f"'{text}' is not a number; write it like {example}")
        self.text = text
        self.example = example


def example(locale: str | None) -> str:
    if locale is None:
        return "4800.50"
    return format_decimal(EXAMPLE, format="#,##0.00", locale=locale)


def _bare(text: str) -> str:
    """Without currency signs, a percent sign and the spaces around."""
    value = text.strip()
    while value and (unicodedata.category(value[0]) == "Sc" or value[0] in "%"):
        value = value[1:].strip()
    while value and (unicodedata.category(value[-1]) == "Sc" or value[-1] in "%"):
        value = value[:-1].strip()
    return value


def parse_number(text: str, locale: str | None) -> Decimal:
    """The number typed, or NumberInputError (a minus sign is read: the field's range refuses it)."""
    raw = text or ""
    value = _bare(raw)
    refused = NumberInputError(raw.strip(), example(locale))
    if value[:1] in ("-", "\u2212"):
        if value[1:2] in ("-", "\u2212"):
            raise refused
        return -parse_number(value[1:], locale)
    if not value or value[0] not in _DIGITS or any(ch not in _ALLOWED for ch in value):
        raise refused
    if locale is None:
        if not _PLAIN.match(value):
            raise refused
        return Decimal(value)
    group = get_group_symbol(locale)
    spaced_groups = _SPACES.match(group) is not None
    value = _SPACES.sub(group if spaced_groups else "", value)
    plain = _PLAIN.match(value)
    if plain:
        if group == "." and plain.group(1) is not None and len(plain.group(1)) == 3:
            raise refused  # "4.800" where the point groups thousands
        return Decimal(value)
    try:
        number = parse_decimal(value, locale=locale, strict=True)
    except NumberFormatError:
        raise refused from None
    if not number.is_finite():
        raise refused
    return number
