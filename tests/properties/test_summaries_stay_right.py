"""Random sequences of changes through the services keep every summary equal to what its sources
give (`app.summaries.check(...) == []` after each step), and paid money never disappears.

A hypothesis state machine: each example is a fresh workspace and a short sequence of partner,
contact, interaction, owner, referral, deal, commission and week-closing changes, each committed (or refused by its
rule and rolled back) before the check. Short and few, so it stays quick on both engines."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import Commission, Contact, Deal, Interaction, Partner, TrashEntry
from app.models.deal import STAGES
from app.models.interaction import KINDS
from app.models.partner import SOURCES, STATUSES, TIERS
from app.services import ServiceError, commissions, deals, merging, referral_tree, terms, trash
from app.services import contacts as contact_service
from app.services import interactions as interaction_service
from app.services import partners as partner_service
from app.services.reports import health
from tests.conftest import NOW, make_user, workspace_of

pick = st.integers(min_value=0, max_value=10_000)  # an index into the rows made so far, modulo their number
days_ago = st.integers(min_value=0, max_value=120)


def _one(ids: list[int], index: int) -> int:
    return ids[index % len(ids)]


class Book(RuleBasedStateMachine):
    """One workspace's partner book, changed step by step through the services."""

    def __init__(self):
        super().__init__()
        self.user = make_user()
        self.workspace_id = workspace_of(self.user).id
        self.partners: list[int] = []
        self.contacts: list[int] = []
        self.interactions: list[int] = []
        self.deals: list[int] = []
        self.paid: set[int] = set()  # entries marked paid: they must stay, paid

    # --- helpers ---------------------------------------------------------------------------------

    def _get(self, model, ident):
        return db.session.get(model, ident)

    def _commit(self, change) -> None:
        """Run a change and commit it, or roll it back when its rule refuses it."""
        try:
            change()
            db.session.commit()
        except ServiceError:
            db.session.rollback()

    def _forget_deleted(self) -> None:
        db.session.expire_all()
        ws = self.workspace_id
        self.partners = list(
            db.session.scalars(select(Partner.id).where(Partner.workspace_id == ws).order_by(Partner.id))
        )
        self.contacts = list(
            db.session.scalars(select(Contact.id).where(Contact.workspace_id == ws).order_by(Contact.id))
        )
        self.interactions = list(
            db.session.scalars(select(Interaction.id).where(Interaction.workspace_id == ws).order_by(Interaction.id))
        )
        self.deals = list(db.session.scalars(select(Deal.id).where(Deal.workspace_id == ws).order_by(Deal.id)))

    @initialize()
    def a_referrer_and_two_partners(self):
        """A referrer with a commission rate, a partner it referred (with a won deal: an owed entry)
        and one on its own, each with a contact and a touch: the first steps have all to change."""
        self.create_partner("A", "10")
        self.create_partner("B", None)
        self.create_partner("C", None)
        referrer, referred, _ = (self._get(Partner, ident) for ident in self.partners)
        referral_tree.set_referrer(db.session, self.workspace_id, referred, referrer.id, now=NOW, details=False)
        db.session.commit()
        for index in range(3):
            self.add_contact(index, primary=True)
            self.log_interaction(index, "call", "ours", index * 8, contact=1, by_user=True)
        self.create_deal(1, "won", "1200.50", "EUR")  # an owed entry for the referrer
        self.close_week(0)  # an open health week for the flushes to keep right

    # --- partners ------------------------------------------------------------------------------

    @rule(tier=st.sampled_from(TIERS), rate=st.sampled_from([None, "10", "25"]))
    def create_partner(self, tier, rate):
        partner = partner_service.create_partner(
            db.session, self.workspace_id, {"name": f"P{len(self.partners)}", "tier": tier}, NOW
        )
        if rate:
            terms.save_terms(db.session, partner, {"commission_rate": Decimal(rate)}, 0, None, NOW)
        db.session.commit()
        self.partners.append(partner.id)

    @precondition(lambda self: self.partners)
    @rule(
        index=pick,
        status=st.sampled_from(STATUSES),
        tier=st.sampled_from(TIERS),
        no_prospects=st.booleans(),
        source=st.sampled_from(SOURCES),
        owned=st.booleans(),
    )
    def edit_partner(self, index, status, tier, no_prospects, source, owned):
        partner = self._get(Partner, _one(self.partners, index))
        data = {"status": status, "tier": tier, "no_prospects": no_prospects, "no_prospects_reason": "Closed"}
        data |= {"source": source, "owner_id": self.user.id if owned else None}
        self._commit(lambda: partner_service.update_partner(db.session, partner, data, NOW))

    @precondition(lambda self: self.partners)
    @rule(index=pick, archive=st.booleans())
    def archive_or_restore_partner(self, index, archive):
        partner = self._get(Partner, _one(self.partners, index))
        if archive:
            partner_service.archive_partner(partner, NOW)
        else:
            partner_service.restore_partner(partner)
        db.session.commit()

    @precondition(lambda self: self.partners)
    @rule(index=pick, mine=st.booleans())
    def assign_owner(self, index, mine):
        partner = self._get(Partner, _one(self.partners, index))
        partner.owner_id = self.user.id if mine else None
        db.session.commit()

    @rule(weeks=st.integers(min_value=0, max_value=2))
    def close_week(self, weeks):
        health.close_weeks(db.session, NOW + timedelta(weeks=weeks), self.workspace_id)
        db.session.commit()

    @precondition(lambda self: self.partners)
    @rule(index=pick)
    def delete_partner(self, index):
        partner = self._get(Partner, _one(self.partners, index))
        self._commit(lambda: partner_service.delete_partner(db.session, partner, partner.name))
        self._forget_deleted()

    # --- contacts ------------------------------------------------------------------------------

    @precondition(lambda self: self.partners)
    @rule(index=pick, primary=st.booleans())
    def add_contact(self, index, primary):
        partner = self._get(Partner, _one(self.partners, index))
        contact = contact_service.add_contact(db.session, partner, {"name": "C", "is_primary": primary}, NOW)
        db.session.commit()
        self.contacts.append(contact.id)

    @precondition(lambda self: self.contacts)
    @rule(index=pick, remove=st.booleans())
    def remove_or_restore_contact(self, index, remove):
        contact = self._get(Contact, _one(self.contacts, index))
        if remove:
            contact_service.remove_contact(contact, NOW)
        else:
            contact_service.restore_contact(contact)
        db.session.commit()

    @precondition(lambda self: self.contacts and len(self.partners) > 1)
    @rule(index=pick, to=pick)
    def move_contact(self, index, to):
        # no page moves a contact yet (imports and merges will); the summaries follow a move
        contact = self._get(Contact, _one(self.contacts, index))
        contact.partner_id = _one(self.partners, to)
        db.session.commit()

    # --- interactions --------------------------------------------------------------------------

    def _interaction_data(self, partner_id, kind, direction, ago, contact_index):
        mine = db.session.scalars(
            select(Contact.id).where(Contact.partner_id == partner_id, Contact.removed_at.is_(None))
        ).all()
        return {
            "kind": kind,
            "direction": direction,
            "occurred_at": NOW - timedelta(days=ago, hours=ago % 7),
            "summary": "Talked",
            "contact_id": _one(mine, contact_index) if mine and contact_index % 3 else None,
        }

    @precondition(lambda self: self.partners)
    @rule(
        index=pick,
        kind=st.sampled_from(KINDS),
        direction=st.sampled_from(["ours", "theirs"]),
        ago=days_ago,
        contact=pick,
        by_user=st.booleans(),
    )
    def log_interaction(self, index, kind, direction, ago, contact, by_user):
        partner = self._get(Partner, _one(self.partners, index))
        data = self._interaction_data(partner.id, kind, direction, ago, contact)
        actor = self.user.id if by_user else None
        item = interaction_service.log_interaction(db.session, partner, data, actor_id=actor, now=NOW)
        db.session.commit()
        self.interactions.append(item.id)

    @precondition(lambda self: self.interactions)
    @rule(
        index=pick,
        kind=st.sampled_from(KINDS),
        direction=st.sampled_from(["ours", "theirs"]),
        ago=days_ago,
        contact=pick,
    )
    def edit_interaction(self, index, kind, direction, ago, contact):
        item = self._get(Interaction, _one(self.interactions, index))
        data = self._interaction_data(item.partner_id, kind, direction, ago, contact)
        self._commit(lambda: interaction_service.update_interaction(db.session, item, data, now=NOW))

    @precondition(lambda self: self.interactions)
    @rule(index=pick, delete=st.booleans())
    def delete_or_restore_interaction(self, index, delete):
        item = self._get(Interaction, _one(self.interactions, index))
        if delete:
            interaction_service.delete_interaction(db.session, item, now=NOW)
        else:
            interaction_service.restore_interaction(db.session, item)
        db.session.commit()

    # --- the Trash ------------------------------------------------------------------------------

    @rule(index=pick)
    def restore_from_trash(self, index):
        entries = db.session.scalars(
            select(TrashEntry.id).where(TrashEntry.workspace_id == self.workspace_id).order_by(TrashEntry.id)
        ).all()
        if entries:
            self._commit(lambda: trash.restore(db.session, self.workspace_id, _one(entries, index)))

    @rule(empty=st.booleans())
    def empty_or_purge_trash(self, empty):
        if empty:
            trash.empty_trash(db.session, self.workspace_id)
        else:
            trash.purge_trash(db.session, now=NOW + timedelta(days=trash.TRASH_DAYS + 1))
        db.session.commit()
        self._forget_deleted()

    # --- referrals, deals, commissions ------------------------------------------------------------

    @precondition(lambda self: len(self.partners) > 1)
    @rule(index=pick, referrer=pick, clear=st.booleans())
    def set_or_clear_referrer(self, index, referrer, clear):
        partner = self._get(Partner, _one(self.partners, index))
        referrer_id = None if clear else _one(self.partners, referrer)
        self._commit(
            lambda: referral_tree.set_referrer(
                db.session, self.workspace_id, partner, referrer_id, now=NOW, details=False
            )
        )

    @precondition(lambda self: self.partners)
    @rule(
        index=pick,
        stage=st.sampled_from(STAGES),
        amount=st.sampled_from(["0", "450.00", "1200.50"]),
        currency=st.sampled_from(["EUR", "USD"]),
        values=st.sampled_from([(None, None), (2, 1), (0, 2), (1, -1)]),
    )
    def create_deal(self, index, stage, amount, currency, values=(None, None)):
        partner = self._get(Partner, _one(self.partners, index))
        data = {"title": "Deal", "amount": amount, "currency": currency, "stage": stage, "lost_reason": "Price"}
        data |= {"value_to_us": values[0], "value_to_partner": values[1]}
        outcome = []
        self._commit(lambda: outcome.append(deals.create_deal(db.session, partner, data, None, NOW)))
        if outcome:
            self.deals.append(outcome[0].deal.id)

    @precondition(lambda self: self.deals)
    @rule(index=pick, stage=st.sampled_from(STAGES))
    def move_deal(self, index, stage):
        deal = self._get(Deal, _one(self.deals, index))
        self._commit(lambda: deals.move_deal(db.session, deal, stage, NOW, lost_reason="Timing"))

    @precondition(lambda self: self.deals)
    @rule(
        index=pick,
        amount=st.sampled_from(["0", "450.00", "1200.50"]),
        currency=st.sampled_from(["EUR", "USD"]),
        ago=days_ago,
    )
    def edit_deal(self, index, amount, currency, ago):
        deal = self._get(Deal, _one(self.deals, index))
        data = {"title": "Deal", "amount": amount, "currency": currency, "stage": deal.stage, "lost_reason": "Price"}
        self._commit(lambda: deals.update_deal(db.session, deal, data, NOW))
        if deal.stage in ("won", "lost"):  # another close day (another month won)
            when = (NOW - timedelta(days=ago)).date()
            self._commit(lambda: deals.move_deal(db.session, deal, deal.stage, NOW, closed_on=when))

    @precondition(lambda self: self.deals)
    @rule(index=pick)
    def delete_deal(self, index):
        deal = self._get(Deal, _one(self.deals, index))
        self._commit(lambda: deals.delete_deal(db.session, deal))
        self._forget_deleted()

    @precondition(lambda self: self.deals and len(self.partners) > 1)
    @rule(index=pick, to=pick)
    def move_deal_to_another_partner(self, index, to):
        # merges move deals between partners: the revenue moves along the branches
        deal = self._get(Deal, _one(self.deals, index))
        deal.partner_id = _one(self.partners, to)
        db.session.commit()

    @precondition(lambda self: len(self.partners) > 1)
    @rule(index=pick, into=pick)
    def merge_partners(self, index, into):
        merged, survivor = _one(self.partners, index), _one(self.partners, into)
        self._commit(
            lambda: merging.merge_partners(
                db.session, self.workspace_id, self.user.id, survivor_id=survivor, merged_id=merged, choices={}, now=NOW
            )
        )

    @rule(index=pick, count=st.integers(min_value=1, max_value=3))
    def mark_paid(self, index, count):
        owed = db.session.scalars(
            select(Commission.id)
            .where(Commission.workspace_id == self.workspace_id, Commission.status == "owed")
            .order_by(Commission.id)
        ).all()
        if not owed:
            return
        chosen = {_one(owed, index + n) for n in range(count)}
        self._commit(
            lambda: commissions.mark_paid(db.session, self.workspace_id, chosen, NOW.date(), "Transfer", self.user.id)
        )
        self.paid |= set(
            db.session.scalars(select(Commission.id).where(Commission.id.in_(chosen), Commission.status == "paid"))
        )

    # --- what must hold after every step ----------------------------------------------------------

    @invariant()
    def summaries_equal_their_sources(self):
        assert summaries.check(db.session, self.workspace_id) == []

    @invariant()
    def paid_entries_stay_paid(self):
        if self.paid:
            statuses = db.session.scalars(select(Commission.status).where(Commission.id.in_(self.paid))).all()
            assert statuses == ["paid"] * len(self.paid)


def test_random_changes_keep_every_summary_right(app):
    run_state_machine_as_test(
        Book,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,  # no example database written into the tree
        ),
    )


def test_a_contact_moved_away_and_deleted_with_its_new_partner_leaves_the_activity_right(factories, workspace):
    """Found by the machine above: touches of the first partner named the contact; deleting the
    partner it moved to deletes it, and the database clears it from those touches."""
    first, second = factories.partner(workspace), factories.partner(workspace)
    contact = contact_service.add_contact(db.session, first, {"name": "Mover"}, NOW)
    interaction_service.log_interaction(
        db.session,
        first,
        {"kind": "call", "direction": "ours", "occurred_at": NOW - timedelta(days=3), "contact_id": contact.id},
        actor_id=None,
        now=NOW,
    )
    db.session.commit()
    contact.partner_id = second.id
    db.session.commit()
    partner_service.delete_partner(db.session, second, second.name)
    db.session.commit()
    assert summaries.check(db.session, workspace.id) == []
