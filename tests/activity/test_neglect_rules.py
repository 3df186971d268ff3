"""The neglect and relationship flags at their boundaries, computed in SQL."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.services import neglect
from tests.activity.helpers import aged_partner, touch


def flags_of(partner, now):
    """The partner's flags, checked to agree between the partner-page path (Partner's own columns)
    and the dashboard path (the PartnerActivity scan)."""
    flags = neglect.partner_status(db.session, partner, now).flags
    _, lists = neglect.flag_overview(
        db.session, partner.workspace_id, now, limit=1000, flags=neglect.FLAGS, with_counts=False
    )
    assert {f: any(r.partner_id == partner.id for r in rows) for f, rows in lists.items()} == flags
    return flags


def listed(flag, workspace, now, **kw):
    return [r.partner_id for r in neglect.flag_lists(db.session, workspace.id, now, **kw)[flag]]


# --- neglected ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "expected"), [(29, False), (30, False), (31, True)])
def test_neglected_after_the_tier_cadence(factories, workspace, now, days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now, tier="B")  # workspace default B = 30 days
    touch(partner, now, days_ago)
    assert flags_of(partner, now)["neglected"] is expected
    assert (partner.id in listed("neglected", workspace, now)) is expected
    assert neglect.flag_counts(db.session, workspace.id, now)["neglected"] == int(expected)


def test_one_second_past_the_cadence_is_neglected(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    touch(partner, now, 30)
    assert not flags_of(partner, now)["neglected"]
    assert flags_of(partner, now + timedelta(seconds=1))["neglected"]


@pytest.mark.parametrize(("days_ago", "expected"), [(9, False), (10, False), (11, True)])
def test_cadence_from_the_agreed_terms_wins_over_the_tier(factories, workspace, now, days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now, tier="C", cadence_days=10)  # tier C would be 60
    touch(partner, now, days_ago)
    status = neglect.partner_status(db.session, partner, now)
    assert status.cadence == 10
    assert status.flags["neglected"] is expected


def test_tier_cadence_comes_from_the_workspace_settings(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now, tier="A")
    touch(partner, now, 15)
    assert flags_of(partner, now)["neglected"]  # A = 14 by default
    workspace.cadence_a_days = 15
    db.session.commit()
    assert not flags_of(partner, now)["neglected"]
    workspace.cadence_a_days = 14
    workspace.cadence_b_days = 5
    db.session.commit()
    assert flags_of(partner, now)["neglected"]


@pytest.mark.parametrize(("created_days_ago", "expected"), [(29, False), (30, False), (31, True)])
def test_never_touched_counts_from_creation(factories, workspace, now, created_days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now, days=created_days_ago)
    touch(partner, now, 0, kind="note")  # a note is not a touch
    status = neglect.partner_status(db.session, partner, now)
    assert status.flags["neglected"] is expected
    assert status.days_since == created_days_ago


def test_neglected_sorted_by_overdue_ratio(factories, workspace, now):
    a, _ = aged_partner(factories, workspace, now, tier="A", name="Alpha")  # 20 / 14 = 1.43
    b, _ = aged_partner(factories, workspace, now, tier="B", name="Bravo")  # 40 / 30 = 1.33
    c, _ = aged_partner(factories, workspace, now, tier="C", name="Charlie")  # 130 / 60 = 2.17
    touch(a, now, 20), touch(b, now, 40), touch(c, now, 130)
    rows = neglect.neglected_partners(db.session, workspace.id, now)
    assert [r.name for r in rows] == ["Charlie", "Alpha", "Bravo"]
    assert (rows[0].days_since, rows[0].cadence) == (130, 60)
    assert rows[0].overdue_ratio == pytest.approx(130 / 60)


@pytest.mark.parametrize(
    "change", [{"status": "ended"}, {"no_prospects": True, "no_prospects_reason": "Rude"}, {"archived": True}]
)
def test_excluded_partners_are_never_flagged(factories, workspace, now, change):
    partner, _ = aged_partner(factories, workspace, now, contacts=1)
    for days in (100, 101, 102):  # neglected, burst then silence, not answering, single-threaded
        touch(partner, now, days)
    touch(partner, now, 99, direction="theirs")
    assert neglect.partner_status(db.session, partner, now).active_flags
    if change.pop("archived", False):
        partner.archived_at = now
    for key, value in change.items():
        setattr(partner, key, value)
    db.session.commit()
    status = neglect.partner_status(db.session, partner, now)
    assert not status.eligible and status.active_flags == []
    assert set(neglect.flag_counts(db.session, workspace.id, now).values()) == {0}
    assert all(not rows for rows in neglect.flag_lists(db.session, workspace.id, now).values())


# --- due soon -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "expected"), [(23, False), (24, True), (25, True), (30, True), (31, False)])
def test_due_soon_in_the_last_fifth_of_the_cadence(factories, workspace, now, days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now)  # cadence 30: due soon with <= 6 days left
    touch(partner, now, days_ago)
    assert flags_of(partner, now)["due_soon"] is expected


@pytest.mark.parametrize(("days_ago", "expected"), [(2, False), (3, True), (5, True), (6, False)])
def test_due_soon_has_at_least_two_days(factories, workspace, now, days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now, cadence_days=5)  # 20% = 1 day -> 2 days
    touch(partner, now, days_ago)
    assert flags_of(partner, now)["due_soon"] is expected


# --- waiting on us ------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "expected"), [(1, False), (2, False), (3, True)])
def test_waiting_on_us_after_the_response_time(factories, workspace, now, days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now)  # workspace default: 2 days
    touch(partner, now, 10, direction="ours")
    touch(partner, now, days_ago, direction="theirs")
    assert flags_of(partner, now)["waiting_on_us"] is expected
    assert (partner.id in listed("waiting_on_us", workspace, now)) is expected


def test_waiting_on_us_ends_with_our_answer_and_ignores_notes(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    touch(partner, now, 5, direction="theirs")
    touch(partner, now, 1, kind="note")
    assert flags_of(partner, now)["waiting_on_us"]
    touch(partner, now, 1, direction="ours", kind="email")
    assert not flags_of(partner, now)["waiting_on_us"]


@pytest.mark.parametrize(("days_ago", "expected"), [(4, False), (5, False), (6, True)])
def test_waiting_on_us_uses_the_agreed_response_time(factories, workspace, now, days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now, response_time_days=5)
    touch(partner, now, days_ago, direction="theirs")
    assert flags_of(partner, now)["waiting_on_us"] is expected


# --- not answering us ---------------------------------------------------------------------------


@pytest.mark.parametrize(("first_of_three", "expected"), [(1, False), (2, False), (3, True)])
def test_not_answering_us_three_chases_the_first_older_than_response_time(
    factories, workspace, now, first_of_three, expected
):
    partner, _ = aged_partner(factories, workspace, now)
    touch(partner, now, 20, direction="theirs")
    touch(partner, now, first_of_three, direction="ours", kind="email")
    touch(partner, now, 0, direction="ours", hours=3)
    touch(partner, now, 0, direction="ours", hours=1)
    assert flags_of(partner, now)["not_answering"] is expected
    assert (partner.id in listed("not_answering", workspace, now)) is expected


def test_not_answering_needs_three_of_ours_after_theirs(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    touch(partner, now, 10, direction="ours")
    touch(partner, now, 9, direction="theirs")
    touch(partner, now, 8, direction="ours")
    touch(partner, now, 7, direction="ours")
    assert not flags_of(partner, now)["not_answering"]
    touch(partner, now, 6, direction="ours")
    assert flags_of(partner, now)["not_answering"]
    touch(partner, now, 1, direction="theirs")  # they answered
    assert not flags_of(partner, now)["not_answering"]


def test_not_answering_counts_partners_who_never_answered(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    for days in (9, 6, 4):
        touch(partner, now, days, direction="ours")
    assert flags_of(partner, now)["not_answering"]


# --- burst then silence -------------------------------------------------------------------------


@pytest.mark.parametrize(("third_days_ago", "expected"), [(53, True), (54, True), (55, False)])
def test_burst_then_silence_last_three_touches_within_14_days(factories, workspace, now, third_days_ago, expected):
    partner, _ = aged_partner(factories, workspace, now)  # cadence 30, last touch 40 days ago
    touch(partner, now, 300)
    touch(partner, now, third_days_ago)
    touch(partner, now, 45, direction="theirs")
    touch(partner, now, 40)
    assert flags_of(partner, now)["neglected"]
    assert flags_of(partner, now)["burst_then_silence"] is expected


def test_burst_that_is_not_neglected_is_not_flagged(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    for days in (30, 25, 20):
        touch(partner, now, days)
    assert not flags_of(partner, now)["burst_then_silence"]
    assert flags_of(partner, now + timedelta(days=11))["burst_then_silence"]


def test_burst_needs_three_touches(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    touch(partner, now, 45)
    touch(partner, now, 40)
    assert not flags_of(partner, now)["burst_then_silence"]


# --- single-threaded ----------------------------------------------------------------------------


@pytest.mark.parametrize(("contacts", "expected"), [(0, True), (1, True), (2, False)])
def test_single_threaded_with_fewer_than_two_contacts(factories, workspace, now, contacts, expected):
    partner, _ = aged_partner(factories, workspace, now, contacts=contacts)
    assert flags_of(partner, now)["single_threaded"] is expected


def test_removed_contacts_do_not_count(factories, workspace, now):
    partner, people = aged_partner(factories, workspace, now, contacts=2)
    people[1].removed_at = now
    db.session.commit()
    assert flags_of(partner, now)["single_threaded"]


def test_single_threaded_when_every_recent_touch_is_with_one_contact(factories, workspace, now):
    partner, (anna, boris) = aged_partner(factories, workspace, now, contacts=2)
    touch(partner, now, 30, contact=anna)
    touch(partner, now, 20, contact=anna, direction="theirs")
    assert not flags_of(partner, now)["single_threaded"]  # only two touches
    touch(partner, now, 10, contact=anna)
    assert flags_of(partner, now)["single_threaded"]
    touch(partner, now, 5, kind="note", contact=boris)  # a note is not a touch
    assert flags_of(partner, now)["single_threaded"]
    touch(partner, now, 40, contact=boris)  # an older touch with someone else, inside 180 days
    assert not flags_of(partner, now)["single_threaded"]


@pytest.mark.parametrize(("other_days_ago", "expected"), [(179, False), (180, False), (181, True)])
def test_single_threaded_window_is_180_days(factories, workspace, now, other_days_ago, expected):
    partner, (anna, boris) = aged_partner(factories, workspace, now, contacts=2)
    touch(partner, now, other_days_ago, contact=boris)
    for days in (30, 20, 10):
        touch(partner, now, days, contact=anna)
    assert flags_of(partner, now)["single_threaded"] is expected


@pytest.mark.parametrize(("third_days_ago", "expected"), [(179, True), (180, True), (181, False)])
def test_single_threaded_needs_three_touches_inside_the_window(factories, workspace, now, third_days_ago, expected):
    partner, (anna, _) = aged_partner(factories, workspace, now, contacts=2)
    touch(partner, now, third_days_ago, contact=anna)
    touch(partner, now, 20, contact=anna)
    touch(partner, now, 10, contact=anna)
    assert flags_of(partner, now)["single_threaded"] is expected


def test_touches_without_a_contact_do_not_make_a_partner_single_threaded(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now, contacts=2)
    for days in (30, 20, 10):
        touch(partner, now, days)
    assert not flags_of(partner, now)["single_threaded"]


# --- owner filter and counts ----------------------------------------------------------------------


def test_owner_filter_limits_counts_and_lists(factories, workspace, user, now):
    mine, _ = aged_partner(factories, workspace, now, owner_id=user.id)
    theirs, _ = aged_partner(factories, workspace, now)
    assert neglect.flag_counts(db.session, workspace.id, now)["neglected"] == 2
    assert neglect.flag_counts(db.session, workspace.id, now, owner_id=user.id)["neglected"] == 1
    assert listed("neglected", workspace, now, owner_id=user.id) == [mine.id]
    assert theirs.id in listed("neglected", workspace, now)


def test_other_workspaces_are_not_counted(factories, workspace, other, now):
    other["partner"].created_at = now - timedelta(days=500)
    db.session.commit()
    assert neglect.flag_counts(db.session, workspace.id, now)["neglected"] == 0
    assert neglect.flag_counts(db.session, other["workspace"].id, now)["neglected"] == 1


def test_dashboard_follows_terms_tier_and_settings_changes(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now, tier="B")
    touch(partner, now, 20)
    assert not flags_of(partner, now)["neglected"]
    partner.cadence_days = 10  # the terms service mirrors the agreed cadence here
    db.session.commit()
    assert flags_of(partner, now)["neglected"]
    partner.cadence_days = None
    partner.tier = "A"  # 14 days
    db.session.commit()
    assert flags_of(partner, now)["neglected"]
    workspace.cadence_a_days = 25
    db.session.commit()
    assert not flags_of(partner, now)["neglected"] and flags_of(partner, now)["due_soon"]
    partner.response_time_days = 30
    partner.owner_id = None
    db.session.commit()
    assert neglect.flag_counts(db.session, workspace.id, now)["due_soon"] == 1
