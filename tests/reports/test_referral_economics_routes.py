"""The Referral economics page: pictures and tables from the hand-counted book, the export of each
table, the empty state, bad query strings, another workspace, and a constant number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Deal
from app.services import referral_tree
from tests.conftest import NOW, make_partner
from tests.html import parse

from .economics_book import build

pytestmark = pytest.mark.usefixtures("frozen_clock")
URL = "/reports/referral-economics"


def _cells(table):
    return [
        [c.text.strip() for c in row.find_all() if c.tag in ("th", "td")] for row in table.one("tbody").find_all("tr")
    ]


def test_the_page_shows_the_pictures_tables_and_reading(logged_in, workspace):
    book = build(workspace)
    page = parse(logged_in.get(URL).text)
    reading = page.one("p", data_reading=True).text
    assert "76%" in reading and "EUR" in reading
    generations = _cells(page.one("table", id="report-referral-generations"))
    assert generations[0] == ["Generation 0 (nobody referred them)", "4", "EUR", "€1,570.00", "3", "€392.50"]
    assert generations[3] == ["Generation 1", "4", "USD", "$300.00", "1", "$75.00"]
    referrers = _cells(page.one("table", id="report-referrers"))
    assert referrers[0] == ["A", "EUR", "€1,300.00", "€1,000.00", "€40.00", "€20.00", "3", "6"]
    assert _cells(page.one("table", id="report-growing-branches")) == [["A", "6", "4", "1"]]
    assert [row[0] for row in _cells(page.one("table", id="report-dead-ends"))] == ["C", "Z"]
    # the referrers' bars link to their trees
    tree_links = [a["href"] for a in page.find_all("a") if a.get("href", "").startswith("/referrals/tree/")]
    assert f"/referrals/tree/{book.ids['A']}" in tree_links and f"/referrals/tree/{book.ids['D']}" in tree_links
    # per currency: won and won per partner, one bar per generation
    assert len(page.find_all("figure", class_="chart")) == 4 + 2  # 2 currencies × 2, referrers, growing
    assert page.find("select", name="owner") is None  # no filters this report cannot apply


def test_comparing_draws_the_period_before(logged_in, workspace):
    build(workspace)
    page = parse(logged_in.get(URL + "?compare=1").text)
    assert page.find_all("rect", class_="before")


def test_each_table_downloads_as_shown(logged_in, workspace):
    build(workspace)
    response = logged_in.get(URL + "?table=referrers&format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:6] == [
        "Referrer",
        "Currency",
        "Brought by their referrals",
        "Their own won deals",
        "Commission paid",
        "Commission owed",
    ]
    assert rows[1] == ["A", "EUR", "1300.00", "1000.00", "40.00", "20.00", "3", "6"]
    default = list(csv.reader(io.StringIO(logged_in.get(URL + "?format=csv").text)))
    assert default[1] == ["Generation 0 (nobody referred them)", "4", "EUR", "1570.00", "3", "392.50"]
    with logged_in.get(URL + "?table=dead-ends&format=xlsx") as response:
        sheet = load_workbook(io.BytesIO(response.data)).active
    assert [sheet["A2"].value, sheet["B2"].value] == ["C", 1]
    page = parse(logged_in.get(URL + "?period=quarter").text)
    links = [a["href"] for a in page.one("details", id="export-referrers").find_all("a")]
    assert links and all("table=referrers" in link and "period=quarter" in link for link in links)


def test_without_referrals_the_page_says_how_to_record_one(logged_in, workspace):
    make_partner(workspace, name="Alone")
    page = parse(logged_in.get(URL).text)
    empty = page.one(id="economics-empty")
    assert "Referrals tab" in empty.text
    assert page.find("table", class_="report-table") is None
    assert page.find("p", data_reading=True) is None


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&from=2026-13-01&to=x",
        "period=custom&from=2026-12-01&to=2026-01-01",
        "table=%00&format=csv",
        "table=nothing",
        "compare=1&period=quarter",
        "period=%FF",
    ],
)
def test_bad_query_strings_never_make_a_500(logged_in, workspace, query):
    build(workspace)
    assert logged_in.get(f"{URL}?{query}").status_code == 200


def test_an_unknown_format_is_refused_plainly(logged_in, workspace):
    assert logged_in.get(URL + "?format=pdf").status_code == 400


def test_another_workspaces_book_is_not_shown(client, auth, workspace, other):
    build(workspace)
    auth.login(other["user"])
    page = parse(client.get(URL).text)
    assert page.find(id="economics-empty") is not None
    assert "A" not in [row[0] for table in page.find_all("table") for row in _cells(table)]


def test_the_list_of_reports_links_it(logged_in, workspace):
    page = parse(logged_in.get("/reports/").text)
    assert page.find("a", href=URL) is not None


def _grow(workspace, n):
    """n more referred partners with won deals, under a new root."""
    root = make_partner(workspace, name=f"Root {n}")
    for i in range(n):
        child = make_partner(workspace, name=f"Child {n}-{i}")
        referral_tree.set_referrer(db.session, workspace.id, child, root.id, now=NOW, referred_on=NOW.date())
        db.session.add(
            Deal(
                workspace_id=workspace.id,
                partner_id=child.id,
                title="Deal",
                amount=100 + i,
                currency="EUR" if i % 2 else "USD",
                stage="won",
                closed_on=NOW.date(),
            )
        )
        db.session.commit()


def test_the_page_runs_the_same_queries_at_two_sizes(logged_in, workspace, count_queries):
    build(workspace)
    _grow(workspace, 3)
    logged_in.get(URL)
    with count_queries() as small:
        assert logged_in.get(URL + "?compare=1").status_code == 200
    _grow(workspace, 30)
    with count_queries() as big:
        assert logged_in.get(URL + "?compare=1").status_code == 200
    assert small.count == big.count <= 10


def test_a_long_chain_ends_in_one_row_for_the_deep_generations(logged_in, workspace):
    from datetime import date

    from .economics_book import _won

    previous = None
    for n in range(13):
        partner = make_partner(workspace, name=f"Link {n}")
        if previous:
            referral_tree.set_referrer(db.session, workspace.id, partner, previous, now=NOW)
        _won(workspace, partner.id, "10", "EUR", date(2026, 6, 1))
        previous = partner.id
    db.session.commit()
    page = parse(logged_in.get(URL).text)
    generations = _cells(page.one("table", id="report-referral-generations"))
    assert [row[0] for row in generations][-2:] == ["Generation 9", "Generation 10 and deeper"]
    assert generations[-1][1:] == ["3", "EUR", "€30.00", "3", "€10.00"]
