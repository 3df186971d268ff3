"""A small referral book with numbers counted by hand, for the Referral economics tests.

    A (gen 0) ── B (gen 1, referred 2026-03-01)
              ├─ C (gen 1, 2026-05-10) ── F (gen 2, 2025-08-01)
              │                       └─ G (deleted; it had referred H, undated)
              └─ D (gen 1, 2026-06-01; re-parented from B) ── E (gen 2, 2026-07-01)
    H (gen 0 once G is deleted)   X (alone)   Z (gen 0) ── Y (gen 1, 2024-01-01)

Won deals: A 1000 EUR (Feb 2026), B 400 EUR (Apr), C 200 EUR (Jun) and 300 USD (Jun), D 600 EUR
(Aug), E 100 EUR (Sep), F 50 USD (Oct), G 999 EUR (gone with G), H 70 EUR (Oct), X 500 EUR (Jan),
Y 80 EUR (Feb 2024, outside the last 12 months); an open deal of A's (250 EUR) counts nowhere.
Commission: A 40 EUR paid, 20 EUR and 30 USD owed; D 10 EUR paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.extensions import db
from app.models import Commission, Deal, Partner
from app.services import partners as partner_service
from app.services import referral_tree
from tests.conftest import NOW, make_partner


@dataclass
class Book:
    ids: dict[str, int]


def _refer(workspace, child, parent, on=None):
    partner = db.session.get(Partner, child)
    referral_tree.set_referrer(db.session, workspace.id, partner, parent, now=NOW, referred_on=on)
    db.session.commit()


def _won(workspace, partner_id, amount, currency, closed_on, stage="won"):
    deal = Deal(
        workspace_id=workspace.id,
        partner_id=partner_id,
        title="Deal",
        amount=Decimal(amount),
        currency=currency,
        stage=stage,
        closed_on=closed_on if stage == "won" else None,
    )
    db.session.add(deal)
    db.session.commit()
    return deal


def _commission(workspace, referrer_id, deal, amount, currency, status):
    db.session.add(
        Commission(
            workspace_id=workspace.id,
            referrer_id=referrer_id,
            deal_id=deal.id,
            kind="earned",
            status=status,
            amount=Decimal(amount),
            currency=currency,
            rate=Decimal("10"),
            base_amount=deal.amount,
            earned_on=deal.closed_on,
            paid_on=deal.closed_on if status == "paid" else None,
        )
    )
    db.session.commit()


def build(workspace) -> Book:
    ids = {name: make_partner(workspace, name=name).id for name in "ABCDEFGHXYZ"}
    _refer(workspace, ids["B"], ids["A"], date(2026, 3, 1))
    _refer(workspace, ids["C"], ids["A"], date(2026, 5, 10))
    _refer(workspace, ids["D"], ids["B"], date(2026, 6, 1))
    _refer(workspace, ids["E"], ids["D"], date(2026, 7, 1))
    _refer(workspace, ids["F"], ids["C"], date(2025, 8, 1))
    _refer(workspace, ids["G"], ids["C"], date(2026, 6, 5))
    _refer(workspace, ids["H"], ids["G"])
    _refer(workspace, ids["Y"], ids["Z"], date(2024, 1, 1))
    deals = {
        "A": _won(workspace, ids["A"], "1000", "EUR", date(2026, 2, 10)),
        "B": _won(workspace, ids["B"], "400", "EUR", date(2026, 4, 5)),
        "C": _won(workspace, ids["C"], "200", "EUR", date(2026, 6, 15)),
        "C$": _won(workspace, ids["C"], "300", "USD", date(2026, 6, 20)),
        "D": _won(workspace, ids["D"], "600", "EUR", date(2026, 8, 1)),
        "E": _won(workspace, ids["E"], "100", "EUR", date(2026, 9, 1)),
        "F": _won(workspace, ids["F"], "50", "USD", date(2026, 10, 1)),
        "G": _won(workspace, ids["G"], "999", "EUR", date(2026, 6, 30)),
        "H": _won(workspace, ids["H"], "70", "EUR", date(2026, 10, 10)),
        "X": _won(workspace, ids["X"], "500", "EUR", date(2026, 1, 5)),
        "Y": _won(workspace, ids["Y"], "80", "EUR", date(2024, 2, 1)),
    }
    _won(workspace, ids["A"], "250", "EUR", None, stage="proposal")
    _commission(workspace, ids["A"], deals["B"], "40", "EUR", "paid")
    _commission(workspace, ids["A"], deals["C"], "20", "EUR", "owed")
    _commission(workspace, ids["A"], deals["C$"], "30", "USD", "owed")
    _commission(workspace, ids["D"], deals["E"], "10", "EUR", "paid")
    _refer(workspace, ids["D"], ids["A"], date(2026, 6, 1))  # the branch D–E moves up under A
    g = db.session.get(Partner, ids["G"])
    partner_service.delete_partner(db.session, g, g.name)  # H becomes a root; G's deal goes with it
    db.session.commit()
    return Book(ids)
