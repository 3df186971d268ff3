"""Merging two partners: everything moves, the chosen values win, summaries stay right, undo is exact."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import flask_babel
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Commission,
    CommissionTotal,
    Contact,
    Deal,
    Interaction,
    Partner,
    PartnerMerge,
    ReferralChange,
    Reminder,
    StatementLink,
    Terms,
    TermsVersion,
)
from app.services import ServiceError, terms
from app.services.merging import merge_partners, plan_merge, undo_partner_merge
from tests.merging.helpers import assert_summaries_right, build_book, state


def count(model, column, value):
    return db.session.scalar(select(func.count()).select_from(model).where(column == value))


def merge(book, workspace, user, now, **choices):
    record = merge_partners(
        db.session,
        workspace,
        user,
        survivor_id=book.survivor.id,
        merged_id=book.merged.id,
        choices=choices,
        now=now,
    )
    db.session.commit()
    return record


@pytest.fixture
def book(workspace, user, now):
    return build_book(workspace, user, now)


def test_everything_moves_to_the_survivor(book, workspace, user, now):
    m, s = book.merged.id, book.survivor.id
    moving = {
        (Contact, Contact.partner_id): 2,
        (Deal, Deal.partner_id): 2,
        (Interaction, Interaction.partner_id): 3,
        (Reminder, Reminder.partner_id): 1,
        (Commission, Commission.referrer_id): 1,
        (StatementLink, StatementLink.referrer_id): 1,
        (TermsVersion, TermsVersion.partner_id): 2,
        (Partner, Partner.referred_by_id): 1,
    }
    before_s = {key: count(key[0], key[1], s) for key in moving}
    for key, n in moving.items():
        assert count(key[0], key[1], m) == n, key
    merge(book, workspace, user, now)
    for key, n in moving.items():
        assert count(key[0], key[1], m) == 0, key
        assert count(key[0], key[1], s) == before_s[key] + n, key
    db.session.expire_all()
    merged, survivor = db.session.get(Partner, m), db.session.get(Partner, s)
    assert merged.archived_at == now and merged.merged_into_id == s
    assert survivor.contact_count == 3 and merged.contact_count == 0
    # one primary contact: the survivor's
    primaries = db.session.scalars(select(Contact.name).where(Contact.partner_id == s, Contact.is_primary)).all()
    assert primaries == ["Anna G."]
    assert_summaries_right(workspace.id)


def test_field_choices_are_honoured_and_defaults_fill_gaps(book, workspace, user, now):
    merge(book, workspace, user, now, name="merged", tier="survivor")
    db.session.expire_all()
    survivor = db.session.get(Partner, book.survivor.id)
    assert survivor.name == "Garden Studio GmbH"  # chosen
    assert survivor.tier == "B"  # kept
    assert survivor.website == "https://garden.example"  # the survivor had none: the other's by default


def test_unknown_field_or_side_is_refused(book, workspace, user, now):
    with pytest.raises(ServiceError):
        merge(book, workspace, user, now, name="both")
    db.session.rollback()
    with pytest.raises(ServiceError):
        merge(book, workspace, user, now, cadence_days="merged")  # both have terms: follows the terms


def test_terms_keep_every_version_and_the_survivors_current_terms(book, workspace, user, now):
    current_before, version_before = terms.current(db.session, book.survivor.id)
    rate, number = version_before.commission_rate, current_before.version
    merge(book, workspace, user, now)
    current, version = terms.current(db.session, book.survivor.id)
    assert version.commission_rate == rate == Decimal("7.00")  # the agreed terms did not change
    assert current.version == number + 2 and current.commission_rate == rate
    history, _ = terms.history(db.session, book.survivor.id)
    assert [(h.version.version, str(h.version.commission_rate)) for h in history] == [
        (3, "7.00"),
        (2, "6.00"),
        (1, "5.00"),
    ]
    assert db.session.scalar(select(Terms).where(Terms.partner_id == book.merged.id)) is None
    assert db.session.get(Partner, book.survivor.id).cadence_days == 21


def test_commission_totals_stay_right(book, workspace, user, now):
    def totals():
        return sorted(
            (t.currency, t.status, t.entry_count, t.amount)
            for t in db.session.scalars(select(CommissionTotal).where(CommissionTotal.workspace_id == workspace.id))
        )

    entries = db.session.scalar(select(func.count(Commission.id)).where(Commission.workspace_id == workspace.id))
    before = totals()
    merge(book, workspace, user, now)
    assert totals() == before
    assert (
        db.session.scalar(select(func.count(Commission.id)).where(Commission.workspace_id == workspace.id)) == entries
    )
    assert_summaries_right(workspace.id)


def test_referrals_move_in_both_directions_through_the_service(book, workspace, user, now):
    changes = db.session.scalar(select(func.count(ReferralChange.id)))
    merge(book, workspace, user, now)
    db.session.expire_all()
    assert db.session.get(Partner, book.child.id).referred_by_id == book.survivor.id
    assert db.session.get(Partner, book.survivor.id).referred_by_id == book.referrer.id  # it had none
    assert db.session.get(Partner, book.merged.id).referred_by_id is None
    assert db.session.scalar(select(func.count(ReferralChange.id))) == changes + 3
    assert_summaries_right(workspace.id)


def test_the_survivors_own_referrer_is_kept(book, workspace, user, now, factories):
    from tests.merging.helpers import refer

    other = factories.partner(workspace, name="Otto Other")
    refer(book.survivor, other, now - timedelta(days=1))
    plan = plan_merge(db.session, workspace.id, book.survivor, book.merged)
    assert any("keeps its referrer Otto Other" in note.english for note in plan.notes)
    merge(book, workspace, user, now)
    db.session.expire_all()
    assert db.session.get(Partner, book.survivor.id).referred_by_id == other.id
    assert_summaries_right(workspace.id)


def test_undo_restores_every_row_exactly(book, workspace, user, now):
    before = state(workspace.id)
    record = merge(book, workspace, user, now)
    assert state(workspace.id) != before
    undo_partner_merge(db.session, workspace, user, record.id, now=now + timedelta(hours=1))
    db.session.commit()
    after = state(workspace.id)
    # the merge record itself is new; everything else is as it was
    assert after == before
    assert_summaries_right(workspace.id)
    assert db.session.get(PartnerMerge, record.id).undone_at == now + timedelta(hours=1)


def test_undo_twice_is_refused(book, workspace, user, now):
    record = merge(book, workspace, user, now)
    undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.commit()
    with pytest.raises(ServiceError, match="already undone"):
        undo_partner_merge(db.session, workspace, user, record.id, now=now)


def test_undo_is_refused_after_a_moved_deal_was_edited(book, workspace, user, now):
    record = merge(book, workspace, user, now)
    deal = db.session.scalar(select(Deal).where(Deal.title == "Retainer"))
    deal.notes = "Changed after the merge"
    db.session.commit()
    with pytest.raises(ServiceError, match="deal “Retainer” was edited"):
        undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.rollback()
    assert db.session.get(Partner, book.merged.id).merged_into_id == book.survivor.id


def test_a_russian_reader_is_told_what_changed_in_russian(app, book, workspace, user, now):
    record = merge(book, workspace, user, now)
    db.session.scalar(select(Deal).where(Deal.title == "Retainer")).notes = "Changed after the merge"
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.rollback()
    with app.test_request_context(), flask_babel.force_locale("ru"):
        said = refused.value.message
    assert "сделка «Retainer» изменена" in said and "edited" not in said and "merge" not in said


def test_undo_is_refused_after_30_days(book, workspace, user, now):
    record = merge(book, workspace, user, now)
    with pytest.raises(ServiceError, match="30 days"):
        undo_partner_merge(db.session, workspace, user, record.id, now=now + timedelta(days=31))


def test_a_merged_partner_cannot_be_merged_again(book, workspace, user, now):
    merge(book, workspace, user, now)
    with pytest.raises(ServiceError, match="already merged"):
        merge(book, workspace, user, now)


def test_another_workspaces_partner_is_gone(book, workspace, user, now, other):
    from app.services import Gone

    with pytest.raises(Gone):
        merge_partners(
            db.session,
            workspace,
            user,
            survivor_id=book.survivor.id,
            merged_id=other["partner"].id,
            choices={},
            now=now,
        )


def test_late_attribution_commission_comes_and_goes_with_undo(book, workspace, user, now):
    from tests.deals.helpers import make_deal

    won = make_deal(book.survivor, now=now - timedelta(days=1), title="Big win", stage="won", amount="1000.00")
    assert db.session.scalar(select(func.count(Commission.id)).where(Commission.deal_id == won.id)) == 0
    before = state(workspace.id)
    record = merge(book, workspace, user, now)
    # the survivor now has the merged partner's referrer: its won deal earns them, as any late attribution
    entry = db.session.scalar(select(Commission).where(Commission.deal_id == won.id))
    assert entry.referrer_id == book.referrer.id and entry.amount == Decimal("100.00") and entry.status == "owed"
    assert record.created == {"commission": [entry.id]}
    assert_summaries_right(workspace.id)
    undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.commit()
    assert state(workspace.id) == before
    assert_summaries_right(workspace.id)


def test_undo_refused_once_a_commission_it_recorded_was_paid(book, workspace, user, now):
    from app.services import commissions
    from tests.deals.helpers import make_deal

    won = make_deal(book.survivor, now=now - timedelta(days=1), title="Big win", stage="won", amount="1000.00")
    record = merge(book, workspace, user, now)
    entry = db.session.scalar(select(Commission).where(Commission.deal_id == won.id))
    commissions.mark_paid(db.session, workspace.id, [entry.id], now.date(), "ref", user.id)
    db.session.commit()
    with pytest.raises(ServiceError, match="was paid since|edited"):
        undo_partner_merge(db.session, workspace, user, record.id, now=now)


def test_undo_refused_after_the_survivor_was_edited(book, workspace, user, now):
    record = merge(book, workspace, user, now)
    db.session.get(Partner, book.survivor.id).notes = "Edited after the merge"
    db.session.commit()
    with pytest.raises(ServiceError, match="partner “Garden Studio” was edited"):
        undo_partner_merge(db.session, workspace, user, record.id, now=now)


def test_only_the_merged_partner_has_terms_they_move_as_they_are(workspace, user, now, factories):
    from tests.deals.helpers import give_terms

    survivor = factories.partner(workspace, name="Kept")
    merged = factories.partner(workspace, name="Gone")
    give_terms(merged, "8", now=now - timedelta(days=2), cadence_days=10, response_time_days=3)
    give_terms(merged, "9", now=now - timedelta(days=1), cadence_days=12, response_time_days=3)
    before = state(workspace.id)
    plan = plan_merge(db.session, workspace.id, survivor, merged)
    assert plan.terms == "merged" and "cadence_days" not in plan.fields
    record = merge_partners(
        db.session, workspace, user, survivor_id=survivor.id, merged_id=merged.id, choices={}, now=now
    )
    db.session.commit()
    current, version = terms.current(db.session, survivor.id)
    assert (current.version, version.commission_rate) == (2, Decimal("9.00"))
    db.session.expire_all()
    kept = db.session.get(Partner, survivor.id)
    assert (kept.cadence_days, kept.response_time_days) == (12, 3)  # mirror the current terms
    assert_summaries_right(workspace.id)
    undo_partner_merge(db.session, workspace, user, record.id, now=now)
    db.session.commit()
    assert state(workspace.id) == before
