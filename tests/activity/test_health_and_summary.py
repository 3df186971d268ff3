"""Health score, and the activity summary: incremental upkeep equals a full recompute."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import Interaction, PartnerActivity
from app.services import interactions as svc
from app.services import neglect
from app.services.interactions import ServiceError
from tests.activity.helpers import aged_partner, touch


def test_health_score_components(factories, workspace, now):
    partner, people = aged_partner(factories, workspace, now, contacts=3)  # cadence 30
    touch(partner, now, 20, direction="ours", contact=people[0])
    touch(partner, now, 15, direction="theirs", contact=people[1])
    status = neglect.partner_status(db.session, partner, now)
    parts = {c.key: c for c in status.components}
    assert parts["recency"].points == pytest.approx(40)  # 15 days of 30: within cadence
    assert parts["reciprocity"].points == pytest.approx(25)  # 1 ours, 1 theirs
    assert parts["breadth"].points == pytest.approx(20)
    assert "winwin" not in parts  # no assessed deals: left out of the total
    assert status.score == 100


def test_health_score_falls_with_silence_one_sidedness_and_one_contact(factories, workspace, now):
    partner, people = aged_partner(factories, workspace, now, contacts=1)
    for days in (50, 48, 45):  # 45 days of 30: ratio 1.5 -> half the recency points
        touch(partner, now, days, direction="ours", contact=people[0])
    status = neglect.partner_status(db.session, partner, now)
    parts = {c.key: c.points for c in status.components}
    assert parts["recency"] == pytest.approx(20)
    assert parts["reciprocity"] == 0
    assert parts["breadth"] == pytest.approx(20 / 3)
    assert status.score == round(100 * (20 + 0 + 20 / 3) / 85)
    later = neglect.partner_status(db.session, partner, now + timedelta(days=20))  # 65 days: past 2x cadence
    assert {c.key: c.points for c in later.components}["recency"] == 0


def test_health_score_includes_win_win_once_deals_are_assessed(factories, workspace, now):
    deal_module = pytest.importorskip("app.models.deal")
    partner, people = aged_partner(factories, workspace, now, contacts=3)
    touch(partner, now, 5, direction="ours")
    touch(partner, now, 4, direction="theirs")
    for us, them in ((2, 1), (0, 2)):  # one win-win, one compromise
        db.session.add(
            deal_module.Deal(
                workspace_id=workspace.id,
                partner_id=partner.id,
                title="Site",
                currency="EUR",
                value_to_us=us,
                value_to_partner=them,
            )
        )
    db.session.commit()
    status = neglect.partner_status(db.session, partner, now)
    parts = {c.key: c.points for c in status.components}
    assert status.winwin_included and parts["winwin"] == pytest.approx(7.5)
    assert status.score == round(100 * (40 + 25 + 20 + 7.5) / 100)


def snapshot(workspace_id):
    """Every stored summary row of a workspace (activity, weekly touches, contact counts)."""
    return {
        s.name: s.stored(db.session, workspace_id)
        for s in summaries.all_summaries()
        if s.name in ("partner_activity", "touch_weeks", "contact_counts")
    }


def test_incremental_summary_equals_recomputed(factories, workspace, user, other, now):
    rng = random.Random(5)
    partners = [aged_partner(factories, workspace, now, contacts=rng.choice((0, 1, 2, 3))) for _ in range(12)]
    logged = []
    partner_of = {}
    for _step in range(260):
        partner, people = rng.choice(partners)
        action = rng.random()
        if action < 0.65 or not logged:
            kind = rng.choice(("call", "meeting", "email", "message", "note"))
            logged.append(
                touch(
                    partner,
                    now,
                    rng.randint(0, 400),
                    direction=rng.choice(("ours", "theirs")),
                    kind=kind,
                    contact=rng.choice([c for c in people if not c.removed_at] + [None]),
                    hours=rng.randint(0, 23),
                    actor=rng.choice((user, None)),
                )
            )
            partner_of[logged[-1].id] = people
        elif action < 0.8:
            item = rng.choice(logged)
            if item.deleted_at is None:
                svc.update_interaction(
                    db.session,
                    item,
                    {
                        "kind": rng.choice(("call", "email", "note")),
                        "direction": rng.choice(("ours", "theirs")),
                        "occurred_at": now - timedelta(days=rng.randint(0, 400)),
                        "summary": "Edited",
                        "contact_id": rng.choice([c.id for c in partner_of[item.id] if not c.removed_at] + [None]),
                    },
                    now=now,
                )
        elif action < 0.9:
            svc.delete_interaction(db.session, rng.choice(logged), now=now)
        elif action < 0.93 and people:
            # contacts change too: removed, restored, added (the flush listener keeps the count)
            victim = rng.choice(people)
            victim.removed_at = None if victim.removed_at else now
            if rng.random() < 0.3:
                people.append(factories.contact(partner))
        else:
            svc.restore_interaction(db.session, rng.choice(logged))
        db.session.commit()
    # same timestamps on purpose: ties are broken by id in both paths
    same_time = now - timedelta(days=3)
    for direction in ("theirs", "ours", "theirs"):
        svc.log_interaction(
            db.session,
            partners[0][0],
            {"kind": "call", "direction": direction, "occurred_at": same_time, "summary": None},
            actor_id=None,
            now=now,
        )
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
    incremental = snapshot(workspace.id)
    assert len(incremental["partner_activity"]) >= 10 and sum(n for (n,) in incremental["touch_weeks"].values()) > 50
    other_before = snapshot(other["workspace"].id)
    written = summaries.rebuild(db.session, workspace.id)
    db.session.commit()
    assert written["partner_activity"] == len(incremental["partner_activity"])
    assert snapshot(workspace.id) == incremental
    assert snapshot(other["workspace"].id) == other_before


def test_recompute_command(runner, factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    touch(partner, now, 3)
    db.session.execute(PartnerActivity.__table__.delete())
    db.session.commit()
    assert runner.invoke(args=["summaries", "check"]).exit_code == 1
    result = runner.invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "partner_activity 1" in result.output
    assert runner.invoke(args=["summaries", "check"]).exit_code == 0
    activity = db.session.get(PartnerActivity, partner.id)
    assert (activity.touch_count, activity.contact_count) == (1, 2)


def test_delete_and_undo_keep_the_summary(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    first = touch(partner, now, 10)
    last = touch(partner, now, 2, direction="theirs")
    svc.delete_interaction(db.session, last, now=now)
    db.session.commit()
    activity = db.session.get(PartnerActivity, partner.id)
    assert activity.touch_count == 1 and activity.last_touch_direction == "ours"
    svc.restore_interaction(db.session, last)
    db.session.commit()
    assert db.session.get(PartnerActivity, partner.id).last_touch_direction == "theirs"
    svc.delete_interaction(db.session, last, now=now)
    svc.delete_interaction(db.session, first, now=now)
    db.session.commit()
    activity = db.session.get(PartnerActivity, partner.id)
    assert activity.touch_count == 0 and activity.last_touch_s is None and activity.contact_count == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "fax"}, "kind"),
        ({"direction": ""}, "direction"),
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": "future"}, "occurred_at"),
        ({"summary": "x" * 5001}, "summary"),
        ({"kind": "note", "summary": ""}, "summary"),
        ({"contact_id": "other"}, "contact_id"),
    ],
)
def test_log_validation(factories, workspace, other, now, data, field):
    partner, _ = aged_partner(factories, workspace, now)
    values = {"kind": "call", "direction": "ours", "occurred_at": now, "summary": "Hello", "contact_id": None}
    values.update(data)
    if values["occurred_at"] == "future":
        values["occurred_at"] = now + timedelta(hours=1)
    if values["contact_id"] == "other":
        values["contact_id"] = other["contact"].id
    with pytest.raises(ServiceError) as error:
        svc.log_interaction(db.session, partner, values, actor_id=None, now=now)
    assert error.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(Interaction.id)) is None


def test_a_note_has_no_direction(factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    item = touch(partner, now, 1, kind="note", direction="ours")
    assert item.direction is None
    assert db.session.get(PartnerActivity, partner.id).touch_count == 0


def test_contact_changes_keep_the_contact_count(factories, workspace, now):
    partner, people = aged_partner(factories, workspace, now, contacts=1)
    assert db.session.get(PartnerActivity, partner.id).contact_count == 1
    extra = factories.contact(partner)
    db.session.expire_all()
    assert db.session.get(PartnerActivity, partner.id).contact_count == 2
    assert not neglect.partner_status(db.session, partner, now).flags["single_threaded"]
    extra.removed_at = now
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(PartnerActivity, partner.id).contact_count == 1
    assert neglect.partner_status(db.session, partner, now).flags["single_threaded"]
    db.session.delete(people[0])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(PartnerActivity, partner.id).contact_count == 0


def test_partners_without_a_summary_row_are_still_flagged_right(factories, workspace, now):
    """Partners bulk-inserted (no flush hooks ran) have no row until their workspace's summaries are
    rebuilt, and are flagged right meanwhile."""
    from sqlalchemy import insert

    from app.models import Contact, Partner

    db.session.execute(
        insert(Partner),
        [
            {
                "workspace_id": workspace.id,
                "name": "Bulk",
                "name_key": "bulk",
                "kind": "company",
                "status": "active",
                "tier": "B",
                "source": "direct",
                "no_prospects": False,
                "created_at": now - timedelta(days=31),
                "updated_at": now,
            }
        ],
    )
    partner_id = db.session.scalar(select(Partner.id).where(Partner.name == "Bulk"))
    db.session.execute(
        insert(Contact),
        [{"workspace_id": workspace.id, "partner_id": partner_id, "name": n, "is_primary": False} for n in ("A", "B")],
    )
    db.session.commit()
    assert db.session.get(PartnerActivity, partner_id) is None
    status = neglect.statuses_for(db.session, workspace.id, [partner_id], now)[partner_id]
    assert status.flags["neglected"] and not status.flags["single_threaded"] and status.days_since == 31
    summaries.rebuild(db.session, workspace.id)
    db.session.commit()
    assert db.session.get(PartnerActivity, partner_id).contact_count == 2
    partner = db.session.get(Partner, partner_id)
    touch(partner, now, 1)
    activity = db.session.get(PartnerActivity, partner_id)
    assert (activity.touch_count, activity.contact_count) == (1, 2)
    assert not neglect.partner_status(db.session, partner, now).flags["neglected"]
