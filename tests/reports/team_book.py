"""A small team's book for the account managers tests, counted by hand in the fixture's docstring.
NOW is 24 November 2026 12:00 UTC; "this quarter" is 1 October – 24 November: 55 days. Cadences:
tier A 14 days, B 30, C 60."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Deal, Interaction
from app.services.reports.period import choose
from tests.conftest import NOW, add_member, make_partner

QUARTER = choose("quarter", None, None, NOW.date())


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def touch(partner, moment, direction):
    db.session.add(
        Interaction(
            workspace_id=partner.workspace_id,
            partner_id=partner.id,
            kind="call",
            direction=direction,
            occurred_at=moment,
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


def build_team(user, workspace):
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
