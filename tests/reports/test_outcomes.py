"""The Sources and Tiers measures on the small book of tests/reports/outcomes_book.py, counted by
hand there; another workspace's partners never count; the summary equals its rebuild."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app import summaries
from app.extensions import db
from app.reports.kit import Filters
from app.services.reports.outcomes import Money, Reading, sources_report, tiers_report
from app.services.reports.period import Period
from tests.conftest import make_user, workspace_of
from tests.reports.outcomes_book import PERIOD, build, deal


@pytest.fixture
def book(workspace, user):
    return build(workspace, owner=user.id)


def _by_key(report):
    return {row.key: row for row in report.rows}


def test_sources_measures_match_the_hand_count(book, workspace, now):
    report = sources_report(db.session, workspace.id, PERIOD, Filters(), now)
    rows = _by_key(report)
    referral, event, direct = rows["referral"], rows["event"], rows["direct"]
    assert book["ben"].source == "referral"  # given a referrer with the default source
    assert book["fair"].source == "event"  # a source other than the default stays
    assert (referral.gained, referral.active_share, referral.days_to_won) == (2, D("1"), D("30"))
    assert referral.money == [Money("EUR", D("3000.00"), D("1500.00")), Money("USD", D("500.00"), D("250.00"))]
    assert (referral.to_us, referral.to_partner, referral.win_win_share) == (D("0.75"), D("0.25"), D("0.5"))
    assert (referral.referrals, referral.multiplier) == (1, D("0.5"))
    assert (referral.retention_base, referral.retained_share) == (2, D("0.5"))
    assert (event.gained, event.active_share, event.days_to_won) == (2, D("0.5"), D("20"))
    assert event.money == [Money("EUR", D("300.00"), D("150.00"))]
    assert (event.to_us, event.to_partner, event.win_win_share) == (D("-1"), D("2"), D("0"))
    assert (event.referrals, event.multiplier, event.retention_base, event.retained_share) == (1, D("0.5"), 1, D("1"))
    assert (direct.gained, direct.active_share, direct.money, direct.retained_share) == (0, None, [], None)
    assert report.currencies == ["EUR", "USD"]
    assert report.reading == Reading("revenue_ratio", "referral", "event", D("10.0"), "EUR")


def test_tiers_measures_and_cadence_kept_match_the_hand_count(book, workspace, now):
    rows = _by_key(tiers_report(db.session, workspace.id, PERIOD, Filters(), now))
    a, b, c = rows["A"], rows["B"], rows["C"]
    assert (a.gained, a.active_share, a.days_to_won, a.referrals, a.multiplier) == (2, D("1"), D("25"), 2, D("1"))
    assert a.money == [Money("EUR", D("1300.00"), D("650.00")), Money("USD", D("500.00"), D("250.00"))]
    assert (a.to_us, a.to_partner, a.win_win_share) == (D("0.67"), D("1"), D("0.3333"))
    assert (a.retention_base, a.retained_share) == (0, None)
    assert (b.gained, b.days_to_won, b.win_win_share, b.retention_base, b.retained_share) == (
        1,
        D("30"),
        D("0.5"),
        3,
        D("0.6667"),
    )
    assert (c.gained, c.active_share, c.days_to_won, c.money) == (1, D("0"), None, [])
    # cadence kept, now: A: Expo touched yesterday, Anna not since March; B: nobody of five; C: Fair never
    assert [(r.cadence_base, r.cadence_kept) for r in (a, b, c)] == [(2, D("0.5")), (5, D("0")), (1, D("0"))]


def test_filters_narrow_every_measure(book, workspace, user, now):
    rows = _by_key(sources_report(db.session, workspace.id, PERIOD, Filters(tier="A"), now))
    assert (rows["referral"].gained, rows["event"].gained) == (1, 1)
    assert rows["referral"].money[0] == Money("EUR", D("1000.00"), D("1000.00"))
    nobody = _by_key(sources_report(db.session, workspace.id, PERIOD, Filters(owner_id=user.id + 999), now))
    assert all(row.gained == 0 for row in nobody.values())
    tiers = _by_key(tiers_report(db.session, workspace.id, PERIOD, Filters(source="event"), now))
    assert [(tiers[t].gained, tiers[t].cadence_base) for t in "ABC"] == [(1, 1), (0, 1), (1, 1)]


def test_a_period_of_a_few_days_reads_day_buckets(book, workspace, now):
    march = Period("custom", date(2026, 3, 9), date(2026, 3, 11))
    rows = _by_key(sources_report(db.session, workspace.id, march, Filters(), now))
    assert (rows["referral"].gained, rows["event"].gained) == (1, 0)
    across = Period("custom", date(2026, 1, 31), date(2026, 3, 10))  # a day, a whole month, ten days
    rows = _by_key(sources_report(db.session, workspace.id, across, Filters(), now))
    assert (rows["referral"].gained, rows["event"].gained) == (1, 1)


def test_the_period_before_is_read_for_the_comparison(book, workspace, now):
    report = sources_report(db.session, workspace.id, PERIOD, Filters(), now, before=PERIOD.previous())
    assert PERIOD.previous() == Period("custom", date(2025, 2, 7), date(2025, 12, 31))
    assert report.before["referral"].gained == 2  # Old2 and Late (Old1 came on 2025-02-01)
    assert report.before["referral"].money == [Money("EUR", D("9000.00"), D("4500.00"))]


def test_another_workspaces_partners_never_count(book, workspace, now):
    stranger = workspace_of(make_user())
    build(stranger)
    deal(_first_partner(stranger), "won", "EUR", "99999")
    rows = _by_key(sources_report(db.session, workspace.id, PERIOD, Filters(), now))
    assert rows["referral"].money[0].won == D("3000.00")
    assert summaries.check(db.session, workspace.id) == [] and summaries.check(db.session, stranger.id) == []


def _first_partner(workspace):
    from app.models import Partner

    return db.session.query(Partner).filter_by(workspace_id=workspace.id).order_by(Partner.id).first()


def test_an_empty_workspace_has_an_empty_report_and_no_reading(workspace, now):
    report = tiers_report(db.session, workspace.id, PERIOD, Filters(), now)
    assert report.empty and report.reading is None and report.currencies == []


def test_the_summary_equals_its_rebuild_after_edits_merges_and_deletes(book, workspace, user, now):
    from app.services import merging
    from app.services import partners as partner_service

    partner_service.update_partner(db.session, book["expo"], {"source": "content", "tier": "B"}, now)
    db.session.commit()
    merging.merge_partners(
        db.session, workspace.id, user.id, survivor_id=book["old1"].id, merged_id=book["old2"].id, choices={}, now=now
    )
    db.session.commit()
    partner_service.delete_partner(db.session, book["anna"], book["anna"].name)
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    rows = _by_key(sources_report(db.session, workspace.id, PERIOD, Filters(), now))
    assert (rows["referral"].gained, rows["referral"].referrals, rows["content"].gained) == (1, 0, 1)
    assert rows["content"].referrals == 1  # Expo still referred Fair
    summaries.rebuild(db.session, workspace.id)
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    assert _by_key(sources_report(db.session, workspace.id, PERIOD, Filters(), now))["referral"].gained == 1


def test_deleting_the_partner_others_were_merged_into_brings_them_back_in_the_counts(book, workspace, user, now):
    from app.services import merging
    from app.services import partners as partner_service

    merging.merge_partners(
        db.session, workspace.id, user.id, survivor_id=book["old1"].id, merged_id=book["old2"].id, choices={}, now=now
    )
    db.session.commit()
    partner_service.delete_partner(db.session, book["old1"], book["old1"].name)
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
