"""Undoing an import: what it created is deleted, what it updated gets its column values back.

Only a finished import, within UNDO_DAYS of finishing, and only as a whole: when anything it
created or updated was changed since (edited, or given interactions, reminders, terms, deals,
contacts, commissions or referrals by someone's work), nothing is undone and the message names the
partners concerned. Two undos at once: the run row is locked first, the second finds it undone.

The children go through the ORM (entries, history, contacts, deals), so the summaries' flush hooks
follow each delete and restore; the referral edges are put back in bulk, the partners it created —
by then bare — are deleted in bulk, and the referral stats are rebuilt once, as after the run
(linking.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session, lazyload

from app.messages import N_plural
from app.models import Commission, Contact, Deal, ImportRow, ImportRun, Interaction, Partner, Reminder, Terms
from app.models.referral import ReferralChange
from app.services import ServiceError
from app.services.locking import lock_workspace, locked
from app.services.row_values import restore
from app.summaries import registry

UNDO_DAYS = 30
NAMED = 5
BATCH = 900  # ids per IN (…): well under SQLite's limit of bound parameters
# Kept by the summaries, not by the rows' owners: never put back from a snapshot.
SUMMARY_COLUMNS = ("id", "contact_count")
PARTNERS = Partner.__table__


def _batches(ids):
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _select_in(session: Session, stmt_for, ids) -> list:
    found = []
    for batch in _batches(ids):
        found += list(session.scalars(stmt_for(batch)))
    return found


class _Undo:
    def __init__(self, session: Session, run: ImportRun):
        self.session, self.run = session, run
        self.partners: set[int] = set()  # created
        self.contacts: set[int] = set()
        self.deals: set[int] = set()
        self.commissions: set[int] = set()
        self.changes: set[int] = set()
        self.restored_partners: dict[int, dict] = {}
        self.restored_contacts: dict[int, dict] = {}
        self.referrers: dict[int, int] = {}  # updated partner -> the referrer the import set
        for created, before, partner_id in session.execute(
            select(ImportRow.created, ImportRow.before, ImportRow.partner_id).where(
                ImportRow.run_id == run.id, ImportRow.result.in_(("created", "updated"))
            )
        ):
            created, before = created or {}, before or {}
            if created.get("partner"):
                self.partners.add(created["partner"])
            elif created.get("referrer"):
                self.referrers[partner_id] = created["referrer"]
            self.contacts.update(created.get("contacts", []))
            self.deals.update(created.get("deals", []))
            self.commissions.update(created.get("commissions", []))
            if created.get("referral_change"):
                self.changes.add(created["referral_change"])
            if before.get("partner"):
                self.restored_partners[partner_id] = before["partner"]
            for contact_id, values in before.get("contacts", {}).items():
                self.restored_contacts[int(contact_id)] = values

    def edited_since(self) -> set[int]:
        """The partners (ids) whose rows were changed after the import finished."""
        since = self.run.finished_at
        s, offenders = self.session, set()
        touched = self.partners | set(self.restored_partners)
        for batch in _batches(touched):
            offenders |= set(s.scalars(select(Partner.id).where(Partner.id.in_(batch), Partner.updated_at > since)))
        for batch in _batches(self.contacts | set(self.restored_contacts)):
            offenders |= set(
                s.scalars(select(Contact.partner_id).where(Contact.id.in_(batch), Contact.updated_at > since))
            )
        for batch in _batches(self.deals):
            offenders |= set(s.scalars(select(Deal.partner_id).where(Deal.id.in_(batch), Deal.updated_at > since)))
        for batch in _batches(self.partners):
            for model in (Interaction, Reminder, Terms):
                offenders |= set(s.scalars(select(model.partner_id).where(model.partner_id.in_(batch))))
            for model, mine in ((Contact, self.contacts), (Deal, self.deals)):
                rows = s.execute(select(model.id, model.partner_id).where(model.partner_id.in_(batch)))
                offenders |= {partner_id for ident, partner_id in rows if ident not in mine}
            # a partner of the book that someone made a referral of an imported one
            rows = s.execute(select(Partner.id, Partner.referred_by_id).where(Partner.referred_by_id.in_(batch)))
            offenders |= {referrer for pid, referrer in rows if pid not in self.partners and pid not in self.referrers}
        for entry in self._entries():
            if entry.status == "paid" or entry.created_at > since:
                offenders.add(entry.deal.partner_id)
        return offenders

    def _entries(self) -> list[Commission]:
        """The commission entries the import brought: on its deals, and for the referrers it set."""
        entries = _select_in(
            self.session,
            lambda batch: select(Commission).where(Commission.deal_id.in_(batch)),
            self.deals,
        )
        entries += _select_in(
            self.session, lambda batch: select(Commission).where(Commission.id.in_(batch)), self.commissions
        )
        for partner_id, referrer_id in self.referrers.items():
            entries += list(
                self.session.scalars(
                    select(Commission)
                    .join(Deal, Deal.id == Commission.deal_id)
                    .where(Deal.partner_id == partner_id, Commission.referrer_id == referrer_id)
                )
            )
        return list({e.id: e for e in entries}.values())

    def apply(self) -> None:
        s = self.session
        for entry in self._entries():
            s.delete(entry)
        for change in _select_in(s, lambda b: select(ReferralChange).where(ReferralChange.id.in_(b)), self.changes):
            s.delete(change)
        s.flush()
        # the edges first, in bulk (the referral stats are rebuilt once at the end, as after the run)
        edges = [{"b_id": pid, "b_referrer": None} for pid in self.partners]
        edges += [{"b_id": pid, "b_referrer": v.get("referred_by_id")} for pid, v in self.restored_partners.items()]
        for start in range(0, len(edges), BATCH):
            s.execute(
                update(PARTNERS)
                .where(PARTNERS.c.id == bindparam("b_id"))
                .values(referred_by_id=bindparam("b_referrer")),
                edges[start : start + BATCH],
            )
        for obj in list(s.identity_map.values()):
            if isinstance(obj, Partner):
                s.expire(obj, ["referred_by_id"])
        for partner in self._partners(self.restored_partners):  # (its edge is back already)
            restore(partner, self.restored_partners[partner.id], skip=(*SUMMARY_COLUMNS, "referred_by_id"))
        for contact in _select_in(s, lambda b: select(Contact).where(Contact.id.in_(b)), self.restored_contacts):
            restore(contact, self.restored_contacts[contact.id], skip=SUMMARY_COLUMNS)
        s.flush()
        for deal in _select_in(s, lambda b: select(Deal).where(Deal.id.in_(b)), self.deals):
            s.delete(deal)
        for contact in _select_in(s, lambda b: select(Contact).where(Contact.id.in_(b)), self.contacts):
            s.delete(contact)
        s.flush()
        # the partners it created, now without contacts, deals, entries or referrals of their own:
        # a bulk delete (the database cascades their summary rows; the referral stats are rebuilt)
        for obj in list(s.identity_map.values()):
            if isinstance(obj, Partner) and obj.id in self.partners:
                s.expunge(obj)
        for batch in _batches(self.partners):
            s.execute(delete(Partner).where(Partner.id.in_(batch)).execution_options(synchronize_session=False))
        # (bulk statements pass by the flush: the summaries that read edges and partners are rebuilt)
        registry.rebuild(
            s,
            self.run.workspace_id,
            [registry.by_name(n) for n in ("referral_stats", "referral_revenue", "partner_outcomes", "book_buckets")],
        )

    def _partners(self, ids) -> list[Partner]:
        return _select_in(
            self.session,
            lambda b: select(Partner).options(lazyload(Partner.owner)).where(Partner.id.in_(b)).order_by(Partner.id),
            ids,
        )


def undo(session: Session, run: ImportRun, *, actor, now: datetime) -> None:
    session.scalars(locked(select(ImportRun).where(ImportRun.id == run.id))).one()  # read again under the lock
    if run.status == "undone":
        raise ServiceError("This import was already undone.")
    if run.status == "running":
        raise ServiceError("This import is still running; undo it once it has finished.")
    if run.status != "done" or run.finished_at is None:
        raise ServiceError("This import did not run, so there is nothing to undo.")
    if now - run.finished_at > timedelta(days=UNDO_DAYS):
        raise ServiceError(
            N_plural(
                "This import is older than %(num)s day and can no longer be undone.",
                "This import is older than %(num)s days and can no longer be undone.",
                UNDO_DAYS,
            )
        )
    lock_workspace(session, run.workspace_id)  # the referral forest changes
    work = _Undo(session, run)
    offenders = work.edited_since()
    if offenders:
        names = list(
            session.scalars(
                select(Partner.name).where(Partner.id.in_(sorted(offenders)[:NAMED])).order_by(Partner.name)
            )
        )
        if len(offenders) > len(names):
            raise ServiceError(
                N_plural(
                    "These partners were changed after the import: %(names)s and %(num)s more. "
                    "Undoing it would lose that work, so nothing was undone.",
                    "These partners were changed after the import: %(names)s and %(num)s more. "
                    "Undoing it would lose that work, so nothing was undone.",
                    len(offenders) - len(names),
                ),
                names=", ".join(names),
            )
        raise ServiceError(
            "These partners were changed after the import: %(names)s. "
            "Undoing it would lose that work, so nothing was undone.",
            names=", ".join(names),
        )
    work.apply()
    run.status = "undone"
    run.undone_at = now
    session.flush()
