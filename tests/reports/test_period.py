from datetime import date

import pytest

from app.services.reports.period import Period, choose

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("preset", "start", "end", "expected"),
    [
        ("quarter", None, None, Period("quarter", date(2026, 10, 1), TODAY)),
        ("12m", None, None, Period("12m", date(2025, 12, 1), TODAY)),
        (None, None, None, Period("12m", date(2025, 12, 1), TODAY)),
        ("nonsense", None, None, Period("12m", date(2025, 12, 1), TODAY)),
        ("custom", date(2026, 1, 1), date(2026, 3, 31), Period("custom", date(2026, 1, 1), date(2026, 3, 31))),
        ("custom", date(2026, 3, 31), date(2026, 1, 1), Period("12m", date(2025, 12, 1), TODAY)),
        ("custom", date(2026, 1, 1), None, Period("12m", date(2025, 12, 1), TODAY)),
        ("custom", date(2026, 11, 1), date(2027, 1, 1), Period("custom", date(2026, 11, 1), TODAY)),
    ],
)
def test_the_period_asked_for(preset, start, end, expected):
    assert choose(preset, start, end, TODAY) == expected


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    period = Period("custom", date(2026, 1, 1), date(2026, 3, 31))
    before = period.previous()
    assert before.end == date(2025, 12, 31)
    assert before.days == period.days == 90


def test_the_last_twelve_months_are_calendar_months_with_this_one():
    assert choose("12m", None, None, date(2028, 2, 29)).start == date(2027, 3, 1)
    assert choose("12m", None, None, date(2026, 1, 1)).start == date(2025, 2, 1)


def test_a_preset_is_compared_with_the_same_span_its_months_earlier():
    assert choose("12m", None, None, TODAY).previous() == Period("custom", date(2024, 12, 1), date(2025, 11, 24))
    assert choose("quarter", None, None, TODAY).previous() == Period("custom", date(2026, 7, 1), date(2026, 8, 24))
    assert choose("quarter", None, None, date(2026, 5, 31)).previous() == (
        Period("custom", date(2026, 1, 1), date(2026, 2, 28))
    )
