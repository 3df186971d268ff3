"""Setting a referrer through the referral rules owes the commissions of already-won deals."""

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Commission
from app.services import referral_tree
from tests.deals.helpers import give_terms, make_deal


def _owed(referrer_id):
    return sorted(
        (c.amount, c.currency)
        for c in db.session.scalars(select(Commission).where(Commission.referrer_id == referrer_id))
    )


def test_late_referrer_gets_commissions_once_and_a_move_reverses_them(workspace, factories, now):
    referrer = factories.partner(workspace, name="Late Referrer", status="referrer")
    give_terms(referrer, "10", now=now)
    client = factories.partner(workspace, name="Client")
    make_deal(client, now=now, stage="won", amount="1000")
    make_deal(client, now=now, stage="proposal", amount="500", title="Not won yet")

    referral_tree.set_referrer(db.session, workspace.id, client, referrer.id, now=now)
    db.session.commit()
    assert _owed(referrer.id) == [(Decimal("100.00"), "EUR")]

    # The same referrer again changes nothing, and creates nothing new.
    referral_tree.set_referrer(db.session, workspace.id, client, referrer.id, now=now)
    db.session.commit()
    assert _owed(referrer.id) == [(Decimal("100.00"), "EUR")]

    # Clearing the referrer reverses what was owed.
    referral_tree.set_referrer(db.session, workspace.id, client, None, now=now)
    db.session.commit()
    assert sum(amount for amount, _ in _owed(referrer.id)) == Decimal("0.00")
