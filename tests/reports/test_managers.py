"""Account managers, counted by hand. NOW is 24 November 2026 12:00 UTC; "this quarter" is
1 October – 24 November: 55 days. Cadences: tier A 14 days, B 30, C 60."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app import summaries
from app.extensions import db
from app.models import Interaction
from app.services.reports.managers import managers_report
from tests.conftest import NOW, make_partner, make_user, workspace_of
from tests.reports.team_book import QUARTER, at, build_team, touch


@pytest.fixture
def team(user, workspace):
    return build_team(user, workspace)


def test_each_owner_row_counted_by_hand(team, workspace):
    report = managers_report(db.session, workspace.id, QUARTER, NOW)
    assert report.team and report.since == date(2026, 10, 1)
    mia, olga = report.rows  # by name
    assert (olga.name, mia.name) == ("Olga Owner", "Mia Member")
    assert (olga.partners, olga.neglected, olga.neglected_share) == (2, 1, 0.5)  # Brook: 44 days > 30
    assert olga.touches == 8
    assert olga.expected_touches == pytest.approx(55 / 30 + 55 / 14)
    assert olga.cadence_kept == pytest.approx(8 / (55 / 30 + 55 / 14))
    assert (olga.episodes, olga.answered, olga.open_episodes) == (4, 3, 1)
    assert olga.answer_buckets == [1, 0, 1, 0, 1, 0, 0, 0]
    assert olga.median_bucket == 2
    assert olga.revenue == {"EUR": Decimal("1000.00"), "USD": Decimal("500.00")}
    assert (olga.won_deals, olga.assessed, olga.winwin, olga.winwin_share) == (2, 2, 1, 0.5)
    assert (mia.partners, mia.neglected, mia.touches, mia.episodes) == (1, 0, 1, 0)
    assert mia.cadence_kept == pytest.approx(1 / (55 / 60))
    assert mia.median_bucket is None and mia.revenue == {} and mia.winwin_share is None
    assert report.reading.key == "spread"
    assert (report.reading.best.name, report.reading.worst.name) == ("Olga Owner", "Mia Member")
    assert summaries.check(db.session, workspace.id) == []


def test_a_member_gets_only_their_own_row(team, workspace):
    report = managers_report(db.session, workspace.id, QUARTER, NOW, only_owner=team["mia"].id)
    assert [r.name for r in report.rows] == ["Mia Member"]
    assert report.rows[0].touches == 1 and report.reading.key == "single"


def test_a_partner_handed_over_takes_its_history_along(team, workspace):
    team["alder"].owner_id = team["mia"].id
    db.session.commit()
    mia, olga = managers_report(db.session, workspace.id, QUARTER, NOW).rows
    assert (olga.touches, olga.episodes, olga.revenue) == (5, 2, {"EUR": Decimal("1000.00")})
    assert (mia.touches, mia.episodes, mia.answered, mia.revenue) == (4, 2, 1, {"USD": Decimal("500.00")})
    assert summaries.check(db.session, workspace.id) == []


def test_answering_an_open_episode_moves_the_histogram(team, workspace):
    touch(team["alder"], at(11, 20, 11), "ours")  # 2 hours after their touch
    db.session.commit()
    olga = managers_report(db.session, workspace.id, QUARTER, NOW).rows[1]
    assert (olga.answered, olga.open_episodes, olga.answer_buckets[0]) == (4, 0, 2)
    assert olga.median_bucket == 0  # 2, 2, 30, 100 hours: the lower median is 2 hours
    db.session.delete(
        db.session.get(Interaction, db.session.query(Interaction.id).order_by(Interaction.id.desc()).first()[0])
    )
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []


def test_another_workspace_is_not_counted(team, workspace):
    outsider = make_user()
    theirs = make_partner(workspace_of(outsider), owner_id=outsider.id)
    touch(theirs, at(10, 2), "theirs")
    db.session.commit()
    names = [r.name for r in managers_report(db.session, workspace.id, QUARTER, NOW).rows]
    assert names == ["Mia Member", "Olga Owner"]
    alone = managers_report(db.session, workspace_of(outsider).id, QUARTER, NOW)
    assert not alone.team and [(r.touches, r.episodes) for r in alone.rows] == [(1, 1)]
