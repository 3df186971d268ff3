"""Time zones and local dates. Nothing here reads the clock: `now` is always passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(tz_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(tz_name: str | None, now: datetime) -> date:
    """The calendar date it is for someone in `tz_name` at the aware instant `now`."""
    return now.astimezone(zone(tz_name)).date()


def week_start(moment: datetime) -> date:
    """The Monday (UTC) of the week a moment falls in."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())
