"""Parsing integers that come from users (query strings, form fields, URL parts).

The id columns (and the other integers users type) are INTEGER: a signed 32-bit number on
PostgreSQL (SQLite would take 64 bits). A bigger number is not an id of anything, and handing it to
the database raises an error (a 500) instead of answering "not found"."""

from __future__ import annotations

import builtins

from werkzeug.routing import IntegerConverter
from wtforms import IntegerField

MAX_DB_INT = 2**31 - 1
# far beyond any real list, small enough that page * per_page stays a database integer
MAX_PAGE = 1_000_000


def parse_int(value, default=None):
    """`value` as an int within the database's range, or `default` when it is missing or is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if -MAX_DB_INT <= number <= MAX_DB_INT else default


def optional_int(value):
    """WTForms `coerce` for optional id selects: "" -> None; not an id -> ValueError (an invalid choice)."""
    if value in (None, "", "None"):
        return None
    number = parse_int(value)
    if number is None:
        raise ValueError("not a valid id")
    return number


class DbIntegerField(IntegerField):
    """An IntegerField that takes only numbers the database can hold (else: an error and no data).

    Besides the database error, a number beyond a float's range makes WTForms' NumberRange raise."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and parse_int(self.data) is None:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))


class DbIntConverter(IntegerConverter):
    """The `<int:...>` URL converter of every route: a number beyond the database's integer range
    matches no route (a 404), so no view hands it to the database."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_DB_INT, signed=False):
        bounded = MAX_DB_INT if max is None else builtins.min(max, MAX_DB_INT)
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=bounded, signed=signed)
