"""Small builders for the deals, terms and commissions tests."""

from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.services import deals as deal_service
from app.services import terms as terms_service


def give_terms(partner, rate, *, actor_id=None, now, **extra):
    """Record (another version of) a partner's terms with this commission rate."""
    current, _ = terms_service.current(db.session, partner.id)
    data = {"commission_rate": None if rate is None else Decimal(str(rate)), **extra}
    version = terms_service.save_terms(db.session, partner, data, current.version if current else 0, actor_id, now)
    db.session.commit()
    return version


def make_deal(partner, *, now, title="Website", amount="1000.00", currency="EUR", stage="lead", **extra):
    data = {"title": title, "amount": Decimal(amount), "currency": currency, "stage": stage, **extra}
    outcome = deal_service.create_deal(db.session, partner, data, None, now)
    db.session.commit()
    return outcome.deal


def deal_data(deal, **changes):
    """The form data of a deal as it is, with some changes: what an edit sends."""
    data = {
        name: getattr(deal, name)
        for name in (
            "title",
            "amount",
            "currency",
            "stage",
            "expected_close_on",
            "owner_id",
            "value_to_us",
            "value_to_us_note",
            "value_to_partner",
            "value_to_partner_note",
            "lost_reason",
            "notes",
        )
    }
    data.update(changes)
    return data


def referral_pair(factories, workspace, *, rate="10", now):
    """A referrer with a commission rate and a partner they referred."""
    referrer = factories.partner(workspace, name="Rita Referrer", status="referrer")
    client = factories.partner(workspace, name="Carl Client", referred_by_id=referrer.id)
    give_terms(referrer, rate, now=now)
    return referrer, client
