"""Dates, numbers and money for display, through Babel in the user's locale and timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_percent
from flask_babel import gettext as _


def fmt_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, format)


def _local(value: datetime) -> datetime:
    from flask_babel import get_timezone

    return value.astimezone(get_timezone())


def fmt_datetime(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format)


def fmt_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency)


def fmt_number(value) -> str:
    return format_decimal(value) if value is not None else ""


def fmt_percent(share) -> str:
    """A share (0.25) as the locale writes a percentage ("25%", "25 %"); whole percents."""
    return format_percent(share, "#,##0%") if share is not None else ""


def fmt_decimal(value, digits: int = 1) -> str:
    """A measure such as an average, with `digits` decimals in the locale's way ("3.1", "3,1")."""
    return format_decimal(value, "#,##0." + "0" * digits) if value is not None else ""


def fmt_ago(value: datetime | None, now: datetime | None = None) -> str:
    """'today', '3 days ago' — whole days, in the user's timezone."""
    if value is None:
        return _("never")
    now = now or datetime.now(UTC)
    days = (_local(now).date() - _local(value).date()).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return _("%(n)s days ago", n=days)
