"""Undoing a merge: every touched row back as the merge found it, from the merge's own snapshot.

Refused, with the list of what stands in the way, when a row the undo would put back was changed
or deleted since the merge (its values now differ from those right after the merge: undoing would
lose that change), when a commission the merge recorded was paid since (a paid entry is history), and
when the merge is older than UNDO_DAYS (the same window as an import's undo). Rows added to the
survivor after the merge stay with the survivor.

Partner merges: the referral edges go back through the referral service (so the history records the
undo too); the merged partner's referrer first, then the survivor's, then the partners it referred.
The commissions its late attribution recorded fall away in the same reconciliation. Locks as the
merge takes them (workspace, then both partners in id order, then the merge row), so of a merge and
its undo, or two undos, at once, the second sees the first's result.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from app.messages import Joined, N_plural
from app.models import Commission, Contact, ContactMerge, Partner, PartnerMerge
from app.services import Gone, ServiceError
from app.services.locking import lock_workspace, locked
from app.services.merging import snapshot
from app.services.referral_tree import set_referrer

UNDO_DAYS = 30
PARTNER_TABLES = (
    "contact",
    "deal",
    "interaction",
    "reminder",
    "commission",
    "statement_link",
    "terms",
    "terms_version",
)


def _refuse_if_stale(merge, now: datetime) -> None:
    if merge.undone_at is not None:
        raise ServiceError("This merge was already undone on %(when)s.", when=merge.undone_at)
    if now - merge.merged_at > timedelta(days=UNDO_DAYS):
        raise ServiceError(
            N_plural(
                "A merge can be undone for %(num)s day; this one was made on %(made)s.",
                "A merge can be undone for %(num)s days; this one was made on %(made)s.",
                UNDO_DAYS,
            ),
            made=merge.merged_at.date(),
        )


def _refuse_if_changed(session: Session, merge, loaded: dict) -> None:
    problems = snapshot.changed_since(session, merge.after, loaded)
    if problems:
        shown = Joined(problems[:5])
        if len(problems) > 5:
            raise ServiceError(
                N_plural(
                    "This merge cannot be undone: since the merge, %(shown)s; and %(num)s more. "
                    "Undoing would lose those changes.",
                    "This merge cannot be undone: since the merge, %(shown)s; and %(num)s more. "
                    "Undoing would lose those changes.",
                    len(problems) - 5,
                ),
                shown=shown,
            )
        raise ServiceError(
            "This merge cannot be undone: since the merge, %(shown)s. Undoing would lose those changes.", shown=shown
        )


def undo_partner_merge(session: Session, workspace, actor, merge_id: int, *, now: datetime) -> PartnerMerge:
    workspace_id, actor_id = getattr(workspace, "id", workspace), getattr(actor, "id", actor)
    merge = session.scalar(
        select(PartnerMerge).where(PartnerMerge.id == merge_id, PartnerMerge.workspace_id == workspace_id)
    )
    if merge is None:
        raise Gone()
    with session.no_autoflush:
        lock_workspace(session, workspace_id)
    pair = session.scalars(
        locked(
            select(Partner)
            .options(lazyload(Partner.owner))  # no outer join: PostgreSQL locks no nullable side
            .where(Partner.id.in_({merge.survivor_id, merge.merged_id}))
            .order_by(Partner.id)
        )
    ).all()
    merge = session.scalar(locked(select(PartnerMerge).where(PartnerMerge.id == merge_id)))
    if merge is None or len(pair) != 2:
        raise Gone()
    _refuse_if_stale(merge, now)
    loaded = snapshot.load_all(session, merge.after)
    loaded["terms"] = snapshot.load(session, "terms", merge.before.get("terms", {}))
    _refuse_if_changed(session, merge, loaded)
    created = merge.created.get("commission", [])
    if created and session.scalar(
        select(Commission.id).where(Commission.id.in_(created), Commission.status == "paid").limit(1)
    ):
        raise ServiceError(
            "This merge cannot be undone: a commission it recorded was paid since. Paid entries are history."
        )

    before = merge.before
    survivor, merged = (
        next(p for p in pair if p.id == merge.survivor_id),
        next(p for p in pair if p.id == merge.merged_id),
    )
    merged.archived_at, merged.merged_into_id = None, None
    snapshot.put_back(session, before, loaded, tables=PARTNER_TABLES)
    session.flush()

    partners = loaded["partner"]
    order = [str(merged.id), str(survivor.id)] + [
        k for k in before["partner"] if k not in (str(merged.id), str(survivor.id))
    ]
    for key in order:
        partner = partners[key]
        referrer_id = before["partner"][key]["referred_by_id"]
        if partner.referred_by_id != referrer_id:
            set_referrer(
                session,
                workspace_id,
                partner,
                referrer_id,
                now=now,
                actor_id=actor_id,
                details=False,
                source_chosen=True,
            )
    session.flush()
    referrals = snapshot.load(session, "referral", before["referral"])
    snapshot.put_back(session, before, {"partner": partners, "referral": referrals}, tables=("partner", "referral"))
    merge.undone_at, merge.undone_by_id = now, actor_id
    session.flush()
    _drop_new_lone_rows(session, merge)
    return merge


def _drop_new_lone_rows(session: Session, merge: PartnerMerge) -> None:
    """A Referral row the merge created (the survivor took a referrer) goes again once the partner
    is a lone partner again: no row is what describes a lone partner."""
    new = set(merge.after.get("referral", {})) - set(merge.before.get("referral", {}))
    for row in snapshot.load(session, "referral", new).values():
        lone = row.root_id == row.partner_id and row.subtree_size == 1 and row.generation == 0
        if lone and row.contact_id is None and row.referred_on is None and row.note is None:
            session.delete(row)
    session.flush()


def undo_contact_merge(session: Session, workspace, actor, merge_id: int, *, now: datetime) -> ContactMerge:
    workspace_id, actor_id = getattr(workspace, "id", workspace), getattr(actor, "id", actor)
    merge = session.scalar(
        select(ContactMerge).where(ContactMerge.id == merge_id, ContactMerge.workspace_id == workspace_id)
    )
    if merge is None:
        raise Gone()
    session.execute(locked(select(Partner.id).where(Partner.id == merge.partner_id)))
    session.scalars(
        locked(select(Contact).where(Contact.id.in_({merge.survivor_id, merge.merged_id})).order_by(Contact.id))
    ).all()
    merge = session.scalar(locked(select(ContactMerge).where(ContactMerge.id == merge_id)))
    if merge is None:
        raise Gone()
    _refuse_if_stale(merge, now)
    loaded = snapshot.load_all(session, merge.after)
    _refuse_if_changed(session, merge, loaded)
    snapshot.put_back(session, merge.before, loaded, tables=tuple(merge.before))
    merge.undone_at, merge.undone_by_id = now, actor_id
    session.flush()
    return merge
