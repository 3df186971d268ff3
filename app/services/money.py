"""Money helpers shared by deals, commissions and their totals: amounts are `Decimal`, stored with
two decimals, each in a currency whose minor unit is babel's currency precision (2 for EUR, 0 for JPY)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

ZERO = Decimal("0")
STORED = Decimal("0.01")  # the scale of every amount column


def decimals(currency: str) -> int:
    """How many decimals the currency's minor unit has."""
    return get_currency_precision(currency)


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-decimals(currency))


def to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """The amount rounded half-up to the currency's minor unit."""
    return Decimal(amount).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def as_money(value) -> Decimal:
    """An amount read from the database, at two decimals (SQLite sums come back as floats)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(STORED, rounding=ROUND_HALF_UP)
