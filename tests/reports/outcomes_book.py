"""A small book built for the Sources and Tiers reports, with every measure countable by hand.

Period asked: 2026-01-01 .. 2026-11-24 (NOW); the year before: 2025-01-01 .. 2025-11-24.

  name   source    tier gained      status    deals (stage currency amount closed, us/partner)      touches
  Anna   referral  A    2026-03-10  active    won EUR 1000 04-09 (2,1); won USD 500 05-01 (1,0)     2026-03-20
  Ben    referral  B    2026-06-15  prospect  won EUR 2000 07-05 (1,1); lost EUR 700 (-1,-1)        2026-06-05
         (Ben's referrer is Anna, set after he was added with the default source "direct")
  Expo   event     A    2026-02-01  prospect  won EUR 300 02-21 (-1,2)                              NOW - 1 day
  Fair   event     C    2026-08-01  prospect  (referred by Expo; its source "event" stays)
  Old1   referral  B    2025-02-01  prospect  -                                                     2026-03-01
  Old2   referral  B    2025-05-01  prospect  -                                                     2025-06-01
  Old3   event     B    2025-10-01  prospect  won EUR 50 2026-10-05 (-, -)
  Late   referral  B    2025-12-31  active    won EUR 9000 2026-01-05 (outside the period)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Deal, Interaction
from app.services import referral_tree
from app.services.reports.period import Period
from tests.conftest import NOW, make_partner

PERIOD = Period("custom", date(2026, 1, 1), date(2026, 11, 24))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def deal(partner, stage, currency, amount, closed=None, values=(None, None)):
    db.session.add(
        Deal(
            workspace_id=partner.workspace_id,
            partner_id=partner.id,
            title="Deal",
            stage=stage,
            currency=currency,
            amount=Decimal(amount),
            closed_on=closed,
            value_to_us=values[0],
            value_to_partner=values[1],
        )
    )
    db.session.commit()


def touch(partner, when: datetime, kind="call"):
    db.session.add(
        Interaction(
            workspace_id=partner.workspace_id, partner_id=partner.id, kind=kind, direction="ours", occurred_at=when
        )
    )
    db.session.commit()


def build(workspace, owner=None) -> dict:
    def partner(name, source, tier, gained, status="prospect"):
        return make_partner(
            workspace, name=name, source=source, tier=tier, status=status, created_at=at(gained), owner_id=owner
        )

    p = {}
    p["anna"] = partner("Anna", "referral", "A", date(2026, 3, 10), "active")
    deal(p["anna"], "won", "EUR", "1000", date(2026, 4, 9), (2, 1))
    deal(p["anna"], "won", "USD", "500", date(2026, 5, 1), (1, 0))
    touch(p["anna"], at(date(2026, 3, 20)))
    p["ben"] = partner("Ben", "direct", "B", date(2026, 6, 15))
    referral_tree.set_referrer(db.session, workspace.id, p["ben"], p["anna"].id, now=NOW, details=False)
    db.session.commit()
    deal(p["ben"], "won", "EUR", "2000", date(2026, 7, 5), (1, 1))
    deal(p["ben"], "lost", "EUR", "700", date(2026, 8, 1), (-1, -1))
    touch(p["ben"], at(date(2026, 6, 5)))
    touch(p["ben"], at(date(2026, 6, 6)), kind="note")  # a note is not a touch
    p["expo"] = partner("Expo", "event", "A", date(2026, 2, 1))
    deal(p["expo"], "won", "EUR", "300", date(2026, 2, 21), (-1, 2))
    touch(p["expo"], NOW - timedelta(days=1))
    p["fair"] = partner("Fair", "event", "C", date(2026, 8, 1))
    referral_tree.set_referrer(db.session, workspace.id, p["fair"], p["expo"].id, now=NOW, details=False)
    db.session.commit()
    p["old1"] = partner("Old1", "referral", "B", date(2025, 2, 1))
    touch(p["old1"], at(date(2026, 3, 1)))
    p["old2"] = partner("Old2", "referral", "B", date(2025, 5, 1))
    touch(p["old2"], at(date(2025, 6, 1)))
    p["old3"] = partner("Old3", "event", "B", date(2025, 10, 1))
    deal(p["old3"], "won", "EUR", "50", date(2026, 10, 5))
    p["late"] = partner("Late", "referral", "B", date(2025, 12, 31), "active")
    deal(p["late"], "won", "EUR", "9000", date(2026, 1, 5))
    return p
