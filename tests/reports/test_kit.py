"""The report kit (app/reports/kit.py, templates/reports/_page.html, _charts.html) on a sample report
mounted on an app of its own: filters read and checked, the table shown in the user's locale, the
same URL downloading the table, bars scaled to the largest value, and nothing a query string can
send making a 500."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.reports import kit
from app.services.exporting.columns import Column
from tests.conftest import AuthActions, add_member, app_on_empty_database, make_user, workspace_of
from tests.html import parse

ROWS = [
    ("Referral", 3, Decimal("1200.50"), "EUR", Decimal("0.25"), Decimal("12.5")),
    ("Event", 1, Decimal("300"), "EUR", None, None),
]


def _sample():
    """A report as a route builds one: ask, numbers, table, reading, show."""
    asked = kit.ask()
    table = kit.ReportTable(
        "sample",
        "Sample",
        (
            Column("source"),
            Column("partners", "integer"),
            Column("won", "amount"),
            Column("currency"),
            Column("share", "percent"),
            Column("days", "decimal"),
        ),
        ("Source", "Partners", "Won", "Currency", "Win-win share", "Days to first deal"),
        rows=list(ROWS),
    )
    items = [
        {"label": row[0], "value": row[2], "text": str(row[2]), "before": None, "before_text": None} for row in ROWS
    ]
    return kit.show("tests/report_sample.html", table, asked=asked, items=items, reading="Referrals bring 4.0×")


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory):
    with app_on_empty_database(tmp_path_factory.mktemp("kit"), "kit", own=True) as app:
        app.jinja_loader.searchpath.append(str(_templates(tmp_path_factory)))
        app.add_url_rule("/reports/sample", "report_sample", _sample)
        owner = make_user(name="Olga Owner", email="olga-kit@example.com")
        add_member(workspace_of(owner), name="Mia Member")
        yield app, owner
        db.session.remove()


def _templates(tmp_path_factory):
    root = tmp_path_factory.mktemp("kit-templates")
    (root / "tests").mkdir()
    (root / "tests" / "report_sample.html").write_text(
        '{% extends "reports/_page.html" %}{% from "reports/_charts.html" import bars %}'
        "{% block title_text %}Sample{% endblock %}{% block question %}Which?{% endblock %}"
        '{% block picture %}{{ bars(items, "Won") }}{% endblock %}'
    )
    return root


@pytest.fixture
def sample_client(sample_app):
    app, owner = sample_app
    client = app.test_client()
    assert AuthActions(client).login(owner).status_code == 302
    return client


def test_the_page_shows_the_table_in_the_users_locale_and_the_bars_scaled(sample_client):
    page = parse(sample_client.get("/reports/sample").text)
    assert page.one("p", data_reading=True).text == "Referrals bring 4.0×"
    first, second = page.one("table", class_="report-table").one("tbody").find_all("tr")
    cells = [cell.text.strip() for cell in first.find_all() if cell.tag in ("th", "td")]
    assert cells == ["Referral", "3", "€1,200.50", "EUR", "25%", "12.5"]
    assert [td.text.strip() for td in second.find_all("td")][-2:] == ["–", "–"]
    widths = [float(rect["width"]) for rect in page.find_all("rect", class_="now")]
    assert widths == [100.0, pytest.approx(24.99, abs=0.01)]
    owners = [o.text for o in page.one("select", name="owner").find_all("option")]
    assert owners == ["Everyone", "Mia Member", "Olga Owner"]


def test_the_same_url_downloads_the_table_with_the_filters_kept(sample_client):
    page = parse(sample_client.get("/reports/sample?period=quarter&tier=A&compare=1").text)
    links = [a["href"] for a in page.one("details", class_="export-menu").find_all("a")]
    assert links and all("period=quarter" in link and "tier=A" in link and "compare=1" in link for link in links)
    response = sample_client.get("/reports/sample?format=csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="orchard-report-sample-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Source", "Partners", "Won", "Currency", "Win-win share", "Days to first deal"]
    assert rows[1] == ["Referral", "3", "1200.50", "EUR", "0.25", "12.5"]
    with sample_client.get("/reports/sample?format=xlsx") as response:  # closing it removes the temporary file
        book = load_workbook(io.BytesIO(response.data))
    sheet = book["Sample"]
    assert sheet["B2"].value == 3 and sheet["E2"].number_format == "0.0%"
    assert sample_client.get("/reports/sample?format=pdf").status_code == 400


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ("owner=999999", "owner"),
        ("owner=abc", "owner"),
        ("tier=Z&source=billboard", "tier, source"),
        ("period=custom&from=2026-12-01&to=2026-01-01", None),
        ("period=%00&from=x&to=y&compare=yes", None),
    ],
)
def test_query_strings_that_name_nothing_are_said_and_never_a_500(sample_client, query, ignored):
    response = sample_client.get(f"/reports/sample?{query}")
    assert response.status_code == 200
    notice = parse(response.text).find("p", class_="notice")
    if ignored:
        assert notice is not None and ignored in notice.text
    else:
        assert notice is None


def test_the_kit_needs_a_login(sample_app):
    app, _owner = sample_app
    response = app.test_client().get("/reports/sample")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_table_needs_a_label_for_every_column():
    with pytest.raises(ValueError):
        kit.ReportTable("x", "X", (Column("a"), Column("b")), ("A",))


def test_table_cells_are_escaped_and_labelled_for_the_phone_layout():
    table = kit.ReportTable(
        "names",
        "Names",
        (Column("name"), Column("note"), Column("partners", "integer")),
        ("Name", 'Says "hi" <b>', "Partners"),
        rows=[("<script>alert(1)</script>", "Tom & Jerry", None)],
    )
    row = parse(f"<table><tbody>{table.body()}</tbody></table>").one("tbody").one("tr")
    assert row.one("th").text == "<script>alert(1)</script>"  # shown as text, not run
    note, partners = row.find_all("td")
    assert (note.text, note["data-label"], note["class"]) == ("Tom & Jerry", 'Says "hi" <b>', "kind-text")
    assert (partners.text, partners["class"]) == ("–", "kind-integer")
    assert "<script>" not in str(table.body())
