"""Texts the business rules hand to a page are marked for the catalog, so a Russian reader sees
them in Russian (a template's `_(value)` of an unmarked constant finds no translation)."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import NOW, make_partner
from tests.deals.helpers import make_deal
from tests.html import parse


@pytest.mark.parametrize(("us", "them"), [(0, 1), (1, -1), (-1, 1), (-1, -2)])
def test_a_deals_win_win_warning_is_in_russian(logged_in, user, workspace, us, them):
    user.locale = "ru"
    deal = make_deal(make_partner(workspace, name="Студия Север"), now=NOW, value_to_us=us, value_to_partner=them)
    db.session.commit()
    page = parse(logged_in.get(f"/deals/{deal.id}").get_data(as_text=True))
    warning = page.one("p", class_="quadrant-warning").text
    assert not any(word in warning for word in ("A compromise", "Good for", "Nobody")), warning
    assert any("а" <= letter <= "я" for letter in warning.lower()), warning


def test_russian_counts_take_their_three_forms(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context("/"), force_locale("ru"):
        shown = [ngettext("%(num)s partner", "%(num)s partners", n) for n in (1, 2, 5, 11, 21, 22)]
    assert shown == ["1 партнёр", "2 партнёра", "5 партнёров", "11 партнёров", "21 партнёр", "22 партнёра"]
