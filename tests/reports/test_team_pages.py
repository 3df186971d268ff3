"""The health-over-time and account-managers pages: what an owner and a member see, the export,
the empty states, query strings that name nothing, and the query count at two sizes."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app.extensions import db
from app.services.reports.health import close_weeks
from tests.conftest import NOW, PASSWORD, AuthActions, make_partner, make_user, workspace_of
from tests.html import parse
from tests.reports.team_book import build_team, touch

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def team(user, workspace):
    return build_team(user, workspace)


def _cells(page):
    table = page.one("table", class_="report-table")
    return [
        [c.text.strip() for c in row.find_all() if c.tag in ("th", "td")] for row in table.one("tbody").find_all("tr")
    ]


def test_reports_index_links_both_reports(logged_in):
    page = parse(logged_in.get("/reports/").text)
    hrefs = [a["href"] for a in page.find_all("a")]
    assert "/reports/health" in hrefs and "/reports/managers" in hrefs


def test_health_page_before_any_week_says_what_to_do(logged_in):
    page = parse(logged_in.get("/reports/health").text)
    assert "close-week" in page.one("p", class_="empty-state").text
    assert page.find("details", class_="export-menu") is None


def test_health_page_shows_the_weeks_the_reading_and_exports_them(logged_in, workspace):
    make_partner(workspace, name="Silent", created_at=NOW - timedelta(days=100))
    close_weeks(db.session, NOW, workspace.id)
    db.session.commit()
    page = parse(logged_in.get("/reports/health").text)
    rows = _cells(page)
    assert len(rows) == 52
    # the week in progress: 1 partner, at risk (score 0), neglected and single-threaded
    assert rows[-1] == ["Nov 23, 2026", "This week so far", "1", "1", "0", "0", "0", "1", "0", "0", "0", "0", "1"]
    reading = page.one("p", data_reading=True).text
    assert reading.startswith("Neglected partners rose from 0 to 1 since the week of")
    assert len(page.find_all("figure", class_="weekly-chart")) == 10
    assert page.find("select", name="owner") is None and page.find("select", name="tier") is None
    response = logged_in.get("/reports/health?format=csv")
    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0][:3] == ["Week of", "State", "Partners"] and lines[-1][:3] == ["2026-11-23", "This week so far", "1"]
    quarter = _cells(parse(logged_in.get("/reports/health?period=quarter").text))
    assert quarter[0][0] == "Sep 28, 2026" and len(quarter) == 9  # weeks holding 1 Oct … 24 Nov


def test_owner_sees_every_manager_with_the_median_bucket(logged_in, team):
    page = parse(logged_in.get("/reports/managers?period=quarter").text)
    rows = _cells(page)
    assert [r[0] for r in rows] == ["Mia Member", "Olga Owner", "Olga Owner"]  # Olga: EUR and USD rows
    olga = rows[1]
    assert olga[1:10] == ["2", "8", "5.8", "139%", "4", "1", "1 day to 2 days", "50%", "50%"]
    assert olga[10:] == ["€1,000.00", "EUR"] and rows[2][10:] == ["$500.00", "USD"]
    reading = page.one("p", data_reading=True).text
    assert reading == "Olga Owner made 139% of the touches their cadences ask for; Mia Member 109%."
    lines = list(csv.reader(io.StringIO(logged_in.get("/reports/managers?period=quarter&format=csv").text)))
    assert lines[0][0] == "Account manager" and [line[0] for line in lines[1:]] == [
        "Mia Member",
        "Olga Owner",
        "Olga Owner",
    ]


def test_the_owner_filter_picks_one_manager(logged_in, team):
    page = parse(logged_in.get(f"/reports/managers?period=quarter&owner={team['mia'].id}").text)
    assert [r[0] for r in _cells(page)] == ["Mia Member"]
    assert page.find("select", name="tier") is None  # the aggregates are per owner only


def test_a_member_sees_only_their_own_row(client, team):
    AuthActions(client).login(team["mia"].email, PASSWORD)
    page = parse(client.get("/reports/managers?period=quarter").text)
    assert [r[0] for r in _cells(page)] == ["Mia Member"]
    assert "your own row" in page.one("p", class_="notice").text
    assert page.find("select", name="owner") is None
    # asking for someone else's row still shows only their own
    other = parse(client.get(f"/reports/managers?owner={team['olga'].id}").text)
    assert [r[0] for r in _cells(other)] == ["Mia Member"]
    lines = list(csv.reader(io.StringIO(client.get("/reports/managers?period=quarter&format=csv").text)))
    assert [line[0] for line in lines[1:]] == ["Mia Member"]


def test_a_single_user_workspace_is_told_the_report_is_for_teams(logged_in, workspace, user):
    make_partner(workspace, owner_id=user.id)
    page = parse(logged_in.get("/reports/managers").text)
    assert "meant for teams" in page.one("p", class_="notice").text
    assert [r[0] for r in _cells(page)] == ["Olga Owner"]


def test_another_workspaces_managers_stay_out(logged_in, team):
    outsider = make_user(name="Xavier Outsider")
    make_partner(workspace_of(outsider), owner_id=outsider.id)
    text = logged_in.get("/reports/managers").text
    assert "Xavier Outsider" not in text


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&from=2026-12-01&to=2026-01-01",
        "period=%00&from=x&to=y",
        "owner=abc&tier=Z",
        "format=pdf",
        "from=0001-01-01&period=custom&to=9999-12-31",
    ],
)
@pytest.mark.parametrize("page", ["health", "managers"])
def test_query_strings_never_make_a_500(logged_in, team, page, query):
    assert logged_in.get(f"/reports/{page}?{query}").status_code in (200, 400)


def test_both_pages_need_a_login(client):
    for page in ("health", "managers"):
        response = client.get(f"/reports/{page}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def _grow(workspace, owner, n):
    for i in range(n):
        partner = make_partner(workspace, owner_id=owner.id, created_at=NOW - timedelta(days=40 + i))
        touch(partner, NOW - timedelta(days=i + 1), "theirs")
    db.session.commit()


@pytest.mark.parametrize("page", ["health", "managers"])
def test_query_count_does_not_grow_with_the_book(logged_in, workspace, user, count_queries, page):
    _grow(workspace, user, 2)
    close_weeks(db.session, NOW, workspace.id)
    db.session.commit()
    with count_queries() as small:
        assert logged_in.get(f"/reports/{page}").status_code == 200
    _grow(workspace, user, 20)
    with count_queries() as large:
        assert logged_in.get(f"/reports/{page}").status_code == 200
    assert small.count == large.count <= 10


def test_partners_without_an_owner_have_a_row_of_their_own(logged_in, team, workspace):
    loose = make_partner(workspace, name="Loose")
    touch(loose, NOW - timedelta(days=3), "ours")
    db.session.commit()
    rows = _cells(parse(logged_in.get("/reports/managers?period=quarter").text))
    assert [r[0] for r in rows][-1] == "No owner" and rows[-1][1:3] == ["1", "1"]
