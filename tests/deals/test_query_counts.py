"""Each page runs the same number of SQL queries whatever the data size."""

import pytest

from app.extensions import db
from app.services import commissions
from tests.deals.helpers import give_terms, make_deal

STAGES = ("lead", "proposal", "negotiation", "won", "lost")


def populate(factories, workspace, now, size):
    """`size` referrers, each with two referred partners and deals in every stage and two currencies."""
    referrers = []
    for i in range(size):
        referrer = factories.partner(workspace, name=f"Referrer {i}")
        give_terms(referrer, "10", now=now)
        for j in range(size if i == 0 else 2):  # the first referrer grows with the size too
            client = factories.partner(workspace, name=f"Client {i}-{j}", referred_by_id=referrer.id)
            for n, stage in enumerate(STAGES):
                make_deal(
                    client,
                    now=now,
                    title=f"Deal {i}-{j}-{n}",
                    amount=str(100 + n),
                    currency="EUR" if n % 2 else "USD",
                    stage=stage,
                    lost_reason="Budget" if stage == "lost" else None,
                    value_to_us=1,
                    value_to_partner=n - 2,
                )
        referrers.append(referrer)
    owed = [
        c.id
        for c in commissions.ledger(db.session, workspace.id, commissions.LedgerFilters(), per_page=1000)[0].items
        for c in [c.Commission]
    ][:size]
    commissions.mark_paid(db.session, workspace.id, owed, now.date(), "ref", None)
    db.session.commit()
    return referrers


def measure(logged_in, count_queries, url, client=None):
    http = client or logged_in
    http.get(url)  # warm up (first request loads the user etc. the same way)
    with count_queries() as counter:
        response = http.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.fixture
def two_sizes(app, factories, workspace, now):
    def run(url_for_data):
        results = []
        for size in (2, 12):
            db.session.execute(db.text("DELETE FROM commission"))
            db.session.execute(db.text("DELETE FROM statement_link"))
            db.session.execute(db.text("DELETE FROM deal"))
            db.session.execute(db.text("DELETE FROM deal_total"))
            db.session.commit()
            referrers = populate(factories, workspace, now, size)
            results.append(url_for_data(referrers))
        return results

    return run


@pytest.mark.parametrize(
    "url",
    ["/deals/", "/deals/list", "/deals/list?q=client&sort=amount", "/ledger", "/ledger?status=owed", "/terms/reviews"],
)
def test_workspace_pages(logged_in, count_queries, two_sizes, url):
    small, big = two_sizes(lambda referrers: measure(logged_in, count_queries, url))
    assert small == big, url
    assert big <= 10, url


def test_partner_tabs(logged_in, count_queries, two_sizes):
    def run(referrers):
        pid = referrers[0].id
        return [
            measure(logged_in, count_queries, f"/partners/{pid}/{tab}") for tab in ("deals", "terms", "commissions")
        ]

    small, big = two_sizes(run)
    assert small == big
    assert max(big) <= 10


def test_statement(app, logged_in, count_queries, two_sizes, now):
    anonymous = app.test_client()

    def run(referrers):
        link, token = commissions.create_statement_link(db.session, referrers[0], None, now)
        db.session.commit()
        return measure(logged_in, count_queries, f"/statement/{token}", client=anonymous)

    small, big = two_sizes(run)
    assert small == big and big <= 10


def test_deal_page(logged_in, count_queries, two_sizes, user, workspace, factories, now):
    def run(referrers):
        from sqlalchemy import select

        from app.models import Deal

        won = db.session.scalars(select(Deal).where(Deal.stage == "won").order_by(Deal.id)).all()
        won[0].owner_id = user.id  # one deal owned by the viewer, one by nobody: same count
        won[1].owner_id = None
        db.session.commit()
        return [measure(logged_in, count_queries, f"/deals/{d.id}") for d in won[:2]]

    small, big = two_sizes(run)
    assert small == big and len(set(big)) == 1 and big[0] <= 10
