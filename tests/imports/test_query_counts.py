"""Each wizard page runs the same number of queries whatever the size of the file or the history."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import importing
from tests.conftest import NOW, make_user, workspace_of
from tests.imports.helpers import csv_rows, previewed

pytestmark = pytest.mark.usefixtures("frozen_clock")
MAPPED = {0: "partner.name", 1: "contact.email", 2: "partner.notes"}


def _count(client, count_queries, url) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def _two_runs(client, small: int, big: int):
    first = previewed(client, csv_rows(small), fields=MAPPED)
    second = previewed(client, csv_rows(big, start=1000), fields=MAPPED)
    return first, second


def test_preview_page_10_vs_100_rows(logged_in, count_queries):
    small, big = _two_runs(logged_in, 10, 100)
    counts = {n: _count(logged_in, count_queries, f"/imports/{run}/preview") for n, run in ((10, small), (100, big))}
    assert counts[10] == counts[100], counts
    assert counts[100] <= 10, counts
    filtered = _count(logged_in, count_queries, f"/imports/{big}/preview?only=new&page=2")
    assert filtered == counts[100]


def test_preview_with_matches_stays_constant(logged_in, workspace, factories, count_queries):
    for i in (1, 2, 3, 1001, 1002, 1003, 1004, 1050, 1099):
        factories.partner(workspace, name=f"Company {i}", website=f"https://company{i}.example")
    small, big = _two_runs(logged_in, 10, 100)
    assert _count(logged_in, count_queries, f"/imports/{small}/preview") == _count(
        logged_in, count_queries, f"/imports/{big}/preview"
    )


def test_mapping_page_10_vs_100_rows(logged_in, count_queries):
    small, big = _two_runs(logged_in, 10, 100)
    assert _count(logged_in, count_queries, f"/imports/{small}/map") == _count(
        logged_in, count_queries, f"/imports/{big}/map"
    )


def test_result_page_10_vs_100_rows(logged_in, count_queries):
    small, big = _two_runs(logged_in, 10, 100)
    for run in (small, big):
        assert logged_in.post(f"/imports/{run}/run").status_code == 302
    counts = [_count(logged_in, count_queries, f"/imports/{run}") for run in (small, big)]
    assert counts[0] == counts[1] and counts[1] <= 10, counts


def _runs(user, n: int) -> None:
    workspace = workspace_of(user)
    for i in range(n):
        importing.start_import(
            db.session, workspace, user, file_name=f"file{i}.csv", data=csv_rows(3).encode(), kind="partners", now=NOW
        )
    db.session.commit()


def test_imports_list_2_vs_20_runs(app, count_queries):
    counts = {}
    for n in (2, 20):
        user = make_user(email=f"lister{n}@example.com")
        _runs(user, n)
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        counts[n] = _count(client, count_queries, "/imports/")
    assert counts[2] == counts[20], counts
    assert counts[20] <= 10, counts


def test_upload_page_with_saved_mappings(logged_in, workspace, count_queries):
    from app.services.importing.fields import ColumnMap, Mapping

    first = _count(logged_in, count_queries, "/imports/new")
    for i in range(5):
        importing.save_mapping(
            db.session, workspace, f"Saved {i}", Mapping(columns=[ColumnMap("A", 0, "partner.name")])
        )
    db.session.commit()
    assert _count(logged_in, count_queries, "/imports/new") == first
