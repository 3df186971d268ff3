"""The book buckets (partners the neglect rules apply to, by due month and day) give the Tiers and
Account managers reports the same counts as counting the activity rows at that moment — for a
partner due earlier today (neglected), later today and later this month (not yet), last month and
next month — and stay right when the workspace's cadences change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Interaction, PartnerActivity
from app.services.reports.book import book_counts
from app.services.sqltime import seconds
from tests.conftest import NOW, make_partner

ADDED = NOW - timedelta(days=400)


def _touched(workspace, name, tier, last_touch, **extra):
    partner = make_partner(workspace, name=name, tier=tier, created_at=ADDED, status="active", **extra)
    db.session.add(
        Interaction(
            workspace_id=workspace.id, partner_id=partner.id, kind="call", direction="ours", occurred_at=last_touch
        )
    )
    db.session.commit()
    return partner


@pytest.fixture
def book(workspace, user):
    """Tier B: cadence 30 days, so a partner is due 30 days after its last touch."""
    due_in = {
        "earlier today": -timedelta(hours=2),
        "later today": timedelta(hours=3),
        "later this month": timedelta(days=3),
        "last month": -timedelta(days=40),
        "next month": timedelta(days=20),
    }
    for name, shift in due_in.items():
        _touched(workspace, name, "B", NOW + shift - timedelta(days=30), owner_id=user.id)
    _touched(workspace, "an A partner, due long ago", "A", NOW - timedelta(days=300))
    make_partner(workspace, name="archived", tier="B", archived_at=NOW - timedelta(days=1), created_at=ADDED)
    db.session.commit()
    return due_in


def _counted(workspace_id, now, column):
    """What the report needs, counted over the activity rows at `now` (the old way)."""
    pa = PartnerActivity
    key = func.coalesce(pa.owner_id, 0) if column == "owner_id" else pa.tier
    rows = db.session.execute(
        select(key, func.count(), func.sum((pa.due_s >= seconds(now)).cast(db.Integer)))
        .where(pa.workspace_id == workspace_id, pa.eligible.is_(True))
        .group_by(key)
    )
    return {k: (int(n), int(kept or 0)) for k, n, kept in rows}


@pytest.mark.usefixtures("book")
@pytest.mark.parametrize("by", ["tier", "owner_id"])
@pytest.mark.parametrize("hours", [0, 1, 4, 24 * 3 + 1, 24 * 10])
def test_the_buckets_count_as_the_activity_rows_do(workspace, by, hours):
    now = NOW + timedelta(hours=hours)
    counts = book_counts(db.session, workspace.id, now, by)
    assert {k: (c.partners, c.not_neglected) for k, c in counts.items()} == _counted(workspace.id, now, by)


@pytest.mark.usefixtures("book")
def test_the_example_by_hand(workspace, user):
    counts = book_counts(db.session, workspace.id, NOW, "tier")
    assert (counts["B"].partners, counts["B"].neglected) == (5, 2)  # earlier today and last month
    assert (counts["A"].partners, counts["A"].neglected) == (1, 1)
    assert counts["B"].touches_per_day == pytest.approx(5 / 30)
    mine = book_counts(db.session, workspace.id, NOW, "owner_id")[user.id]
    assert (mine.partners, mine.not_neglected) == (5, 3)


@pytest.mark.usefixtures("book")
def test_changed_cadences_keep_the_buckets_right(workspace):
    workspace.cadence_b_days = 7
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    counts = book_counts(db.session, workspace.id, NOW, "tier")
    assert counts["B"].neglected == 5 and counts["B"].touches_per_day == pytest.approx(5 / 7)  # all due by now


@pytest.mark.usefixtures("book")
def test_the_buckets_use_utc_days(workspace):
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    counts = book_counts(db.session, workspace.id, late, "tier")
    assert {k: (c.partners, c.not_neglected) for k, c in counts.items()} == _counted(workspace.id, late, "tier")
