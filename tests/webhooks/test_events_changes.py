"""Changes become webhook events: each page/service action sends its event once, with the object's
representation as the API shows it; nothing for a rolled-back change or a change the payload does
not show."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, Partner, TermsVersion
from app.representations import represent
from app.services import deals as deal_service
from app.services import partners as partner_service
from app.services.commissions.ledger import mark_paid
from app.services.referral_tree import clear_referrer, set_referrer
from tests.activity.helpers import touch
from tests.deals.helpers import deal_data, give_terms, make_deal, referral_pair
from tests.webhooks.events_helpers import record_emits
from tests.webhooks.helpers import make_endpoint

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture(autouse=True)
def sent(app, monkeypatch, workspace):
    make_endpoint(workspace)  # subscribed to every event
    return record_emits(monkeypatch)


def _partner_form(user, **changes):
    data = {
        "name": "Maple & Co",
        "kind": "company",
        "status": "active",
        "tier": "B",
        "source": "direct",
        "owner_id": str(user.id),
    }
    data.update(changes)
    return data


def test_partner_created_on_the_page_once_with_its_representation(logged_in, user, workspace, sent):
    response = logged_in.post("/partners/new", data=_partner_form(user))
    assert response.status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Maple & Co"))
    event = sent.one("partner.created")
    assert sent.types() == ["partner.created"]
    assert event.workspace_id == workspace.id
    assert event.data == represent(partner)
    assert event.data["name"] == "Maple & Co"


def test_partner_edit_sends_updated_once_and_nothing_when_nothing_changed(logged_in, user, factories, workspace, sent):
    partner = factories.partner(workspace, name="Maple & Co", owner_id=user.id)
    sent.clear()
    assert logged_in.post(f"/partners/{partner.id}/edit", data=_partner_form(user, tier="A")).status_code == 302
    assert sent.types() == ["partner.updated"]
    db.session.expire_all()
    assert sent[0].data == represent(db.session.get(Partner, partner.id))
    assert sent[0].data["tier"] == "A"
    sent.clear()
    logged_in.post(f"/partners/{partner.id}/edit", data=_partner_form(user, tier="A"))
    assert sent.types() == []


def test_archive_and_restore_on_the_page(logged_in, factories, workspace, sent):
    partner = factories.partner(workspace)
    sent.clear()
    logged_in.post(f"/partners/{partner.id}/archive")
    assert sent.types() == ["partner.archived"]
    assert sent[0].data["archived"] is True
    logged_in.post(f"/partners/{partner.id}/restore")
    assert sent.types() == ["partner.archived", "partner.restored"]
    assert sent[1].data["archived"] is False


def test_rolled_back_change_sends_nothing(app, factories, workspace, now, sent):
    partner = factories.partner(workspace)
    sent.clear()
    partner_service.update_partner(db.session, partner, {"name": "Renamed"}, now)
    partner_service.archive_partner(partner, now)
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert sent.types() == []


def test_changes_over_several_flushes_send_once_with_the_final_state(app, factories, workspace, now, sent):
    partner = factories.partner(workspace)
    sent.clear()
    partner_service.update_partner(db.session, partner, {"name": "First"}, now)
    partner_service.update_partner(db.session, partner, {"name": "Second"}, now)
    partner_service.archive_partner(partner, now)
    partner_service.restore_partner(partner)  # back as it was: no archive event
    db.session.commit()
    assert sent.types() == ["partner.updated"]
    assert sent[0].data["name"] == "Second"


def test_contact_created_updated_removed_restored_on_the_page(logged_in, factories, workspace, sent):
    partner = factories.partner(workspace)
    sent.clear()
    logged_in.post(f"/partners/{partner.id}/contacts", data={"name": "Ada Lovelace", "email": "ada@example.com"})
    contact = db.session.scalar(select(Contact).where(Contact.name == "Ada Lovelace"))
    assert sent.types() == ["contact.created"]
    assert sent[0].data == represent(contact)
    sent.clear()
    logged_in.post(
        f"/partners/{partner.id}/contacts/{contact.id}", data={"name": "Ada King", "email": "ada@example.com"}
    )
    assert sent.types() == ["contact.updated"] and sent[0].data["name"] == "Ada King"
    sent.clear()
    logged_in.post(
        f"/partners/{partner.id}/contacts/{contact.id}", data={"name": "Ada King", "email": "ada@example.com"}
    )
    assert sent.types() == []
    logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove")
    assert sent.types() == ["contact.removed"] and sent[0].data["removed"] is True
    sent.clear()
    logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/restore")
    assert sent.types() == ["contact.updated"] and sent[0].data["removed"] is False


def test_referral_set_and_cleared(app, factories, workspace, now, sent):
    referrer = factories.partner(workspace, name="Rita")
    partner = factories.partner(workspace, name="Carl", source="content")  # (a default source would follow)
    sent.clear()
    set_referrer(db.session, workspace.id, partner, referrer.id, now=now)
    db.session.commit()
    assert sent.types() == ["referral.set"]
    assert sent[0].data == represent(partner) and sent[0].data["referred_by_id"] == referrer.id
    sent.clear()
    clear_referrer(db.session, workspace.id, partner, now=now)
    db.session.commit()
    assert sent.types() == ["referral.cleared"] and sent[0].data["referred_by_id"] is None


def test_deal_lifecycle_and_commissions(app, factories, workspace, user, now, sent):
    referrer, client = referral_pair(factories, workspace, now=now)
    sent.clear()
    deal = make_deal(client, now=now, amount="1000.00")
    assert sent.types() == ["deal.created"]
    assert sent[0].data == represent(deal)
    sent.clear()
    deal_service.update_deal(db.session, deal, deal_data(deal, title="Shop"), now)
    db.session.commit()
    assert sent.types() == ["deal.updated"]
    sent.clear()
    deal_service.update_deal(db.session, deal, deal_data(deal), now)  # the same values again
    db.session.commit()
    assert sent.types() == []
    deal_service.move_deal(db.session, deal, "proposal", now)
    db.session.commit()
    assert sent.types() == ["deal.stage_changed"] and sent[0].data["stage"] == "proposal"
    sent.clear()
    deal_service.move_deal(db.session, deal, "won", now)
    db.session.commit()
    assert sorted(sent.types()) == ["commission.owed", "deal.stage_changed", "deal.won"]
    owed = sent.one("commission.owed")
    assert owed.data["status"] == "owed" and owed.data["amount"] == "100.00"
    assert owed.data["referrer_id"] == referrer.id
    sent.clear()
    mark_paid(db.session, workspace.id, [owed.data["id"]], date(2026, 11, 20), "INV-1", user.id)
    db.session.commit()
    assert sent.types() == ["commission.paid"]
    assert sent[0].data["status"] == "paid" and sent[0].data["payment_reference"] == "INV-1"


def test_terms_changed_and_interaction_logged(app, factories, workspace, now, sent):
    partner = factories.partner(workspace)
    sent.clear()
    version = give_terms(partner, "12.5", now=now)
    assert sent.types() == ["terms.changed"]
    assert sent[0].data == represent(db.session.get(TermsVersion, version.id))
    assert sent[0].data["commission_rate"] == "12.50"
    sent.clear()
    item = touch(partner, now, days_ago=1)
    assert sent.types() == ["interaction.logged"]
    assert sent[0].data == represent(item)
    assert sent[0].occurred_at == now  # the moment the service was given


def test_event_time_is_the_changes_own_moment(app, factories, workspace, now, sent):
    partner = factories.partner(workspace)
    sent.clear()
    later = now + timedelta(hours=3)
    partner_service.update_partner(db.session, partner, {"name": "Later"}, later)
    db.session.commit()
    assert sent.one("partner.updated").occurred_at == later
