"""The commission ledger over the API: entries with the Ledger's filters, one entry, mark paid."""

import pytest

from app.extensions import db
from app.models import Commission
from tests.deals.helpers import make_deal, referral_pair

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def owed(factories, workspace, now):
    referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    make_deal(client, now=now, amount="1000.00", stage="won")
    return db.session.query(Commission).one()


def test_list_and_filters(api, owed):
    body = api.get("/api/v1/commissions").json
    assert [c["id"] for c in body["data"]] == [owed.id]
    assert body["data"][0]["amount"] == "100.00" and body["data"][0]["status"] == "owed"
    assert api.get("/api/v1/commissions?status=paid").json["data"] == []
    assert len(api.get(f"/api/v1/commissions?referrer_id={owed.referrer_id}").json["data"]) == 1
    assert api.get("/api/v1/commissions?currency=USD").json["data"] == []
    assert api.get("/api/v1/commissions?status=maybe").status_code == 422


def test_pay(api, owed, now, user):
    response = api.post(
        f"/api/v1/commissions/{owed.id}/pay", json={"paid_on": now.date().isoformat(), "payment_reference": "INV-7"}
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "paid" and response.json["payment_reference"] == "INV-7"
    assert response.json["paid_by_id"] == user.id
    again = api.post(f"/api/v1/commissions/{owed.id}/pay", json={"paid_on": now.date().isoformat()})
    assert again.status_code == 409
    assert again.json["detail"] == "This commission is already paid."


def test_pay_needs_the_date(api, owed):
    response = api.post(f"/api/v1/commissions/{owed.id}/pay", json={})
    assert response.status_code == 422
    assert "paid_on" in response.json["errors"]
    db.session.expire_all()
    assert db.session.get(Commission, owed.id).status == "owed"


def test_another_workspaces_entry_is_not_found(api, factories, other, now):
    referrer, client = referral_pair(factories, other["workspace"], now=now)
    make_deal(client, now=now, stage="won")
    theirs = db.session.query(Commission).one()
    missing = api.get("/api/v1/commissions/999999")
    for response in (
        api.get(f"/api/v1/commissions/{theirs.id}"),
        api.post(f"/api/v1/commissions/{theirs.id}/pay", json={"paid_on": now.date().isoformat()}),
    ):
        assert response.status_code == 404 and response.json == missing.json
    assert api.get("/api/v1/commissions").json["data"] == []
    db.session.expire_all()
    assert db.session.get(Commission, theirs.id).status == "owed"


def test_list_runs_constant_queries(api, factories, workspace, now, count_queries):
    def measure():
        api.get("/api/v1/commissions?limit=100")
        with count_queries() as counter:
            response = api.get("/api/v1/commissions?limit=100")
        assert response.status_code == 200
        return counter.count, len(response.json["data"])

    _referrer, client = referral_pair(factories, workspace, now=now)
    make_deal(client, now=now, stage="won")
    few, n = measure()
    for i in range(8):
        make_deal(client, now=now, title=f"Deal {i}", stage="won")
    many, m = measure()
    assert (n, m) == (1, 9)
    assert few == many
