"""A small workspace with one of everything (referrer and referred partner, contact, terms, a won
deal with its commission, a reminder, an interaction, a statement link, an invite), and the list of
GET pages to walk: every page that needs no id, and the id pages filled with these rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Reminder
from app.services import accounts, commissions, deals, interactions, referral_tree, terms

# Endpoints that answer something other than a page (files, JSON, feeds) or only act.
NOT_PAGES = {"static", "commissions.export", "reminders.feed", "referrals.nodes", "referrals.find", "referrals.path"}
# the downloads of app/exports/ (CSV, .xlsx, vCard files)
NOT_PAGES |= {
    "exports.partners",
    "exports.filtered_contacts",
    "exports.partner_contacts",
    "exports.contact_card",
    "exports.deals",
    "exports.interactions",
    "exports.reminders",
}


@dataclass
class World:
    referrer: object
    partner: object
    contact: object
    deal: object
    reminder: object
    interaction: object
    statement_token: str
    invite_token: str

    def values(self) -> dict:
        """URL values for the id pages."""
        return {
            "partner_id": self.referrer.id,
            "deal_id": self.deal.id,
            "reminder_id": self.reminder.id,
            "interaction_id": self.interaction.id,
            "contact_id": self.contact.id,
            "target_id": self.partner.id,
        }


@pytest.fixture
def world(app, factories, workspace, user, now):
    referrer = factories.partner(workspace, name="Rita Referrer", status="referrer")
    partner = factories.partner(workspace, name="Carl Client")
    referral_tree.set_referrer(db.session, workspace.id, partner, referrer.id, now=now, actor_id=user.id)
    contact = factories.contact(referrer, name="Rosa Contact")
    terms.save_terms(db.session, referrer, {"commission_rate": Decimal("10")}, 0, user.id, now)
    outcome = deals.create_deal(
        db.session,
        partner,
        {"title": "Website", "amount": Decimal("1000.00"), "currency": "EUR", "stage": "won"},
        user.id,
        now,
    )
    reminder = Reminder(
        workspace_id=workspace.id,
        title="Call Rita",
        due_on=now.date(),
        partner_id=referrer.id,
        assignee_id=user.id,
        created_by_id=user.id,
    )
    db.session.add(reminder)
    interaction = interactions.log_interaction(
        db.session,
        referrer,
        {"kind": "call", "direction": "ours", "occurred_at": now - timedelta(days=2), "summary": "Talked"},
        actor_id=user.id,
        now=now,
    )
    _link, statement_token = commissions.create_statement_link(db.session, referrer, user.id, now)
    _invite, invite_token = accounts.create_invite(db.session, workspace, user, now)
    db.session.commit()
    return World(referrer, partner, contact, outcome.deal, reminder, interaction, statement_token, invite_token)


def page_urls(app, world: World) -> dict[str, str]:
    """endpoint -> URL of every GET route whose arguments the world can fill."""
    values = world.values()
    tokens = {"commissions.statement": world.statement_token, "auth.accept_invite": world.invite_token}
    urls = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            if rule.arguments == {"token"} and rule.endpoint in tokens:
                urls[rule.endpoint] = url_for(rule.endpoint, token=tokens[rule.endpoint])
            elif rule.arguments <= set(values):
                urls[rule.endpoint] = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
    return urls
