"""A small book with two duplicates and everything a merge moves, and the whole state of its rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import (
    Commission,
    Contact,
    Deal,
    Interaction,
    Partner,
    Referral,
    Reminder,
    StatementLink,
    Terms,
    TermsVersion,
)
from app.services import commissions, interactions
from app.services.referral_tree import set_referrer
from app.services.row_values import column_values
from tests.conftest import make_contact, make_partner
from tests.deals.helpers import give_terms, make_deal

MODELS = (Partner, Contact, Deal, Interaction, Reminder, Commission, StatementLink, Terms, TermsVersion, Referral)
DERIVED = {"contact_count", "root_id", "generation", "direct_count", "subtree_size", "subtree_depth"}


@dataclass
class Book:
    referrer: Partner  # referred the merged partner
    merged: Partner
    survivor: Partner
    child: Partner  # referred by the merged partner


def refer(partner, referrer, now):
    set_referrer(db.session, partner.workspace_id, partner, referrer.id if referrer else None, now=now)
    db.session.commit()


def build_book(workspace, user, now) -> Book:
    earlier = now - timedelta(days=10)
    referrer = make_partner(workspace, name="Rita Referrer", status="referrer")
    give_terms(referrer, "10", now=earlier)
    merged = make_partner(workspace, name="Garden Studio GmbH", website="https://garden.example", tier="A")
    survivor = make_partner(workspace, name="Garden Studio", notes=None, tier="B")
    child = make_partner(workspace, name="Carl Child")
    refer(merged, referrer, earlier)
    refer(child, merged, earlier)
    give_terms(merged, "5", now=earlier, cadence_days=14)
    give_terms(merged, "6", now=earlier + timedelta(hours=1), cadence_days=14)
    give_terms(survivor, "7", now=earlier, cadence_days=21)
    make_contact(merged, name="Anna Garden", email="anna@garden.example", is_primary=True)
    make_contact(merged, name="Bob Garden", email="bob@garden.example")
    make_contact(survivor, name="Anna G.", email="anna.g@garden.example", is_primary=True)
    make_deal(merged, now=earlier, title="Relaunch", stage="won", amount="2000.00")  # R earns 10 %
    make_deal(merged, now=earlier, title="Retainer", stage="proposal", value_to_us=1, value_to_partner=2)
    make_deal(survivor, now=earlier, title="Logo", stage="lead")
    make_deal(child, now=earlier, title="Shop", stage="won", amount="500.00")  # merged earns 6 %
    for n in range(3):
        interactions.log_interaction(
            db.session,
            merged,
            {"kind": "call", "direction": "ours", "occurred_at": earlier - timedelta(days=n), "summary": f"Call {n}"},
            actor_id=user.id,
            now=earlier,
        )
    db.session.add(
        Reminder(
            workspace_id=workspace.id, title="Call Garden", partner_id=merged.id, due_on=now.date(), created_at=earlier
        )
    )
    commissions.create_statement_link(db.session, merged, user.id, earlier)
    db.session.commit()
    return Book(referrer, merged, survivor, child)


def state(workspace_id) -> dict:
    """Every row of the merge's tables in the workspace, as column values (derived columns aside)."""
    db.session.expire_all()
    result = {}
    for model in MODELS:
        for obj in db.session.scalars(select(model).where(model.workspace_id == workspace_id)):
            key = (model.__tablename__, obj.partner_id if model is Referral else obj.id)
            # a referral row's updated_at is the tree stats' (the summary moves it)
            skipped = DERIVED | ({"updated_at"} if model is Referral else set())
            result[key] = {k: v for k, v in column_values(obj).items() if k not in skipped}
    return result


def assert_summaries_right(workspace_id):
    differences = summaries.check(db.session, workspace_id)
    assert differences == [], differences
