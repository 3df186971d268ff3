"""Cursor pagination of the API's lists: round trip, sort, updated_since, bad arguments, and a
constant number of queries per page whatever the book's size."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW, make_contact, make_partner


@pytest.fixture
def book(workspace):
    return [
        make_partner(workspace, name=f"P{n:02d}", created_at=NOW, updated_at=NOW + timedelta(minutes=n))
        for n in range(7)
    ]


def _walk(api, url):
    names, pages = [], 0
    while url:
        body = api.get(url).get_json()
        names += [p["name"] for p in body["data"]]
        pages += 1
        url = body["next_cursor"] and f"{url.split('&cursor=')[0]}&cursor={body['next_cursor']}"
    return names, pages


def test_cursor_round_trip_in_both_directions(api, book):
    names, pages = _walk(api, "/api/v1/partners?limit=3")
    assert names == [f"P{n:02d}" for n in range(7)] and pages == 3
    names, _ = _walk(api, "/api/v1/partners?limit=2&sort=-name")
    assert names == [f"P{n:02d}" for n in reversed(range(7))]
    names, _ = _walk(api, "/api/v1/partners?limit=2&sort=-updated")
    assert names == [f"P{n:02d}" for n in reversed(range(7))]


def test_ties_are_broken_by_id(api, book):
    names, _ = _walk(api, "/api/v1/partners?limit=2&sort=created")  # every created_at is equal
    assert sorted(names) == names and len(set(names)) == 7


def test_last_page_has_no_cursor(api, book):
    body = api.get("/api/v1/partners?limit=100").get_json()
    assert len(body["data"]) == 7 and body["next_cursor"] is None


def test_updated_since_includes_equal(api, book):
    since = (NOW + timedelta(minutes=5)).isoformat()
    body = api.get("/api/v1/partners", query_string={"updated_since": since}).get_json()
    assert [p["name"] for p in body["data"]] == ["P05", "P06"]
    naive = (NOW + timedelta(minutes=6)).replace(tzinfo=None).isoformat()  # read as UTC
    body = api.get("/api/v1/partners", query_string={"updated_since": naive}).get_json()
    assert [p["name"] for p in body["data"]] == ["P06"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("sort=colour", "sort"),
        ("updated_since=yesterday", "updated_since"),
        ("cursor=not-a-cursor", "cursor"),
        ("status=sleeping", "status"),
        ("archived=maybe", "archived"),
    ],
)
def test_bad_arguments_are_field_problems(api, book, query, field):
    response = api.get(f"/api/v1/partners?{query}")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert list(response.get_json()["errors"]) == [field]


def test_a_cursor_of_another_sort_is_refused(api, book):
    cursor = api.get("/api/v1/partners?limit=2").get_json()["next_cursor"]
    response = api.get(f"/api/v1/partners?limit=2&sort=-name&cursor={cursor}")
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["cursor"]


def test_filters_match_the_page(api, workspace, user):
    make_partner(workspace, name="Alpha", status="prospect", tier="A", owner_id=user.id)
    beta = make_partner(workspace, name="Beta", status="active", tier="C", source="event")
    make_contact(beta, name="Zed Person", email="zed@beta.example")
    for query, expected in (
        ("status=prospect", ["Alpha"]),
        ("tier=C", ["Beta"]),
        (f"owner_id={user.id}", ["Alpha"]),
        ("source=event", ["Beta"]),
        ("q=zed", ["Beta"]),
        ("q=alp", ["Alpha"]),
    ):
        names = [p["name"] for p in api.get(f"/api/v1/partners?{query}").get_json()["data"]]
        assert names == expected, query


def _count(api, count_queries, url):
    with count_queries() as counter:
        response = api.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("path", ["/api/v1/partners", "/api/v1/partners/{p}/contacts", "/api/v1/partners/{p}/children"])
def test_constant_queries_per_list(api, workspace, count_queries, path):
    parent = make_partner(workspace, name="Parent")
    url = path.format(p=parent.id) + ("?limit=5" if "children" not in path else "")
    api.get(url)  # the token's last use recorded: later calls within the minute do not write
    small = _count(api, count_queries, url)
    for n in range(12):
        child = make_partner(workspace, name=f"Child {n}", referred_by_id=parent.id)
        make_contact(parent, name=f"Person {n}")
        make_contact(child)
    assert _count(api, count_queries, url) == small
    assert small <= 4
