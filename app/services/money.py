"""Money helpers shared by deals, commissions and their totals: amounts are `Decimal`, stored with
two decimals, each in a currency whose minor unit is babel's currency precision (2 for EUR, 0 for JPY)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from app.messages import Text

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


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_CURRENCY_MARKS = "€$£₽¥₴₸"


class AmountError(ValueError):
    """The text is not an amount, or could be read two ways; `text` says which (for the user)."""

    def __init__(self, template: str, **params):
        self.text = Text(template, **params)
        super().__init__(self.text.english)


def parse_amount(text: str) -> Decimal:
    """An amount as people type it in a spreadsheet, read only when it can mean one thing:

        "4800", "4800.50", "4800,50", "4,800.50", "4.800,50", "4 800,50", "1,234,567" -> Decimal

    "4,800" and "4.800" alone could be four thousand eight hundred or four point eight: refused
    (AmountError), never guessed. A currency sign around the number is ignored."""
    raw = (text or "").strip()
    value = raw.strip(_CURRENCY_MARKS).strip()
    if value.startswith("-"):
        raise AmountError("'%(value)s' is negative: an amount cannot be", value=raw)
    value = value.translate(_SPACES)
    if not value or not all(ch.isdigit() or ch in ".," for ch in value) or not value[0].isdigit():
        raise AmountError("'%(value)s' is not an amount", value=raw)
    if not value[-1].isdigit():
        raise AmountError("'%(value)s' is not an amount", value=raw)
    separators = [ch for ch in value if ch in ".,"]
    if not separators:
        return Decimal(value)
    last = value.rfind(separators[-1])
    integer, fraction = value[:last], value[last + 1 :]
    if len(set(separators)) == 2:
        # both: the last one is the decimal mark, the other groups thousands ("4.800,50")
        grouping = separators[0]
        if separators[-1] == grouping or separators[:-1].count(grouping) != len(separators) - 1:
            raise AmountError("'%(value)s' is not an amount", value=raw)
        return Decimal(_ungrouped(integer, grouping, raw) + "." + fraction)
    mark = separators[0]
    if len(separators) > 1:  # "1,234,567": only grouping
        return Decimal(_ungrouped(value, mark, raw))
    if len(fraction) == 3:
        as_decimal = f"{Decimal(integer + '.' + fraction):.2f}"
        raise AmountError(
            "'%(value)s' is ambiguous: write %(whole)s or %(decimal)s",
            value=raw,
            whole=integer + fraction,
            decimal=as_decimal,
        )
    return Decimal(integer + "." + fraction)


def _ungrouped(value: str, mark: str, raw: str) -> str:
    groups = value.split(mark)
    if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]):
        raise AmountError("'%(value)s' is not an amount", value=raw)
    return "".join(groups)
