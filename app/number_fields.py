"""The one form field for money and percentages: a text input (`inputmode="decimal"`) read with
app.services.number_input in the user's locale — the API's requests in the plain form only — and
refused next to the field, with the text kept, when it could mean two things or nothing."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import StringField
from wtforms.validators import StopValidation

from app.services.number_input import NumberInputError, parse_number


def input_locale() -> str | None:
    """The locale numbers are typed in: the user's; None (the plain form) for the API."""
    if has_request_context() and (request.blueprint or "").startswith("api_"):
        return None
    return str(get_locale() or "en")


class LocalDecimalField(StringField):
    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0] if valuelist else ""
        if not text.strip():
            return
        try:
            self.data = parse_number(text, input_locale())
        except NumberInputError as error:
            raise ValueError(
                _(
                    "Could not read “%(text)s” as a number. Write it like %(example)s.",
                    text=error.text,
                    example=error.example,
                )
            ) from None

    def process_data(self, value):
        self.data = Decimal(str(value)) if value is not None and value != "" else None

    def pre_validate(self, form):
        if self.process_errors:  # unreadable: that message alone, not "must be at least 0" too
            raise StopValidation()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        locale = input_locale()
        if locale is None:
            return str(self.data)
        return format_decimal(self.data, format="0.00########", locale=locale)
