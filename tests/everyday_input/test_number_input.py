"""Amounts and percentages mean what was typed, in the user's locale; what could be read two ways,
or not at all, is refused — never silently reinterpreted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.number_input import NumberInputError, parse_number

READ = [
    # (locale, typed, read)
    ("en", "4800", "4800"),
    ("en", "4800.50", "4800.50"),
    ("en", "4,800.50", "4800.50"),
    ("en", "4,800", "4800"),
    ("en", " 1,234,567.8 ", "1234567.8"),
    ("en", "4 800.50", "4800.50"),
    ("en", "€4,800.50", "4800.50"),
    ("en", "7.5%", "7.5"),
    ("en", "-5", "-5"),  # read: the field says an amount cannot be negative
    ("en", "--5", None),
    ("ru", "4 800,50", "4800.50"),
    ("ru", "4\u00a0800,50", "4800.50"),
    ("ru", "4\u202f800,50", "4800.50"),
    ("ru", "4800,50", "4800.50"),
    ("ru", "4800.50", "4800.50"),  # a plain number with a point means the same everywhere
    ("ru", "7,5", "7.5"),
    ("ru", "4 800 ₽", "4800"),
    ("de", "4.800,50", "4800.50"),
    (None, "4800.50", "4800.50"),  # the API: the plain form
    (None, "0", "0"),
]

REFUSED = [
    ("en", "4.800,00"),  # German-style in an English interface: not 4.80
    ("en", "4800,50"),  # not 480,050
    ("en", "4,80"),
    ("en", "4..8"),
    ("en", "abc"),
    ("en", "1e5"),
    ("en", "NaN"),
    ("en", "Infinity"),
    ("ru", "4,800.50"),  # English grouping in a Russian interface
    ("ru", "4.800,50"),
    ("de", "4.800"),  # German grouping or a decimal point: two readings
    (None, "4,800.50"),
    (None, "4800,50"),
    (None, "4 800"),
]


@pytest.mark.parametrize(("locale", "typed", "read"), [r for r in READ if r[2] is not None])
def test_read(locale, typed, read):
    assert parse_number(typed, locale) == Decimal(read)


@pytest.mark.parametrize(("locale", "typed"), REFUSED + [(r[0], r[1]) for r in READ if r[2] is None])
def test_refused(locale, typed):
    with pytest.raises(NumberInputError) as caught:
        parse_number(typed, locale)
    assert caught.value.example  # the message shows how to write it


def test_an_example_in_the_locale():
    with pytest.raises(NumberInputError) as caught:
        parse_number("4.800,00", "en")
    assert caught.value.example == "4,800.50"
    with pytest.raises(NumberInputError) as caught:
        parse_number("4,800.50", "ru")
    assert caught.value.example == "4\u00a0800,50"
