"""The period a report covers: this quarter, the last 12 months, or custom dates; and the period
before it (to compare with). Dates are whole days, `end` included.

The presets are calendar months up to today: this quarter from its first day, the last 12 months
from the first day of the month eleven months back (with today's month, twelve months). So the
reports read whole-month aggregates — today's month holds nothing after today. The period before a
preset is the same span shifted back by its months (quarter to date against the quarter before to
the same day); before custom dates, the same number of days just before them."""

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
        """The period to compare with: a preset's span its months earlier, or the days just before."""
        months = SHIFT_MONTHS.get(self.preset)
        if months:
            return Period("custom", months_back(self.start, months), months_back(self.end, months))
        end = self.start - timedelta(days=1)
        return Period("custom", end - timedelta(days=self.days - 1), end)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def choose(preset: str | None, start: date | None, end: date | None, today: date) -> Period:
    """The period asked for; an unknown preset, or custom dates missing or reversed, fall back to
    the default (the page says which period it shows, so nothing is silently misread)."""
    if preset == "custom" and start and end and start <= end:
        return Period("custom", start, min(end, today))
    if preset == "quarter":
        return Period("quarter", quarter_start(today), today)
    return Period("12m", months_back(today.replace(day=1), 11), today)


SHIFT_MONTHS = {"quarter": 3, "12m": 12}


def months_back(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
