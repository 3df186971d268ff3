"""The dashboard's flags over the API: every flag with its count and first partners, mine or all."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Partner
from app.services.neglect import DASHBOARD_FLAGS

pytestmark = pytest.mark.usefixtures("frozen_clock")


def neglected(factories, workspace, now, **values):
    return factories.partner(workspace, created_at=now - timedelta(days=400), **values)  # never touched


def _flag(body, name):
    return next(f for f in body["data"] if f["flag"] == name)


def test_flags_in_the_dashboards_order(api, factories, workspace, user, other, now):
    mine = neglected(factories, workspace, now, name="Mine", owner_id=user.id)
    neglected(factories, workspace, now, name="Nobody's")
    neglected(factories, other["workspace"], now, name="Theirs")
    response = api.get("/api/v1/dashboard/flags")
    assert response.status_code == 200, response.json
    body = response.json
    assert [f["flag"] for f in body["data"]] == list(DASHBOARD_FLAGS)
    flag = _flag(body, "neglected")
    assert flag["count"] == 2
    assert {p["name"] for p in flag["partners"]} == {"Mine", "Nobody's"}
    row = flag["partners"][0]
    assert {"partner_id", "cadence_days", "days_since", "last_touch_at"} <= set(row)
    only_mine = _flag(api.get("/api/v1/dashboard/flags?who=mine").json, "neglected")
    assert only_mine["count"] == 1 and [p["partner_id"] for p in only_mine["partners"]] == [mine.id]


def test_bad_arguments(api):
    assert api.get("/api/v1/dashboard/flags?who=them").status_code == 422
    assert api.get("/api/v1/dashboard/flags?limit=0").status_code == 422


def test_constant_queries(api, factories, workspace, now, count_queries):
    def measure():
        api.get("/api/v1/dashboard/flags")
        with count_queries() as counter:
            assert api.get("/api/v1/dashboard/flags").status_code == 200
        return counter.count

    neglected(factories, workspace, now)
    few = measure()
    for _ in range(6):
        neglected(factories, workspace, now)
    assert measure() == few
    assert db.session.query(Partner).count() == 7
