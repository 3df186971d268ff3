"""Time zones and local dates. Nothing here reads the clock: `now` is always passed in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(tz_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(tz_name: str | None, now: datetime) -> date:
    """The calendar date it is for someone in `tz_name` at the aware instant `now`."""
    return now.astimezone(zone(tz_name)).date()
