"""The fast number writer (app/number_format.py) writes every number exactly as Babel does."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, format_percent

from app import number_format
from app.i18n import LANGUAGES

CURRENCIES = ["EUR", "USD", "GBP", "JPY", "RUB", "CHF", "KWD", "XAU", "QQQ"]  # gold, and a code no one uses
PATTERNS = [None, "#,##0.0", "#,##0.00", "#,##0", "#,##0%", "0.000", "#,##0.###"]


def _values() -> list:
    rng = random.Random(20261203)
    values = [0, -0.0, Decimal("-0"), Decimal("0.005"), Decimal("0.015"), Decimal("-0.004"), Decimal("2.5")]
    values += [Decimal("1234567.895"), Decimal("-1234567.894"), 1000, 999, -1, 12, Decimal("1E+3"), 0.1, 3.14159]
    values += [Decimal("0.0001"), Decimal("99.995"), Decimal("1E-7"), Decimal("123456789012345.678")]
    for _ in range(300):
        digits = rng.randint(0, 12)
        values.append(Decimal(rng.randint(-(10**digits), 10**digits)).scaleb(-rng.randint(0, 5)))
    return values


VALUES = _values()


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
@pytest.mark.parametrize("currency", CURRENCIES)
def test_money_is_written_as_babel_writes_it(locale, currency):
    for value in VALUES:
        assert number_format.money(value, currency, locale) == format_currency(value, currency, locale=locale), value


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
@pytest.mark.parametrize("pattern", PATTERNS)
def test_numbers_are_written_as_babel_writes_them(locale, pattern):
    write = format_percent if pattern and "%" in pattern else format_decimal
    for value in VALUES:
        assert number_format.number(value, locale, pattern) == write(value, pattern, locale=locale), value


def test_what_it_cannot_write_itself_babel_writes():
    assert number_format.number(Decimal("Infinity"), "en") == format_decimal(Decimal("Infinity"), locale="en")
    assert number_format.number(12345, "en", "0.###E0") == format_decimal(12345, "0.###E0", locale="en")
    assert number_format.money(5, "EUR", "en_US") == format_currency(5, "EUR", locale="en_US")
