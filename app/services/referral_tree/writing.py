"""Changing the tree: set, change or clear a partner's referrer, with the referral details.

Rules for setting a referrer (`set_referrer`):
- the referrer is another partner of the same workspace (an unknown id or another workspace's id is
  refused with the same message, so nothing leaks);
- a partner cannot refer itself, and no loop is allowed: the message names the chain that would
  close it ("A → B → C → A", each arrow meaning "referred");
- archived referrers: an archived partner cannot be *chosen* as a new referrer (restore it first: an
  archived partner is one the user put away, and attributing new business to it is almost always a
  slip). Archiving a partner keeps the referrals it already made: history is not rewritten, the
  trees show it greyed out, and saving a partner whose existing referrer was archived later is fine;
- the introducing contact, when given, must be a current contact of the referrer; the referral date
  cannot be in the future;
- every change of referrer (set, changed, cleared, or its referrer deleted) is recorded in
  `ReferralChange` with who did it and when; late attribution is normal and keeps its history.

No loop is a rule over the whole forest, so the referrer changes of a workspace are serialised: the
workspace row is locked (app.services.locking) before anything is read, and the partner's own edge
is read again under the lock. Of two partners made each other's referrer at the same instant, the
second sees the first's edge and gets the loop message a sequential second attempt gets. The loop
check walks all the way up to the root, however deep the tree.

The stored tree stats (root, generation, branch size and depth) are not written here: the
`referral_stats` summary (app/summaries/referral_stats.py) moves them in the flush that writes the
new `Partner.referred_by_id`, whoever writes it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.messages import N_plural
from app.models import Contact, Partner
from app.models.referral import Referral, ReferralChange
from app.services import ServiceError
from app.services.commissions import on_referrer_changed
from app.services.locking import lock_workspace
from app.services.partners import source_given_referrer
from app.services.referral_tree.ctes import ancestor_ids

NOTE_MAX = 2000
ARROW = " → "


def _chain_names(session: Session, ids: list[int]) -> list[str]:
    names = dict(session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(ids))).all())
    return [names.get(i, "?") for i in ids]


def _check_no_loop(session: Session, workspace_id: int, partner: Partner, referrer: Partner) -> None:
    """Refuse a referrer that the partner already referred, directly or through others."""
    up = ancestor_ids(session, workspace_id, referrer.id)  # referrer first, up to its root
    if partner.id in up:
        loop = list(reversed(up[: up.index(partner.id) + 1])) + [partner.id]
        raise ServiceError(
            "That would make a loop: %(chain)s. %(partner)s already referred %(referrer)s, directly or through others.",
            field="referred_by_id",
            chain=ARROW.join(_chain_names(session, loop)),
            partner=partner.name,
            referrer=referrer.name,
        )


def set_referrer(
    session: Session,
    workspace_id: int,
    partner: Partner,
    referrer_id: int | None,
    *,
    now: datetime,
    actor_id: int | None = None,
    contact_id: int | None = None,
    referred_on: date | None = None,
    note: str | None = None,
    details: bool = True,
    source_chosen: bool = False,
) -> ReferralChange | None:
    """Set, change or clear who referred `partner` (None clears), with the referral details.

    With details=False (the partner form) only the referrer changes and recorded details are kept
    when the referrer stays. Raises ServiceError naming the field; writes nothing in that case.
    A referrer given to a partner that had none makes its source "referral" when it is still the
    default ("direct"), unless `source_chosen` says the user picked the source (the partner form).
    Returns the ReferralChange recorded, or None when the referrer did not change."""
    if partner.workspace_id != workspace_id:
        raise ServiceError("Choose a referrer among this workspace's partners.", field="referred_by_id")
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ServiceError(
            N_plural("Keep the note under %(num)s character.", "Keep the note under %(num)s characters.", NOTE_MAX),
            field="note",
        )
    with session.no_autoflush:  # the lock comes before this transaction writes anything more
        lock_workspace(session, workspace_id)
    if inspect(partner).persistent:  # its edge as committed now, not as loaded before the lock
        session.refresh(partner, attribute_names=["referred_by_id"])
    old_id = partner.referred_by_id
    referrer = None
    if referrer_id is not None:
        if referrer_id == partner.id:
            raise ServiceError("A partner cannot refer itself.", field="referred_by_id")
        referrer = session.scalar(
            select(Partner).where(Partner.id == referrer_id, Partner.workspace_id == workspace_id)
        )
        if referrer is None:
            raise ServiceError("Choose a referrer among this workspace's partners.", field="referred_by_id")
        if referrer.archived_at is not None and referrer_id != old_id:
            raise ServiceError(
                "%(name)s is archived. Restore it before recording it as a referrer.",
                field="referred_by_id",
                name=referrer.name,
            )
        if referrer_id != old_id:
            _check_no_loop(session, workspace_id, partner, referrer)
    if details:
        if contact_id is not None:
            ok = referrer is not None and session.scalar(
                select(Contact.id).where(
                    Contact.id == contact_id,
                    Contact.partner_id == referrer.id,
                    Contact.workspace_id == workspace_id,
                    Contact.removed_at.is_(None),
                )
            )
            if not ok:
                raise ServiceError("Choose one of the referrer's current contacts, or nobody.", field="contact_id")
        if referred_on is not None and referred_on > now.date():
            raise ServiceError("The referral date cannot be in the future.", field="referred_on")
        if referrer is None and (contact_id or referred_on or note):
            raise ServiceError("Choose who referred this partner first.", field="referred_by_id")

    change = None
    if referrer_id != old_id:
        old_name = session.scalar(select(Partner.name).where(Partner.id == old_id)) if old_id else None
        partner.referred_by_id = referrer_id
        partner.source = source_given_referrer(
            partner.source, referrer_added=old_id is None and referrer_id is not None, chosen=source_chosen
        )
        change = ReferralChange(
            workspace_id=workspace_id,
            partner_id=partner.id,
            from_partner_id=old_id,
            from_name=old_name,
            to_partner_id=referrer_id,
            to_name=referrer.name if referrer else None,
            changed_by_id=actor_id,
            changed_at=now,
            note=note,
        )
        session.add(change)
        session.flush()  # the referral_stats summary moves the branch's stats in this flush
    if details or change is not None:
        row = session.get(Referral, partner.id, populate_existing=True)
        if row is None:  # a lone partner has no row yet: the model's defaults describe a lone partner
            row = Referral(partner_id=partner.id, workspace_id=workspace_id, root_id=partner.id)
            session.add(row)
        if referrer_id is None:
            values = (None, None, None)
        elif details:
            values = (contact_id, referred_on, note)
        else:  # a new referrer chosen on the partner form: the old introduction no longer applies
            values = (None, None, None)
        row.contact_id, row.referred_on, row.note = values
        row.updated_at = now
    session.flush()
    if change is not None:
        # Late attribution: commissions owed for the partner's already-won deals (idempotent).
        on_referrer_changed(session, partner, now)
    return change


def clear_referrer(
    session: Session, workspace_id: int, partner: Partner, *, now: datetime, actor_id: int | None = None
) -> ReferralChange | None:
    return set_referrer(session, workspace_id, partner, None, now=now, actor_id=actor_id)
