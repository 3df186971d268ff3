"""The period a report covers: this quarter, the last 12 months, or custom dates; and the period
before it of the same length (to compare with). Dates are whole days, `end` included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    preset: str
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period("custom", end - timedelta(days=self.days - 1), end)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def choose(preset: str | None, start: date | None, end: date | None, today: date) -> Period:
    """The period asked for; an unknown preset, or custom dates missing or reversed, fall back to
    the default (the page says which period it shows, so nothing is silently misread)."""
    if preset == "custom" and start and end and start <= end:
        return Period("custom", start, min(end, today))
    if preset == "quarter":
        return Period("quarter", quarter_start(today), today)
    return Period("12m", _months_back(today, 12) + timedelta(days=1), today)


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
