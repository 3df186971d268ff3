"""Running an import: what the preview's rows say is written, in chunks, resumably.

First the rows (chunks of CHUNK, `progress(done, total)` after each: the job or the CLI commits
there): a row with problems fails, a skipped row is skipped, a new partner is created with its
contacts (the first is the primary one) and its deal, a matched partner is updated — `fill` sets
only its empty fields, `overwrite` replaces them with the row's non-empty values — keeping in
`before` its column values as they were. Then the referrers, once every partner of the file exists,
in one transaction (linking.py: the referral service's rules for a whole file). A run stopped
half-way picks up where it stopped: rows whose result is set, and referrers already set, are not
done twice.

The objects are built here from values the preview already checked with the forms' rules
(parsing.py), and written by one flush per chunk — not a create_partner call and its flush per row.
The summaries' flush hooks (contact counts, activity, deal totals, commission totals) run on these
flushes like on any other; the referral stats, whose edges linking.py writes in bulk, are rebuilt
for the workspace once, after the referrers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import flag_modified

from app.messages import Text
from app.models import Contact, Deal, ImportRow, ImportRun, Partner
from app.services import ServiceError, commissions
from app.services.commissions import notes as commission_notes
from app.services.importing.fields import Mapping
from app.services.importing.linking import link
from app.services.locking import locked
from app.services.matching import email_key, fold
from app.services.row_values import column_values

CHUNK = 500
PARTNER_VALUES = ("name", "kind", "status", "tier", "owner_id", "source", "website", "notes", "no_prospects")
CONTACT_VALUES = ("name", "role", "email", "phone", "notes")


def _claim(session: Session, run: ImportRun, resume: bool) -> None:
    """previewed → running, as one conditional update: of two executes at once, one runs."""
    if run.status == "running" and resume:
        return
    claimed = session.execute(
        update(ImportRun)
        .where(ImportRun.id == run.id, ImportRun.status == "previewed")
        .values(status="running")
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(run)
    if not claimed:
        if run.status == "running":
            raise ServiceError("This import is already running.")
        if run.status in ("uploaded",):
            raise ServiceError("Preview this import before running it.")
        raise ServiceError("This import was already run.")


def _lock_run(session: Session, run: ImportRun) -> None:
    session.execute(locked(select(ImportRun.id).where(ImportRun.id == run.id)))


def _partners(session: Session, workspace_id: int, ids) -> dict[int, Partner]:
    if not ids:
        return {}
    stmt = (
        select(Partner)
        .options(lazyload(Partner.owner))
        .where(Partner.id.in_(ids), Partner.workspace_id == workspace_id)
    )
    return {p.id: p for p in session.scalars(locked(stmt))}


def _contacts_of(session: Session, partner_ids) -> dict[int, list[Contact]]:
    found: dict[int, list[Contact]] = defaultdict(list)
    if partner_ids:
        for contact in session.scalars(
            select(Contact)
            .where(Contact.partner_id.in_(partner_ids), Contact.removed_at.is_(None))
            .order_by(Contact.partner_id, Contact.id)
        ):
            found[contact.partner_id].append(contact)
    return found


def _words(value) -> str | None:
    """A text the import writes into a field (a Text: in the language the import runs in)."""
    return None if value is None else str(value)


def _touch(obj, now: datetime) -> None:
    """updated_at = now, written even when it already holds now (else the column's onupdate would
    put the clock's time in: an unchanged value is left out of the UPDATE)."""
    obj.updated_at = now
    flag_modified(obj, "updated_at")


def _set(obj, values: dict, names, on_match: str | None) -> bool:
    """Copy `values` onto `obj` (all of them when creating, on_match None); True when one changed."""
    changed = False
    for name in names:
        if name not in values:
            continue
        current = getattr(obj, name)
        if on_match == "fill" and current not in (None, "", False):
            continue
        if current != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed


class _Chunk:
    def __init__(self, session: Session, run: ImportRun, mapping: Mapping, actor, now: datetime):
        self.session, self.run, self.mapping, self.now = session, run, mapping, now
        self.actor_id = actor.id if actor is not None else None

    def run_rows(self, rows: list[ImportRow]) -> None:
        live = [r for r in rows if not r.problem_count and r.action != "skip"]
        if self.mapping.kind == "contacts":
            targets = {r.parsed.get("partner_id") for r in live}
        else:
            targets = {r.match_partner_id for r in live if r.action == "update"}
        partners = _partners(self.session, self.run.workspace_id, {t for t in targets if t})
        contacts = _contacts_of(self.session, list(partners))
        work = []
        for row in rows:
            if row.problem_count:
                row.result, row.referrer_pending = "failed", False
            elif row.action == "skip":
                row.result, row.referrer_pending = "skipped", False
            else:
                work.append((row, self._write(row, partners, contacts)))
        self.session.flush()
        for row, written in work:
            if written is None:
                continue
            partner, new_contacts, deals, before, created_partner = written
            if created_partner:  # its count was moved in the flush that inserted it: read it again
                self.session.expire(partner, ["contact_count"])
            won = [d for d in deals if d.stage == "won" and partner.referred_by_id]
            entries = []
            for deal in won:
                entries += commissions.on_deal_changed(
                    self.session, deal, self.now, reason=commission_notes.WON, newly_won=True
                )
            row.partner_id = partner.id
            contacts_added = self.mapping.kind == "contacts" and new_contacts
            row.result = "created" if created_partner or contacts_added else "updated"
            row.before = before or None
            row.created = {
                "partner": partner.id if created_partner else None,
                "contacts": [c.id for c in new_contacts],
                "deals": [d.id for d in deals],
                "commissions": [e.id for e in entries],
            }

    def _write(self, row: ImportRow, partners: dict, contacts: dict):
        parsed, on_match = row.parsed, self.mapping.on_match
        before: dict = {}
        if self.mapping.kind == "contacts":
            partner = partners.get(parsed.get("partner_id"))
            created_partner = False
        elif row.action == "create":
            partner = Partner(workspace_id=self.run.workspace_id, created_at=self.now, updated_at=self.now)
            _set(partner, parsed["partner"], PARTNER_VALUES + ("no_prospects_reason",), None)
            self.session.add(partner)
            created_partner = True
        else:
            partner = partners.get(row.match_partner_id)
            created_partner = False
            if partner is not None:
                snapshot = column_values(partner)
                values = dict(parsed["partner"])
                if on_match == "fill" and partner.no_prospects:
                    values.pop("no_prospects_reason", None)
                if _set(partner, values, PARTNER_VALUES + ("no_prospects_reason",), on_match):
                    _touch(partner, self.now)
                    before["partner"] = snapshot
        if partner is None:
            row.result, row.referrer_pending = "failed", False
            row.problems = {**row.problems, "row": Text("The partner this row belongs to was deleted meanwhile")}
            row.problem_count = len(row.problems)
            return None
        new_contacts = self._contacts(row, partner, created_partner, contacts, before)
        deals = self._deal(parsed.get("deal"), partner)
        return partner, new_contacts, deals, before, created_partner

    def _contacts(self, row, partner, created_partner, contacts, before) -> list[Contact]:
        existing = [] if created_partner else contacts.get(partner.id, [])
        added = []
        for values in row.parsed.get("contacts", []):
            match = None
            if row.parsed.get("contact_id"):
                match = next((c for c in existing if c.id == row.parsed["contact_id"]), None)
            address = email_key(values.get("email"))
            if match is None and address:
                match = next((c for c in existing if email_key(c.email) == address), None)
            if match is None and not address:
                match = next((c for c in existing if fold(c.name) == fold(values["name"]) and not c.email), None)
            if match is not None:
                snapshot = column_values(match)
                if _set(match, values, CONTACT_VALUES, self.mapping.on_match):
                    _touch(match, self.now)
                    before.setdefault("contacts", {})[str(match.id)] = snapshot
                continue
            contact = Contact(
                workspace_id=partner.workspace_id,
                is_primary=not existing and not added,
                created_at=self.now,
                updated_at=self.now,
            )
            _set(contact, values, CONTACT_VALUES, None)
            if created_partner:
                partner.contacts.append(contact)
            else:
                contact.partner_id = partner.id
                self.session.add(contact)
            added.append(contact)
        if not created_partner:
            contacts[partner.id] = existing + added
        return added

    def _deal(self, values: dict | None, partner: Partner) -> list[Deal]:
        if not values:
            return []
        stage = values.get("stage", "lead")
        deal = Deal(
            workspace_id=partner.workspace_id,
            partner=partner,
            title=values["title"],
            amount=Decimal(values.get("amount", "0")),
            currency=values["currency"],
            stage=stage,
            closed_on=self.now.date() if stage in ("won", "lost") else None,
            lost_reason=_words(values.get("lost_reason")) if stage == "lost" else None,
            owner_id=partner.owner_id,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(deal)
        return [deal]


def execute(session: Session, run: ImportRun, *, actor, now: datetime, progress=None, resume: bool = False) -> None:
    """Write the run (see the module docstring). `resume` continues a run left "running" by a
    stopped process; otherwise a running or finished run is refused with a clear message."""
    _claim(session, run, resume)
    mapping = Mapping.from_json(run.mapping)
    chunk = _Chunk(session, run, mapping, actor, now)
    pending = select(func.count()).select_from(ImportRow).where(ImportRow.run_id == run.id)
    # the progress counts the file's rows (what the page says: "1,000 of 6,000 rows"); the referrers
    # are set after the last chunk, in bulk
    total, done = session.scalar(pending.where(ImportRow.result.is_(None))), 0
    while True:
        _lock_run(session, run)
        rows = list(
            session.scalars(
                select(ImportRow)
                .where(ImportRow.run_id == run.id, ImportRow.result.is_(None))
                .order_by(ImportRow.number)
                .limit(CHUNK)
            )
        )
        if not rows:
            break
        chunk.run_rows(rows)
        session.flush()
        done += len(rows)
        if progress:
            progress(min(done, total), total)
    _lock_run(session, run)
    link(session, run, actor_id=chunk.actor_id, now=now, chunk=CHUNK)
    _finish(session, run, now)


def _finish(session: Session, run: ImportRun, now: datetime) -> None:
    results = dict(
        session.execute(
            select(ImportRow.result, func.count()).where(ImportRow.run_id == run.id).group_by(ImportRow.result)
        ).all()
    )
    run.created, run.updated = results.get("created", 0), results.get("updated", 0)
    run.skipped, run.failed = results.get("skipped", 0), results.get("failed", 0)
    run.status = "done"
    run.finished_at = now
    session.flush()
