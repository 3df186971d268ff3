"""Keeps the parts of PartnerActivity that do not come from interactions right, in the same
transaction as the change, whichever code made it through the ORM:

* a new partner gets its row (so every partner is one narrow row for the dashboard to scan);
* a partner whose archived_at, status, no_prospects, owner, tier, agreed cadence or response time
  (or created_at) changes gets its copies refreshed;
* a contact added, removed, restored, moved or deleted refreshes its partner's contact_count;
* the derived moments (neglect.derive_thresholds) follow the partner's and, when the workspace's
  cadence or response-time defaults change, every partner's of the workspace.

Bulk `insert()`/`update()` statements bypass ORM events: code that bulk-changes partners or
contacts calls `refresh_partners(session, partner_ids)` (or `flask recompute`) afterwards.
"""

from __future__ import annotations

import itertools

from sqlalchemy import event, insert, inspect, literal, select, update
from sqlalchemy.orm import Session

from app.models.interaction import PartnerActivity
from app.models.partner import Contact, Partner, recount_contacts
from app.models.workspace import Workspace
from app.services.sqltime import seconds

_table = PartnerActivity.__table__
EXCLUDED_STATUSES = ("ended",)  # app.services.neglect.EXCLUDED_STATUSES (kept import-free here)
WATCHED = (
    "archived_at",
    "status",
    "no_prospects",
    "owner_id",
    "tier",
    "cadence_days",
    "response_time_days",
    "created_at",
)
WORKSPACE_WATCHED = ("cadence_a_days", "cadence_b_days", "cadence_c_days", "response_time_days")


def copied_values(partner: Partner) -> dict:
    return {
        "created_s": seconds(partner.created_at),
        "eligible": partner.archived_at is None
        and partner.status not in EXCLUDED_STATUSES
        and not partner.no_prospects,
        "owner_id": partner.owner_id,
        "tier": partner.tier,
        "cadence_override": partner.cadence_days,
        "response_override": partner.response_time_days,
    }


def _contact_count_subquery():
    """The partner's own contact_count (kept by the Contact events in app.models.partner, which run
    earlier in the same flush), copied for the dashboard's covering indexes."""
    return select(Partner.contact_count).where(Partner.id == _table.c.partner_id).scalar_subquery()


def _eligible_sql(partner):
    return (
        partner.c.archived_at.is_(None) & partner.c.status.not_in(EXCLUDED_STATUSES) & partner.c.no_prospects.is_(False)
    )


def refresh_partners(session: Session, partner_ids) -> None:
    """Recount the partners' contacts and re-copy their columns (after bulk statements)."""
    ids = sorted({pid for pid in partner_ids if pid is not None})
    if not ids:
        return
    recount_contacts(session.connection(), Partner.__table__.c.id.in_(ids))
    partner = Partner.__table__.alias("p")

    def copy(column):
        return select(column).where(partner.c.id == _table.c.partner_id).scalar_subquery()

    from sqlalchemy import case

    session.execute(
        update(_table)
        .where(_table.c.partner_id.in_(ids))
        .values(
            eligible=copy(case((_eligible_sql(partner), literal(True)), else_=literal(False))),
            owner_id=copy(partner.c.owner_id),
            tier=copy(partner.c.tier),
            cadence_override=copy(partner.c.cadence_days),
            response_override=copy(partner.c.response_time_days),
            contact_count=_contact_count_subquery(),
        )
    )
    from app.services.neglect import Defaults, derive_thresholds

    for (workspace_id,) in session.execute(
        select(_table.c.workspace_id).where(_table.c.partner_id.in_(ids)).distinct()
    ).all():
        session.execute(derive_thresholds(workspace_id, Defaults.of(session, workspace_id), ids))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    new_partners = [p for p in session.new if isinstance(p, Partner)]
    changed = [
        p
        for p in session.dirty
        if isinstance(p, Partner)
        and session.is_modified(p)
        and any(inspect(p).attrs[name].history.has_changes() for name in WATCHED)
    ]
    contact_partners = set()
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Contact):
            history = inspect(obj).attrs.partner_id.history
            contact_partners.update(
                pid
                for pid in itertools.chain(history.added or (), history.deleted or (), history.unchanged or ())
                if pid is not None
            )
    workspaces = [
        w
        for w in session.dirty
        if isinstance(w, Workspace)
        and session.is_modified(w)
        and any(inspect(w).attrs[name].history.has_changes() for name in WORKSPACE_WATCHED)
    ]
    if not (new_partners or changed or contact_partners or workspaces):
        return
    from app.services.neglect import Defaults, derive_thresholds

    connection = session.connection()
    if new_partners:
        connection.execute(
            insert(_table),
            [
                {
                    "partner_id": p.id,
                    "workspace_id": p.workspace_id,
                    **copied_values(p),
                    "contact_count": 0,
                    "touch_count": 0,
                    "our_count": 0,
                    "their_count": 0,
                    "ours_since_theirs": 0,
                    "run_length": 0,
                }
                for p in new_partners
            ],
        )
    for p in changed:
        connection.execute(update(_table).where(_table.c.partner_id == p.id).values(**copied_values(p)))
    by_workspace: dict[int, list[int]] = {}
    for p in itertools.chain(new_partners, changed):
        by_workspace.setdefault(p.workspace_id, []).append(p.id)
    for w in workspaces:
        by_workspace[w.id] = None  # every partner of the workspace
    for workspace_id, ids in by_workspace.items():
        connection.execute(derive_thresholds(workspace_id, Defaults.load(connection, workspace_id), ids))
    if contact_partners:
        connection.execute(
            update(_table)
            .where(_table.c.partner_id.in_(sorted(contact_partners)))
            .values(contact_count=_contact_count_subquery())
        )
