"""The Sources and Tiers pages run the same number of queries whatever the book's size (they sum
bucket rows; cadence kept is one count)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import NOW, make_partner
from tests.reports.outcomes_book import at, deal, touch

ASK = "period=custom&from=2025-06-01&to=2026-11-24&compare=1"


def _grow(workspace, user, n):
    for i in range(n):
        partner = make_partner(
            workspace,
            source=("referral", "event", "content")[i % 3],
            tier="ABC"[i % 3],
            owner_id=user.id if i % 2 else None,
            created_at=at(date(2025, 7, 1) + timedelta(days=11 * i)),
        )
        deal(partner, "won", ("EUR", "USD")[i % 2], "100", date(2026, 1, 1) + timedelta(days=i), (1, 1))
        touch(partner, NOW - timedelta(days=i))


@pytest.mark.parametrize("report", ["sources", "tiers"])
def test_the_query_count_does_not_grow_with_the_book(logged_in, workspace, user, count_queries, report):
    counts = []
    for n in (3, 30):
        _grow(workspace, user, n)
        for query in (ASK, ASK + f"&owner={user.id}&source=event"):
            with count_queries() as counter:
                assert logged_in.get(f"/reports/{report}?{query}").status_code == 200
            counts.append(counter.count)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert max(counts) <= 10, counts
