"""One format per kind of date across the app, in the user's language: a day, a moment, a time of
day. The follow-up flash once wrote its date as 2026-11-27 while the lists wrote Nov 27, 2026."""

from __future__ import annotations

from datetime import date, time

import pytest
from flask_babel import force_locale

from app.formatting import fmt_date, fmt_datetime, fmt_time
from tests.conftest import NOW

NNBSP = "\u202f"  # the narrow no-break space CLDR puts before AM/PM and the Russian «г.»


@pytest.mark.parametrize(
    ("locale", "day", "moment", "time_of_day"),
    [
        ("en", "Nov 24, 2026", f"Nov 24, 2026, 12:00{NNBSP}PM", f"9:30{NNBSP}AM"),
        ("ru", f"24 нояб. 2026{NNBSP}г.", f"24 нояб. 2026{NNBSP}г., 12:00", "09:30"),
    ],
)
def test_each_kind_of_date_has_one_format_per_language(app, locale, day, moment, time_of_day):
    with app.test_request_context("/"), force_locale(locale):
        assert fmt_date(date(2026, 11, 24)) == day
        assert fmt_date(NOW) == day  # a moment shown as a day: the same day format
        assert fmt_datetime(NOW) == moment
        assert fmt_time(time(9, 30)) == time_of_day
        assert fmt_date(None) == fmt_datetime(None) == fmt_time(None) == ""


def test_the_follow_up_flash_writes_its_day_as_the_lists_do(frozen_clock, logged_in, workspace, hx):
    from tests.conftest import make_partner

    partner = make_partner(workspace, name="Acme")
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        headers=hx,
        data={
            "kind": "call",
            "direction": "ours",
            "occurred_at": NOW.strftime("%Y-%m-%dT%H:%M"),  # the user's zone is UTC
            "summary": "Call",
            "follow_up": "3",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Follow-up on Nov 27, 2026." in body and "2026-11-27" not in body
