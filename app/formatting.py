"""Dates, numbers and money for display, through Babel in the user's locale and timezone.

One format per kind of date, everywhere (lists, timeline, flashes, reports):
- a calendar day (a due date, a close date, the day a touch happened): `fmt_date` — "Nov 24, 2026",
  «24 нояб. 2026 г.»;
- a moment (when something was logged, changed, deleted): `fmt_datetime` — the day as above and the
  time of day, "Nov 24, 2026, 12:00 PM", «24 нояб. 2026 г., 12:00», in the user's time zone;
- a time of day alone (a reminder's time): `fmt_time` — "9:30 AM", «09:30»;
- how long ago: `fmt_ago` — "3 days ago"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import format_date, format_time, get_locale, ngettext
from flask_babel import gettext as _

from app import number_format


def fmt_date(value: date | datetime | None) -> str:
    """A calendar day (a moment shows the day it is where the user is)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, "medium")


def _local(value: datetime) -> datetime:
    from flask_babel import get_timezone

    return value.astimezone(get_timezone())


def fmt_datetime(value: datetime | None) -> str:
    """A moment: its day and its time of day, where the user is."""
    if value is None:
        return ""
    local = _local(value)
    return _("%(day)s, %(time)s", day=format_date(local.date(), "medium"), time=format_time(local, "short"))


def fmt_time(value) -> str:
    """A time of day alone (a reminder's time, already in the user's wall-clock time)."""
    return format_time(value, "short") if value is not None else ""


def locale_name() -> str:
    """The user's locale, for writing many numbers with one look-up (`locale=` below)."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


# Numbers as Babel writes them in the user's locale, through app/number_format.py (the same output,
# a page of numbers at a fraction of the cost)
def fmt_money(amount: Decimal | None, currency: str, locale: str | None = None) -> str:
    if amount is None:
        return ""
    return number_format.money(amount, currency, locale or locale_name())


def fmt_number(value, locale: str | None = None) -> str:
    return number_format.number(value, locale or locale_name()) if value is not None else ""


def fmt_percent(share, locale: str | None = None) -> str:
    """A share (0.25) as the locale writes a percentage ("25%", "25 %"); whole percents."""
    return number_format.number(share, locale or locale_name(), "#,##0%") if share is not None else ""


def fmt_decimal(value, digits: int = 1, locale: str | None = None) -> str:
    """A measure such as an average, with `digits` decimals in the locale's way ("3.1", "3,1")."""
    if value is None:
        return ""
    return number_format.number(value, locale or locale_name(), "#,##0." + "0" * digits)


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
    return ngettext("%(num)s day ago", "%(num)s days ago", days)
