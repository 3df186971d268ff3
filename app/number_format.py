"""Numbers and money written the locale's way, as Babel writes them, without Babel's cost per number.

Babel's formatter looks the locale's symbols, the currency's symbol, name and digits up again for
every number (about 50 µs each); a report page writes a thousand numbers. Here the pattern and the
symbols are read from Babel once per (locale, pattern, currency) and kept; writing a number then
applies them exactly as babel.numbers.NumberPattern.apply does for a plain pattern (no exponent,
no significant digits). Anything else is handed to Babel. tests/i18n/test_number_format.py compares
the two over many values in every language Orchard speaks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_quantum,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class _Compiled:
    prefix: tuple[str, str]  # positive, negative (currency sign and quotes already resolved)
    suffix: tuple[str, str]
    scale: int
    frac: tuple[int, int]  # least and most fraction digits
    quantum: Decimal
    int_min: int
    grouping: tuple[int, int]
    group: str
    decimal: str


def _literal(text: str, currency: str | None, symbol: str) -> str | None:
    if "¤¤¤" in text:  # the currency's name depends on the number: Babel's job
        return None
    if currency is not None:
        text = text.replace("¤¤", currency.upper()).replace("¤", symbol)
    return _QUOTED.sub(lambda m: m.group(1) or "'", text)


@lru_cache(maxsize=512)
def _compiled(locale: str, pattern_text: str | None, currency: str | None) -> _Compiled | None:
    place = Locale.parse(locale)
    if currency is not None and pattern_text is None:
        pattern = place.currency_formats["standard"]
    else:
        pattern = parse_pattern(pattern_text or place.decimal_formats[None])
    if pattern.exp_prec or "@" in pattern.pattern or not pattern.number_pattern:
        return None
    symbol = get_currency_symbol(currency, place) if currency is not None else ""
    affixes = [_literal(text, currency, symbol) for text in (*pattern.prefix, *pattern.suffix)]
    if None in affixes:
        return None
    frac = (get_currency_precision(currency),) * 2 if currency is not None else pattern.frac_prec
    return _Compiled(
        prefix=(affixes[0], affixes[1]),
        suffix=(affixes[2], affixes[3]),
        scale=pattern.scale,
        frac=frac,
        quantum=get_decimal_quantum(frac[1]),
        int_min=pattern.int_prec[0],
        grouping=pattern.grouping,
        group=get_group_symbol(place),
        decimal=get_decimal_symbol(place),
    )


def _grouped(digits: str, c: _Compiled) -> str:
    if len(digits) < c.int_min:
        digits = "0" * (c.int_min - len(digits)) + digits
    size, out = c.grouping[0], ""
    while len(digits) > size:
        out = c.group + digits[-size:] + out
        digits = digits[:-size]
        size = c.grouping[1]
    return digits + out


def _fraction(digits: str, c: _Compiled) -> str:
    least, most = c.frac
    if len(digits) < least:
        digits += "0" * (least - len(digits))
    if most == 0 or (least == 0 and int(digits) == 0):
        return ""
    while len(digits) > least and digits[-1] == "0":
        digits = digits[:-1]
    return c.decimal + digits


def _write(c: _Compiled, value) -> str | None:
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    value = value.scaleb(c.scale)
    if not value.is_finite():
        return None
    negative = int(value.is_signed())
    whole, _, fraction = f"{abs(value).normalize().quantize(c.quantum):f}".partition(".")
    return c.prefix[negative] + _grouped(whole, c) + _fraction(fraction or "0", c) + c.suffix[negative]


def number(value, locale: str, pattern: str | None = None) -> str:
    """babel.numbers.format_decimal(value, pattern, locale=locale)."""
    compiled = _compiled(locale, pattern, None)
    written = _write(compiled, value) if compiled is not None else None
    return written if written is not None else format_decimal(value, pattern, locale=locale)


def money(amount, currency: str, locale: str) -> str:
    """babel.numbers.format_currency(amount, currency, locale=locale)."""
    compiled = _compiled(locale, None, currency)
    written = _write(compiled, amount) if compiled is not None else None
    return written if written is not None else format_currency(amount, currency, locale=locale)
