"""Pages run the same number of SQL statements whatever the data size."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from app import summaries
from app.extensions import db
from app.models import Contact, Interaction, Partner, Reminder
from tests.conftest import NOW

# the pages read the clock: it stands at NOW, the moment the data is grown around
pytestmark = pytest.mark.usefixtures("frozen_clock")


def grow(workspace, user, size, seed=1):
    """`size` partners with contacts, ten interactions each, and reminders, bulk-inserted around NOW."""
    rng = random.Random(seed)
    now = NOW
    rows = [
        {
            "workspace_id": workspace.id,
            "name": f"Partner {i}",
            "name_key": f"partner {i}",
            "kind": "company",
            "status": "active",
            "tier": rng.choice("ABC"),
            "source": "direct",
            "no_prospects": False,
            "owner_id": user.id if i % 2 else None,
            "created_at": now - timedelta(days=400),
            "updated_at": now,
        }
        for i in range(size)
    ]
    db.session.execute(insert(Partner), rows)
    ids = list(db.session.scalars(select(Partner.id).where(Partner.workspace_id == workspace.id)))
    db.session.execute(
        insert(Contact),
        [
            {"workspace_id": workspace.id, "partner_id": pid, "name": f"C{pid}-{n}", "is_primary": n == 0}
            for pid in ids
            for n in range(rng.choice((1, 2, 3)))
        ],
    )
    contacts = {}
    for cid, pid in db.session.execute(
        select(Contact.id, Contact.partner_id).where(Contact.workspace_id == workspace.id)
    ):
        contacts.setdefault(pid, []).append(cid)
    db.session.execute(
        insert(Interaction),
        [
            {
                "workspace_id": workspace.id,
                "partner_id": pid,
                "contact_id": rng.choice(contacts[pid] + [None]),
                "kind": rng.choice(("call", "email", "meeting", "message", "note")),
                "direction": rng.choice(("ours", "theirs")),
                "occurred_at": now - timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 23)),
                "summary": "Talked",
                "created_by_id": user.id,
                "created_at": now,
                "updated_at": now,
            }
            for pid in ids
            for _ in range(10)
        ],
    )
    db.session.execute(
        insert(Reminder),
        [
            {
                "workspace_id": workspace.id,
                "title": f"Call {pid}",
                "partner_id": pid,
                "due_on": (now - timedelta(days=rng.randint(-3, 5))).date(),
                "assignee_id": user.id,
                "created_by_id": user.id,
                "created_at": now,
                "updated_at": now,
            }
            for pid in ids[: max(3, size // 3)]
        ],
    )
    summaries.rebuild(db.session, workspace.id)
    db.session.commit()
    return ids


def page_counts(client, count_queries, urls):
    result = {}
    for url in urls:
        client.get(url)  # warm up (first-request setup)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = counter.count
    return result


def urls_for(ids):
    pid = ids[len(ids) // 2]
    return [
        "/dashboard",
        "/dashboard?who=mine",
        f"/partners/{pid}/timeline",
        f"/partners/{pid}/timeline?kind=call",
        f"/partners/{pid}",
        "/activity",
        "/activity?kind=email",
        "/help",
    ]


def test_same_query_count_at_two_sizes(app, logged_in, workspace, user, count_queries):
    small = page_counts(logged_in, count_queries, urls_for(grow(workspace, user, 4)))
    big = page_counts(logged_in, count_queries, urls_for(grow(workspace, user, 60, seed=2)))
    for (url, n_small), n_big in zip(small.items(), big.values(), strict=False):
        assert n_small == n_big, (url, n_small, n_big)
    assert max(big.values()) <= 10, big


def test_fragments_are_cheap(app, logged_in, workspace, user, count_queries, hx):
    ids = grow(workspace, user, 30)
    pid = ids[3]
    for url, limit in ((f"/partners/{pid}/timeline?page=2", 3), ("/activity?page=2", 3), ("/dashboard", 8)):
        with count_queries() as counter:
            assert logged_in.get(url, headers=hx).status_code == 200
        assert counter.count <= limit, (url, counter.statements)
