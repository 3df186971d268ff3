"""Every page runs a constant number of SQL queries, whatever the size of the partner book."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from app.models import Contact, Partner
from tests.conftest import HX

MAX_QUERIES = 10

PAGES = {
    "list": ("/partners/", {}),
    "list fragment": ("/partners/", HX),
    "list searched": ("/partners/?q=partner+1", HX),
    "list searched by contact email": ("/partners/?q=mail.test", HX),
    "list filtered": ("/partners/?status=active&tier=A&source=referral", HX),
    "list archived": ("/partners/?archived=all", HX),
    "list sorted by owner": ("/partners/?sort=owner&dir=desc", HX),
    "list sorted by contacts": ("/partners/?sort=contacts&dir=desc", HX),
    "list page 2": ("/partners/?page=2&sort=updated", HX),
    "partner page": ("/partners/{pid}", {}),
    "contacts fragment": ("/partners/{pid}/contacts", HX),
    "contact edit fragment": ("/partners/{pid}/contacts/{cid}/edit", HX),
    "new partner form": ("/partners/new", {}),
    "edit partner form": ("/partners/{pid}/edit", {}),
}


def fill(session, workspace, owners, n):
    """n partners with two contacts each, in bulk."""
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    statuses, tiers, sources = ("active", "prospect", "dormant"), ("A", "B", "C"), ("referral", "direct", "event")
    session.execute(
        insert(Partner),
        [
            {
                "workspace_id": workspace.id,
                "name": f"Partner {i}",
                "name_key": f"partner {i}",
                "kind": "company",
                "status": statuses[i % 3],
                "tier": tiers[i % 3],
                "source": sources[i % 3],
                "owner_id": owners[i % len(owners)].id,
                "no_prospects": False,
                "created_at": t0 + timedelta(minutes=i),
                "updated_at": t0 + timedelta(minutes=i),
                "archived_at": t0 if i % 10 == 9 else None,
            }
            for i in range(n)
        ],
    )
    ids = session.scalars(select(Partner.id).where(Partner.workspace_id == workspace.id)).all()
    session.execute(
        insert(Contact),
        [
            {
                "workspace_id": workspace.id,
                "partner_id": pid,
                "name": f"Contact {pid}-{k}",
                "email": f"c{pid}-{k}@mail.test",
                "is_primary": k == 0,
                "created_at": t0,
                "updated_at": t0,
            }
            for pid in ids
            for k in range(2)
        ],
    )
    session.commit()


@pytest.fixture
def measure(app, logged_in, session, workspace, user, factories, count_queries):
    member = factories.member(workspace, name="Ann Member")

    def run(n):
        fill(session, workspace, [user, member], n)
        partner = session.scalar(
            select(Partner).where(Partner.workspace_id == workspace.id).order_by(Partner.id.desc()).limit(1)
        )
        contact = session.scalar(select(Contact).where(Contact.partner_id == partner.id).limit(1))
        counts = {}
        for name, (path, headers) in PAGES.items():
            url = path.format(pid=partner.id, cid=contact.id)
            logged_in.get(url, headers=headers)  # warm up (first-request caches)
            session.expunge_all()  # the request starts with an empty identity map, as in production
            with count_queries() as counter:
                response = logged_in.get(url, headers=headers)
            assert response.status_code == 200, url
            counts[name] = counter.count
        return counts

    return run


def test_query_counts_do_not_grow_with_data(measure, session):
    small = measure(10)
    # grow the same workspace to 500 partners (1,000 contacts)
    large = measure(490)
    assert session.scalar(select(Partner.id).order_by(Partner.id.desc()).limit(1)) >= 500
    assert small == large, {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    too_many = {k: v for k, v in large.items() if v > MAX_QUERIES}
    assert not too_many, too_many


def test_partner_list_query_count_is_small(measure):
    counts = measure(10)
    # session user + capped count + page rows + members (owner filter); the full page adds the
    # workspace switcher
    assert counts["list fragment"] <= 4
    assert counts["list"] <= 6


@pytest.mark.usefixtures("frozen_clock")  # the invites made at `now` are still open on the page
def test_members_page_query_count_is_constant(logged_in, session, workspace, user, factories, now, count_queries):
    from app.models.workspace import ROLE_OWNER
    from app.services import accounts

    def measure():
        logged_in.get("/settings/members")
        session.expunge_all()
        with count_queries() as counter:
            assert logged_in.get("/settings/members").status_code == 200
        return counter.count

    def grow(n):
        # invites made by owners who have since left: their names are not among the members loaded
        for _ in range(n):
            inviter = factories.member(workspace, role=ROLE_OWNER)
            accounts.create_invite(session, workspace, inviter, now)
            accounts.remove_member(session, accounts.membership_for(session, inviter, workspace.id))
        session.commit()

    grow(1)
    small = measure()
    grow(8)
    assert measure() == small <= MAX_QUERIES
