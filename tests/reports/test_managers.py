"""Account managers, counted by hand. NOW is 24 November 2026 12:00 UTC; "this quarter" is
1 October – 24 November: 55 days. Cadences: tier A 14 days, B 30, C 60."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app import summaries
from app.extensions import db
from app.models import Deal, Interaction
from app.services.reports.managers import managers_report
from app.services.reports.period import choose
from tests.conftest import NOW, add_member, make_partner, make_user, workspace_of

QUARTER = choose("quarter", None, None, NOW.date())


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def touch(partner, moment, direction):
    db.session.add(
        Interaction(
            workspace_id=partner.workspace_id, partner_id=partner.id, kind="call", direction=direction, occurred_at=moment
        )
    )


def won(partner, amount, currency, closed_on, to_us, to_partner, stage="won"):
    db.session.add(
        Deal(
            workspace_id=partner.workspace_id,
            partner_id=partner.id,
            title="Deal",
            amount=Decimal(amount),
            currency=currency,
            stage=stage,
            closed_on=closed_on,
            value_to_us=to_us,
            value_to_partner=to_partner,
        )
    )


@pytest.fixture
def team(user, workspace):
    """Olga (owner) keeps Brook (tier B) and Alder (tier A); Mia (member) keeps Cedar (tier C).

    Olga's waiting-on-us episodes in the quarter: Brook 5 Oct 09:00 → answered 11:00 (2 hours);
    Brook 10 Oct 09:00 (and again 11 Oct) → answered 11 Oct 15:00 (30 hours); Alder 1 Nov 09:00 →
    answered 5 Nov 13:00 (100 hours); Alder 20 Nov 09:00, still open. Median of 2, 30 and 100
    hours: 30 hours, in the bucket 1–2 days. An episode in September is outside the quarter."""
    mia = add_member(workspace, name="Mia Member")
    added = NOW - timedelta(days=200)
    brook = make_partner(workspace, name="Brook", tier="B", owner_id=user.id, created_at=added)
    alder = make_partner(workspace, name="Alder", tier="A", owner_id=user.id, created_at=added)
    cedar = make_partner(workspace, name="Cedar", tier="C", owner_id=mia.id, created_at=added)
    for moment, direction in [
        (at(10, 5), "theirs"),
        (at(10, 5, 11), "ours"),
        (at(10, 10), "theirs"),
        (at(10, 11), "theirs"),
        (at(10, 11, 15), "ours"),
    ]:
        touch(brook, moment, direction)
    for moment, direction in [
        (at(9, 10), "theirs"),
        (at(9, 11), "ours"),
        (at(11, 1), "theirs"),
        (at(11, 5, 13), "ours"),
        (at(11, 20), "theirs"),
    ]:
        touch(alder, moment, direction)
    touch(cedar, at(10, 20), "ours")
    won(brook, "1000", "EUR", date(2026, 10, 15), 1, 2)  # win-win
    won(alder, "500", "USD", date(2026, 11, 2), 1, 0)  # assessed, a compromise: not win-win
    won(alder, "200", "EUR", date(2026, 9, 30), 2, 2)  # before the quarter
    won(cedar, "300", "EUR", date(2026, 10, 3), 1, 1, stage="lost")
    db.session.commit()
    return {"olga": user, "mia": mia, "brook": brook, "alder": alder, "cedar": cedar}


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
    db.session.delete(db.session.get(Interaction, db.session.query(Interaction.id).order_by(Interaction.id.desc()).first()[0]))
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
