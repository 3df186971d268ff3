"""The Sources and Tiers pages: the picture first and the table under it, the reading line, the
export, the comparison, the empty state, and no query string making a 500."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import make_partner, make_user, workspace_of
from tests.html import parse
from tests.reports.outcomes_book import build

ASK = "period=custom&from=2026-01-01&to=2026-11-24"


@pytest.fixture
def book(workspace, user):
    return build(workspace, owner=user.id)


def _rows(page):
    table = page.one("table", class_="report-table")
    return [
        [cell.text.strip() for cell in tr.find_all() if cell.tag in ("th", "td")]
        for tr in table.one("tbody").find_all("tr")
    ]


def test_the_sources_page_shows_the_picture_the_reading_and_the_table(book, logged_in):
    response = logged_in.get(f"/reports/sources?{ASK}")
    assert response.status_code == 200
    page = parse(response.text)
    reading = page.one("p", data_reading=True).text
    assert reading == "Partners from Referral bring 10.0× the won revenue per partner of those from Event (EUR)."
    assert page.find("figure", class_="chart") is not None
    rows = _rows(page)
    assert rows[0][:7] == ["Referral", "2", "100%", "30.0", "EUR", "€3,000.00", "€1,500.00"]
    assert rows[1][:7] == ["Referral", "2", "100%", "30.0", "USD", "$500.00", "$250.00"]
    assert rows[0][7:] == ["0.8", "0.2", "50%", "50%", "1", "0.5"]
    assert [r[0] for r in rows] == ["Referral", "Referral", "Event"]


def test_the_tiers_page_shows_the_cadence_kept(book, logged_in):
    rows = _rows(parse(logged_in.get(f"/reports/tiers?{ASK}").text))
    assert [(r[0], r[-1]) for r in rows] == [("Tier A", "50%"), ("Tier A", "50%"), ("Tier B", "0%"), ("Tier C", "0%")]


def test_the_table_downloads_as_csv_and_xlsx_with_what_the_page_shows(book, logged_in):
    text = logged_in.get(f"/reports/sources?{ASK}&format=csv").text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Source", "Partners gained", "Became active"]
    assert rows[1][:7] == ["Referral", "2", "1.0000", "30.00", "EUR", "3000.00", "1500.00"]
    with logged_in.get(f"/reports/tiers?{ASK}&format=xlsx") as response:
        sheet = load_workbook(io.BytesIO(response.data)).active
    assert [sheet.cell(1, 1).value, sheet.cell(2, 1).value, sheet.cell(2, 2).value] == ["Tier", "Tier A", 2]


def test_comparing_adds_the_period_before(book, logged_in):
    page = parse(logged_in.get(f"/reports/sources?{ASK}&compare=1").text)
    rows = _rows(page)
    assert rows[0][-2:] == ["2", "€4,500.00"]  # Old2 and Late, 2025-02-07 .. 2025-12-31
    assert page.find("rect", class_="before") is not None


def test_an_empty_period_says_what_to_do(logged_in):
    page = parse(logged_in.get("/reports/sources").text)
    assert "No partners were added in this period." in page.one(class_="empty-state").text
    assert page.find("table", class_="report-table") is None


@pytest.mark.parametrize(
    "query",
    [
        "source=billboard",
        "tier=Z&owner=abc",
        "period=custom&from=2026-12-01&to=2026-01-01",
        "period=custom&from=9999-99-99&to=",
        "compare=1&period=quarter&format=",
    ],
)
def test_bad_query_strings_never_make_a_500(book, logged_in, query):
    for report in ("sources", "tiers"):
        assert logged_in.get(f"/reports/{report}?{query}").status_code == 200


def test_another_workspaces_owner_filter_is_ignored_and_its_partners_never_counted(book, logged_in, workspace):
    stranger = make_user()
    make_partner(workspace_of(stranger), source="event", owner_id=stranger.id)
    page = parse(logged_in.get(f"/reports/sources?{ASK}&owner={stranger.id}").text)
    assert "owner" in page.one("p", class_="notice").text
    assert [r[1] for r in _rows(page)] == ["2", "2", "2"]


def test_the_reports_index_links_both(logged_in):
    page = parse(logged_in.get("/reports/").text)
    links = [a["href"] for a in page.find_all("a")]
    assert "/reports/sources" in links and "/reports/tiers" in links
