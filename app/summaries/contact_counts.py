"""Partner.contact_count: a partner's current (not removed) contacts, so the partner list shows and
sorts by it without counting; PartnerActivity.contact_count is its copy for the flag indexes.

The flush hook moves both by the difference each contact made (added, removed, restored, moved to
another partner, deleted): relative updates, so two people adding contacts at once both count.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import bindparam, func, inspect, select, update
from sqlalchemy.orm import Session

from app.models import Contact, Partner, PartnerActivity
from app.summaries.registry import Summary

PARTNER = Partner.__table__
ACTIVITY = PartnerActivity.__table__


def _before(contact: Contact) -> tuple[int | None, bool]:
    """(partner id, counted) before this flush."""
    state = inspect(contact)

    def old(name):
        history = state.attrs[name].history
        return history.deleted[0] if history.deleted else getattr(contact, name)

    return old("partner_id"), old("removed_at") is None


def _deltas(session: Session) -> Counter:
    deltas: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Contact) and obj.removed_at is None:
            deltas[obj.partner_id] += 1
    for obj in session.dirty:
        if isinstance(obj, Contact) and session.is_modified(obj):
            (old_partner, was_counted), now = _before(obj), (obj.partner_id, obj.removed_at is None)
            if (old_partner, was_counted) != now:
                deltas[old_partner] -= was_counted
                deltas[obj.partner_id] += now[1]
    gone = {o.id for o in session.deleted if isinstance(o, Partner)}
    for obj in session.deleted:
        if isinstance(obj, Contact):
            old_partner, was_counted = _before(obj)
            if old_partner not in gone:
                deltas[old_partner] -= was_counted
    return deltas


def after_flush(session: Session) -> None:
    deltas = {pid: d for pid, d in _deltas(session).items() if d and pid is not None}
    if not deltas:
        return
    connection = session.connection()
    rows = [{"partner": partner_id, "delta": delta} for partner_id, delta in sorted(deltas.items())]
    # one executemany per table, whatever the number of partners
    connection.execute(
        update(PARTNER)
        .where(PARTNER.c.id == bindparam("partner"))
        # a bookkeeping column: not an edit of the partner (updated_at stays)
        .values(contact_count=PARTNER.c.contact_count + bindparam("delta"), updated_at=PARTNER.c.updated_at),
        rows,
    )
    connection.execute(
        update(ACTIVITY)
        .where(ACTIVITY.c.partner_id == bindparam("partner"))
        .values(contact_count=ACTIVITY.c.contact_count + bindparam("delta")),
        rows,
    )
    for obj in list(session.identity_map.values()):
        # by its identity: reading obj.id of an expired partner would load it (a SELECT per partner)
        if isinstance(obj, Partner) and inspect(obj).identity[0] in deltas:
            session.expire(obj, ["contact_count"])


def _counted():
    return (
        select(func.count())
        .select_from(Contact)
        .where(Contact.partner_id == Partner.id, Contact.removed_at.is_(None))
        .correlate(Partner)
        .scalar_subquery()
    )


def rebuild(session: Session, workspace_id: int) -> int:
    result = session.execute(
        update(PARTNER)
        .where(PARTNER.c.workspace_id == workspace_id)
        .values(contact_count=_counted(), updated_at=PARTNER.c.updated_at),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(ACTIVITY)
        .where(ACTIVITY.c.workspace_id == workspace_id)
        .values(
            contact_count=select(PARTNER.c.contact_count).where(PARTNER.c.id == ACTIVITY.c.partner_id).scalar_subquery()
        )
    )
    session.expire_all()
    return result.rowcount


def stored(session: Session, workspace_id: int) -> dict:
    rows = session.execute(select(Partner.id, Partner.contact_count).where(Partner.workspace_id == workspace_id))
    return {(pid,): (count,) for pid, count in rows}


def expected(session: Session, workspace_id: int) -> dict:
    rows = session.execute(select(Partner.id, _counted()).where(Partner.workspace_id == workspace_id))
    return {(pid,): (count,) for pid, count in rows}


SUMMARY = Summary(
    name="contact_counts",
    description="each partner's number of current contacts",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    after_flush=after_flush,
)
