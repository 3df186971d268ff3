"""Merging two partners into one: the survivor takes the chosen field values and everything the
other one has; the other is archived with a pointer to the survivor, and the merge can be undone
(app/services/merging/undo.py).

What moves to the survivor: contacts, deals (their assessments are columns of the deal), interactions,
reminders, the commission entries where the merged partner is the referrer (the deals' own entries
move with the deals; the ledger's totals are per currency, status and month, so they do not change),
its statement links (the same referrer, so its statement now shows everything), and its terms:

- Terms: a partner has one Terms row and numbered versions. Only one of them has terms: they move
  as they are. Both have terms: the survivor's current terms stay its current terms (nothing agreed
  changes silently); the merged partner's versions become the oldest part of the survivor's history
  (numbered 1..m, the survivor's own versions after them), so every version is kept. The contact
  cadence and response-time overrides mirror the current terms (the terms service's rule): chosen on
  the merge page only when neither has terms.
- Referrals, through the referral service (ReferralChange history is written): partners the merged
  one referred now point to the survivor; the merged one's referrer becomes the survivor's only when
  the survivor has none (otherwise the survivor keeps its own, and the merge says so). When one of
  the two directly referred the other, that edge is a partner referring itself once they are one:
  it is dropped. When a third partner sits between them in the tree (A referred X, X referred B),
  merging would make a loop: the merge is refused, naming the chain.

Concurrency: the workspace row is locked first (as every referral change does), then both partners
in id order; their state is checked under the lock, so of two merges of the same pair (or a merge
and its undo) at once, the second gets the message a later try would get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from app.messages import Text, to_data
from app.models import (
    Commission,
    Contact,
    Deal,
    Interaction,
    Partner,
    PartnerMerge,
    Referral,
    Reminder,
    StatementLink,
    Terms,
    TermsVersion,
)
from app.services import Gone, ServiceError
from app.services.locking import lock_workspace, locked
from app.services.merging import snapshot
from app.services.referral_tree import ARROW, set_referrer
from app.services.referral_tree.ctes import ancestor_ids
from app.services.row_values import decode_values

# field -> label, in the order of the merge page (labels are translated by the template)
FIELDS = {
    "name": "Name",
    "kind": "Kind",
    "status": "Status",
    "tier": "Tier",
    "owner_id": "Owner",
    "source": "Source",
    "website": "Website",
    "notes": "Notes",
    "no_prospects_reason": "No-prospects reason",
    "cadence_days": "Contact cadence (days)",
    "response_time_days": "Expected response time (days)",
}
TERMS_FIELDS = ("cadence_days", "response_time_days")
SIDES = ("survivor", "merged")
REFERRAL_DETAILS = ("contact_id", "referred_on", "note")  # what the user recorded of an introduction


@dataclass
class MergePlan:
    """What a merge of these two would do, for the page that asks for confirmation."""

    survivor: Partner
    merged: Partner
    fields: list[str]  # the fields the user chooses
    defaults: dict[str, str]  # field -> "survivor" | "merged"
    counts: dict[str, int]  # what moves: contact, deal, interaction, ... -> how many
    terms: str  # "none" | "survivor" | "merged" | "both": who has terms
    notes: list[Text] = field(default_factory=list)  # what happens to the referrals
    refusal: Text | None = None  # why they cannot be merged


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def default_choices(survivor: Partner, merged: Partner, fields) -> dict[str, str]:
    """The survivor's value where it has one, else the other's."""
    return {
        name: "merged" if _empty(getattr(survivor, name)) and not _empty(getattr(merged, name)) else "survivor"
        for name in fields
    }


def _terms_owner(session: Session, survivor_id: int, merged_id: int) -> str:
    having = set(session.scalars(select(Terms.partner_id).where(Terms.partner_id.in_({survivor_id, merged_id}))))
    return {0: "none", 2: "both"}.get(len(having)) or ("survivor" if survivor_id in having else "merged")


def _loop(session: Session, workspace_id: int, survivor: Partner, merged: Partner) -> Text | None:
    """The refusal when a third partner sits between the two in the referral tree."""
    for low, high in ((merged, survivor), (survivor, merged)):
        up = ancestor_ids(session, workspace_id, high.id)  # high first, up to its root
        if low.id in up and up.index(low.id) > 1:
            chain = list(reversed(up[: up.index(low.id) + 1]))
            names = dict(session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(chain))).all())
            return Text(
                "%(survivor)s and %(merged)s cannot be merged: between them in the referral tree is %(chain)s. "
                "As one partner they would have referred themselves. Change one of these referrers first.",
                survivor=survivor.name,
                merged=merged.name,
                chain=ARROW.join(names.get(i, "?") for i in chain),
            )
    return None


def _referral_notes(session: Session, survivor: Partner, merged: Partner) -> list[Text]:
    referrer_ids = {survivor.referred_by_id, merged.referred_by_id} - {None}
    rows = session.execute(
        select(Partner.id, Partner.name, Partner.archived_at).where(Partner.id.in_(referrer_ids))
    ).all()
    names = {row.id: row for row in rows}
    notes = []
    own = None if survivor.referred_by_id == merged.id else survivor.referred_by_id
    theirs = None if merged.referred_by_id == survivor.id else merged.referred_by_id
    if survivor.referred_by_id == merged.id or merged.referred_by_id == survivor.id:
        notes.append(
            Text(
                "The referral between %(merged)s and %(survivor)s is dropped: it would be a partner referring itself.",
                merged=merged.name,
                survivor=survivor.name,
            )
        )
    if theirs is not None:
        if own is not None:
            notes.append(
                Text(
                    "%(survivor)s keeps its referrer %(own)s; %(merged)s's referrer %(theirs)s is not carried over.",
                    survivor=survivor.name,
                    own=names[own].name,
                    merged=merged.name,
                    theirs=names[theirs].name,
                )
            )
        elif names[theirs].archived_at is not None:
            notes.append(
                Text(
                    "%(merged)s's referrer %(theirs)s is archived, so it is not carried over.",
                    merged=merged.name,
                    theirs=names[theirs].name,
                )
            )
        else:
            notes.append(
                Text(
                    "%(survivor)s becomes referred by %(theirs)s, as %(merged)s was.",
                    survivor=survivor.name,
                    theirs=names[theirs].name,
                    merged=merged.name,
                )
            )
    return notes


def _counts(session: Session, merged_id: int) -> dict[str, int]:
    def count(column, *where):
        return select(func.count(column)).where(*where).scalar_subquery()

    row = session.execute(
        select(
            count(Contact.id, Contact.partner_id == merged_id, Contact.removed_at.is_(None)).label("contact"),
            count(Deal.id, Deal.partner_id == merged_id).label("deal"),
            count(Interaction.id, Interaction.partner_id == merged_id, Interaction.deleted_at.is_(None)).label(
                "interaction"
            ),
            count(Reminder.id, Reminder.partner_id == merged_id).label("reminder"),
            count(Commission.id, Commission.referrer_id == merged_id).label("commission"),
            count(StatementLink.id, StatementLink.referrer_id == merged_id).label("statement_link"),
            count(TermsVersion.id, TermsVersion.partner_id == merged_id).label("terms_version"),
            count(Partner.id, Partner.referred_by_id == merged_id).label("referral"),
        )
    ).one()
    return dict(row._mapping)


def plan_merge(session: Session, workspace_id: int, survivor: Partner, merged: Partner) -> MergePlan:
    """What merging `merged` into `survivor` would do (a constant handful of queries)."""
    terms = _terms_owner(session, survivor.id, merged.id)
    fields = [name for name in FIELDS if terms == "none" or name not in TERMS_FIELDS]
    plan = MergePlan(
        survivor=survivor,
        merged=merged,
        fields=fields,
        defaults=default_choices(survivor, merged, fields),
        counts=_counts(session, merged.id),
        terms=terms,
    )
    plan.refusal = _state_problem(survivor, merged) or _loop(session, workspace_id, survivor, merged)
    if plan.refusal is None:
        plan.notes = _referral_notes(session, survivor, merged)
    return plan


def _state_problem(survivor: Partner, merged: Partner) -> Text | None:
    for partner in (merged, survivor):
        if partner.merged_into_id is not None:
            return Text("%(name)s was already merged into another partner.", name=partner.name)
        if partner.archived_at is not None:
            return Text("%(name)s is archived. Restore it before merging.", name=partner.name)
    return None


def _lock_pair(session: Session, workspace_id: int, ids: set[int]) -> dict[int, Partner]:
    with session.no_autoflush:
        lock_workspace(session, workspace_id)  # the referral service's lock, taken first as it does
    rows = session.scalars(
        locked(
            select(Partner)
            .options(lazyload(Partner.owner))  # no outer join: PostgreSQL locks no nullable side
            .where(Partner.workspace_id == workspace_id, Partner.id.in_(ids))
            .order_by(Partner.id)
        )
    ).all()
    if len(rows) != len(ids):
        raise Gone()
    return {partner.id: partner for partner in rows}


def _touched(session: Session, survivor: Partner, merged: Partner, terms: str) -> dict[str, list]:
    def rows(model, *where):
        return list(session.scalars(select(model).where(*where)))

    children = rows(Partner, Partner.referred_by_id == merged.id, Partner.id != survivor.id)
    touched_partners = [survivor, merged, *children]
    versions_of = {merged.id, survivor.id} if terms == "both" else {merged.id}
    return {
        "partner": touched_partners,
        "contact": rows(Contact, Contact.partner_id == merged.id),
        "deal": rows(Deal, Deal.partner_id == merged.id),
        "interaction": rows(Interaction, Interaction.partner_id == merged.id),
        "reminder": rows(Reminder, Reminder.partner_id == merged.id),
        "commission": rows(Commission, Commission.referrer_id == merged.id),
        "statement_link": rows(StatementLink, StatementLink.referrer_id == merged.id),
        "terms": rows(Terms, Terms.partner_id.in_({survivor.id, merged.id})),
        "terms_version": rows(TermsVersion, TermsVersion.partner_id.in_(versions_of)),
        "referral": rows(Referral, Referral.partner_id.in_({p.id for p in touched_partners})),
    }


def _commission_ids(session: Session, partner_ids) -> set[int]:
    deals = select(Deal.id).where(Deal.partner_id.in_(partner_ids))
    return set(session.scalars(select(Commission.id).where(Commission.deal_id.in_(deals))))


def _move_terms(session: Session, survivor: Partner, merged: Partner, terms: str, touched: dict) -> None:
    if terms in ("none", "survivor"):
        return
    by_partner = {t.partner_id: t for t in touched["terms"]}
    if terms == "merged":
        by_partner[merged.id].partner_id = survivor.id
        for version in touched["terms_version"]:
            version.partner_id = survivor.id
        survivor.cadence_days, survivor.response_time_days = merged.cadence_days, merged.response_time_days
        return
    theirs = [v for v in touched["terms_version"] if v.partner_id == merged.id]
    shift = max(v.version for v in theirs) if theirs else 0
    session.flush()
    for version in sorted(
        (v for v in touched["terms_version"] if v.partner_id == survivor.id), key=lambda v: -v.version
    ):
        version.version += shift  # highest first, each flushed: the (partner, version) key stays unique
        session.flush()
    for version in theirs:
        version.partner_id = survivor.id
    by_partner[survivor.id].version += shift
    session.delete(by_partner[merged.id])


def _move_rows(session: Session, survivor: Partner, merged: Partner, touched: dict, now: datetime) -> None:
    has_primary = session.scalar(
        select(func.count(Contact.id)).where(
            Contact.partner_id == survivor.id, Contact.is_primary.is_(True), Contact.removed_at.is_(None)
        )
    )
    for contact in touched["contact"]:
        contact.partner_id, contact.updated_at = survivor.id, now
        if has_primary:
            contact.is_primary = False
    for table in ("deal", "interaction", "reminder"):
        for row in touched[table]:
            row.partner_id, row.updated_at = survivor.id, now
    for row in touched["commission"] + touched["statement_link"]:
        row.referrer_id = survivor.id


def _details(before: dict, partner_id: int) -> tuple:
    values = before["referral"].get(str(partner_id))
    if values is None:
        return (None, None, None)
    decoded = decode_values(Referral, {name: values[name] for name in REFERRAL_DETAILS})
    return tuple(decoded[name] for name in REFERRAL_DETAILS)


def _move_referrals(session, workspace_id, survivor, merged, touched, before, actor_id, now) -> None:
    def point(partner, referrer_id, details_of=None):
        set_referrer(session, workspace_id, partner, referrer_id, now=now, actor_id=actor_id, details=False)
        if details_of is not None and referrer_id is not None:
            row = session.get(Referral, partner.id)
            row.contact_id, row.referred_on, row.note = _details(before, details_of)

    for child in touched["partner"][2:]:
        point(child, survivor.id, details_of=child.id)
        child.updated_at = now
    own = None if survivor.referred_by_id == merged.id else survivor.referred_by_id
    theirs = None if merged.referred_by_id == survivor.id else merged.referred_by_id
    if own is None:
        referrer = session.get(Partner, theirs) if theirs is not None else None
        target = referrer.id if referrer is not None and referrer.archived_at is None else None
        if target != survivor.referred_by_id:
            point(survivor, target, details_of=merged.id)
    if merged.referred_by_id is not None:
        point(merged, None)


def merge_partners(
    session: Session,
    workspace,
    actor,
    *,
    survivor_id: int,
    merged_id: int,
    choices: dict[str, str],
    now: datetime,
) -> PartnerMerge:
    """Merge `merged_id` into `survivor_id`, field values as `choices` say ({field: "survivor" |
    "merged"}; missing fields take the default). Raises ServiceError (nothing written) when they
    cannot be merged, Gone when either is not one of the workspace's partners."""
    workspace_id, actor_id = getattr(workspace, "id", workspace), getattr(actor, "id", actor)
    if survivor_id == merged_id:
        raise ServiceError("Choose two different partners to merge.")
    pair = _lock_pair(session, workspace_id, {survivor_id, merged_id})
    survivor, merged = pair[survivor_id], pair[merged_id]
    plan = plan_merge(session, workspace_id, survivor, merged)
    if plan.refusal:
        raise ServiceError(plan.refusal)
    unknown = sorted(set(choices) - set(plan.fields))
    if unknown or any(side not in SIDES for side in choices.values()):
        raise ServiceError("Choose, for each field, the value to keep.")
    chosen = {**plan.defaults, **choices}

    touched = _touched(session, survivor, merged, plan.terms)
    before = snapshot.take(touched)
    commissions_before = _commission_ids(session, [p.id for p in touched["partner"]])

    for name in plan.fields:
        if chosen[name] == "merged":
            setattr(survivor, name, getattr(merged, name))
            if name == "no_prospects_reason":
                survivor.no_prospects = merged.no_prospects
    _move_rows(session, survivor, merged, touched, now)
    _move_terms(session, survivor, merged, plan.terms, touched)
    session.flush()
    _move_referrals(session, workspace_id, survivor, merged, touched, before, actor_id, now)
    merged.archived_at, merged.merged_into_id, merged.updated_at = now, survivor.id, now
    survivor.updated_at = now
    session.flush()

    partner_ids = [p.id for p in touched["partner"]]
    created = sorted(_commission_ids(session, partner_ids) - commissions_before)
    touched["referral"] = list(session.scalars(select(Referral).where(Referral.partner_id.in_(partner_ids))))
    loaded = snapshot.load_all(session, {t: before[t] for t in before if t != "referral"})
    after = snapshot.take({table: rows.values() for table, rows in loaded.items()})
    after["referral"] = snapshot.take({"referral": touched["referral"]})["referral"]
    record = PartnerMerge(
        workspace_id=workspace_id,
        survivor_id=survivor.id,
        merged_id=merged.id,
        actor_id=actor_id,
        merged_at=now,
        before=before,
        after=after,
        created={"commission": created},
        summary={"counts": plan.counts, "notes": to_data(plan.notes), "terms": plan.terms, "choices": chosen},
    )
    session.add(record)
    session.flush()
    return record
