"""Terms over the API: the current version with its ETag, a change only with If-Match naming the
current version (428 without, 412 with an older one, with the page's conflict message), versions."""

import threading

import pytest

from app.extensions import db
from app.models import TermsVersion
from tests.deals.helpers import give_terms

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def partner(factories, workspace):
    return factories.partner(workspace, name="Acme")


def test_first_terms_with_v0(api, partner):
    missing = api.get(f"/api/v1/partners/{partner.id}/terms")
    assert missing.status_code == 404 and missing.headers["ETag"] == '"v0"'
    response = api.put(
        f"/api/v1/partners/{partner.id}/terms",
        json={"commission_rate": "7.5", "cadence_days": 30},
        headers={"If-Match": '"v0"'},
    )
    assert response.status_code == 200, response.json
    assert response.headers["ETag"] == '"v1"'
    assert response.json["version"] == 1 and response.json["commission_rate"] == "7.50"
    current = api.get(f"/api/v1/partners/{partner.id}/terms")
    assert current.status_code == 200 and current.headers["ETag"] == '"v1"'
    assert current.json["cadence_days"] == 30
    db.session.expire_all()
    assert partner.cadence_days == 30  # mirrored on the partner, as the page does


def test_change_needs_if_match(api, partner, now):
    give_terms(partner, "10", now=now)
    response = api.put(f"/api/v1/partners/{partner.id}/terms", json={"commission_rate": "12"})
    assert response.status_code == 428
    assert response.mimetype == "application/problem+json"
    assert db.session.query(TermsVersion).count() == 1


def test_stale_version_is_412_with_the_pages_message(api, partner, user, now):
    give_terms(partner, "10", now=now, actor_id=user.id)
    give_terms(partner, "11", now=now, actor_id=user.id)  # version 2: the caller still has v1
    response = api.put(
        f"/api/v1/partners/{partner.id}/terms", json={"commission_rate": "12"}, headers={"If-Match": '"v1"'}
    )
    assert response.status_code == 412
    detail = response.json["detail"]
    assert "changed by Olga Owner (Nov 24, 2026, 12:00\u202fPM, version 2)" in detail  # the caller's locale
    assert detail.endswith("save again to apply them on top of version 2.")
    garbage = api.put(f"/api/v1/partners/{partner.id}/terms", json={}, headers={"If-Match": "whatever"})
    assert garbage.status_code == 412
    assert db.session.query(TermsVersion).count() == 2


def test_validation_and_nothing_changed(api, partner, now, factories, other):
    give_terms(partner, "10", now=now)
    url = f"/api/v1/partners/{partner.id}/terms"
    bad = api.put(url, json={"commission_rate": "101", "cadence_days": 0}, headers={"If-Match": '"v1"'})
    assert bad.status_code == 422
    assert bad.json["errors"]["cadence_days"] == ["Enter a number of days between 1 and 3650."]
    foreign = api.put(
        url, json={"commission_rate": "10", "agreed_by_contact_id": other["contact"].id}, headers={"If-Match": '"v1"'}
    )
    assert foreign.status_code == 422 and "agreed_by_contact_id" in foreign.json["errors"]
    rate = api.put(url, json={"commission_rate": "101"}, headers={"If-Match": '"v1"'})
    assert rate.status_code == 422
    assert rate.json["errors"]["commission_rate"] == ["The rate is a percentage between 0 and 100."]
    same = api.put(url, json={"commission_rate": "10"}, headers={"If-Match": '"v1"'})
    assert same.status_code == 422
    assert same.json["detail"] == "Nothing changed: these are the terms of the current version."


def test_versions_newest_first(api, partner, now):
    for rate in ("5", "6", "7"):
        give_terms(partner, rate, now=now)
    body = api.get(f"/api/v1/partners/{partner.id}/terms/versions?limit=2").json
    assert [v["version"] for v in body["data"]] == [3, 2]
    rest = api.get(f"/api/v1/partners/{partner.id}/terms/versions?limit=2&cursor={body['next_cursor']}").json
    assert [v["version"] for v in rest["data"]] == [1] and rest["next_cursor"] is None


def test_another_workspaces_terms_are_not_found(api, other, now):
    give_terms(other["partner"], "10", now=now)
    url = f"/api/v1/partners/{other['partner'].id}/terms"
    missing = api.get("/api/v1/partners/999999/terms")
    assert missing.status_code == 404
    for response in (
        api.get(url),
        api.get(url + "/versions"),
        api.put(url, json={"commission_rate": "50"}, headers={"If-Match": '"v1"'}),
    ):
        assert response.status_code == 404
        assert response.json == missing.json
    assert db.session.query(TermsVersion).count() == 1


def test_two_saves_on_one_version_one_wins(app, api, partner, now):
    """Two programs save on top of v1 at the same instant: one makes v2, the other gets 412."""
    give_terms(partner, "10", now=now)
    url = f"/api/v1/partners/{partner.id}/terms"
    headers = {"Authorization": f"Bearer {api.token}", "If-Match": '"v1"'}
    db.session.rollback()  # the test's session holds no transaction (nor SQLite's write lock)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def fire(index, rate):
        client = app.test_client()
        barrier.wait()
        responses[index] = client.put(url, json={"commission_rate": rate}, headers=headers)

    threads = [threading.Thread(target=fire, args=(i, rate)) for i, rate in enumerate(("11", "12"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.status_code for r in responses) == [200, 412]
    assert db.session.query(TermsVersion).count() == 2


def test_versions_list_runs_constant_queries(api, partner, now, count_queries):
    url = f"/api/v1/partners/{partner.id}/terms/versions"

    def measure():
        api.get(url)
        with count_queries() as counter:
            assert api.get(url).status_code == 200
        return counter.count

    give_terms(partner, "1", now=now)
    few = measure()
    for rate in range(2, 12):
        give_terms(partner, str(rate), now=now)
    assert measure() == few
