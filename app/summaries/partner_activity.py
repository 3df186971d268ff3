"""PartnerActivity: one narrow row per partner with what the neglect flags read (copies of the
partner's own columns, its touch summary, and the moments each rule starts to hold).

One SELECT (`activity_select`) derives the whole row from Partner and its interactions, with the
rules' moments from app.services.neglect.rules; the rebuild inserts it for a workspace, the flush
hook upserts it for the partners a flush touched (after locking their rows, so two writers of one
partner's history never lose each other's touch), and the check compares it with what is stored.
A change of a workspace's cadence or response-time defaults re-derives the moments of all its
partners from their stored inputs (same `moments()`). A contact deleted (alone, or with the partner
it was moved to) leaves another partner's touches that named it without a contact (the database
sets it NULL): those partners are found before the flush and derived again after it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from sqlalchemy import and_, case, delete, func, inspect, literal, or_, select, update
from sqlalchemy.orm import Session

from app.models import Contact, Interaction, Partner, PartnerActivity, Workspace
from app.models.base import UTCDateTime
from app.services.locking import locked
from app.services.neglect.rules import BURST_TOUCHES, CHASE_TOUCHES, MOMENTS, Defaults, eligible, moments
from app.services.sqltime import epoch_seconds
from app.summaries.registry import Summary
from app.summaries.sql import upsert

TABLE = PartnerActivity.__table__
# Partner columns the row copies or derives from: a change to one refreshes the partner's row
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
COLUMNS = tuple(c.name for c in TABLE.columns)
PENDING = "orchard_partner_activity"  # session.info: partners to derive again after the flush


def _touch_summary(where):
    """Per partner: counts, the latest touches' moments and directions, and the one-contact run."""
    order = (Interaction.occurred_at.desc(), Interaction.id.desc())
    by_partner = Interaction.partner_id
    t = (
        select(
            Interaction.partner_id,
            Interaction.occurred_at,
            Interaction.direction,
            Interaction.contact_id,
            epoch_seconds(Interaction.occurred_at).label("s"),
            func.row_number().over(partition_by=by_partner, order_by=order).label("rn"),
            func.row_number().over(partition_by=(by_partner, Interaction.direction), order_by=order).label("drn"),
            func.first_value(Interaction.contact_id).over(partition_by=by_partner, order_by=order).label("first"),
        )
        .where(where, Interaction.deleted_at.is_(None), Interaction.kind != "note")
        .cte("touches")
    )
    broken = or_(t.c.first.is_(None), t.c.contact_id.is_(None), t.c.contact_id != t.c.first)
    t2 = select(
        t,
        func.min(case((t.c.direction == "theirs", t.c.rn))).over(partition_by=t.c.partner_id).label("their_rn"),
        func.min(case((broken, t.c.rn))).over(partition_by=t.c.partner_id).label("break_rn"),
    ).cte("ranked")
    c = t2.c
    ours, theirs = c.direction == "ours", c.direction == "theirs"

    def at(condition, value, type_=None):
        return func.max(case((condition, value)), type_=type_)

    return (
        select(
            c.partner_id,
            func.count().label("touch_count"),
            func.sum(case((ours, 1), else_=0)).label("our_count"),
            func.sum(case((theirs, 1), else_=0)).label("their_count"),
            at(c.rn == 1, c.occurred_at, UTCDateTime()).label("last_touch_at"),
            at(c.rn == 1, c.s).label("last_touch_s"),
            at(c.rn == 1, c.direction).label("last_touch_direction"),
            at(c.rn == BURST_TOUCHES, c.s).label("third_touch_s"),
            at(ours, c.s).label("last_our_s"),
            at(theirs, c.s).label("last_their_s"),
            func.sum(case((and_(ours, or_(c.their_rn.is_(None), c.rn < c.their_rn)), 1), else_=0)).label(
                "ours_since_theirs"
            ),
            at(and_(ours, c.drn == CHASE_TOUCHES), c.s).label("third_our_s"),
            func.max(c.first).label("run_contact_id"),
            func.coalesce(func.max(c.break_rn) - 1, func.count()).label("run_length"),
            at(c.rn == c.break_rn, c.s).label("run_break_s"),
        )
        .group_by(c.partner_id)
        .subquery("agg")
    )


def activity_select(partners_where, interactions_where, defaults: Defaults):
    """The PartnerActivity rows of the partners matching `partners_where`, from the sources."""
    agg = _touch_summary(interactions_where)
    a = agg.c
    zero = {
        name: func.coalesce(a[name], 0)
        for name in ("touch_count", "our_count", "their_count", "ours_since_theirs", "run_length")
    }
    inputs = {
        "tier": Partner.tier,
        "cadence_override": Partner.cadence_days,
        "response_override": Partner.response_time_days,
        "created_s": epoch_seconds(Partner.created_at),
        **{
            name: a[name]
            for name in (
                "last_touch_s",
                "last_touch_direction",
                "last_their_s",
                "third_our_s",
                "third_touch_s",
                "run_break_s",
            )
        },
        **zero,
    }
    values = {
        "partner_id": Partner.id,
        "workspace_id": Partner.workspace_id,
        "eligible": case((eligible(Partner), literal(True)), else_=literal(False)),
        "owner_id": Partner.owner_id,
        "contact_count": Partner.contact_count,
        "last_touch_at": a.last_touch_at,
        "last_our_s": a.last_our_s,
        "run_contact_id": a.run_contact_id,
        **inputs,
        **moments(inputs, defaults),
    }
    return (
        select(*(values[name].label(name) for name in COLUMNS))
        .select_from(Partner)
        .outerjoin(agg, agg.c.partner_id == Partner.id)
        .where(partners_where)
    )


def refresh(connection, workspace_id: int, partner_ids) -> None:
    """Derive the rows of these partners (of one workspace) again, inserting missing ones."""
    ids = sorted(set(partner_ids))
    connection.execute(locked(select(TABLE.c.partner_id).where(TABLE.c.partner_id.in_(ids)).order_by("partner_id")))
    rows = activity_select(
        and_(Partner.workspace_id == workspace_id, Partner.id.in_(ids)),
        Interaction.partner_id.in_(ids),
        Defaults.load(connection, workspace_id),
    )
    upsert(connection, TABLE, rows, ["partner_id"], update=COLUMNS[1:], columns=COLUMNS)


def rederive(connection, workspace_id: int) -> None:
    """Re-derive the moments of a workspace's rows from their stored inputs (after its defaults changed)."""
    values = moments(TABLE.c, Defaults.load(connection, workspace_id))
    connection.execute(update(TABLE).where(TABLE.c.workspace_id == workspace_id).values(values))


def rebuild(session: Session, workspace_id: int) -> int:
    connection = session.connection()
    connection.execute(delete(TABLE).where(TABLE.c.workspace_id == workspace_id))
    rows = activity_select(
        Partner.workspace_id == workspace_id,
        Interaction.workspace_id == workspace_id,
        Defaults.load(connection, workspace_id),
    )
    connection.execute(TABLE.insert().from_select(COLUMNS, rows))
    session.expire_all()
    return connection.scalar(select(func.count()).select_from(TABLE).where(TABLE.c.workspace_id == workspace_id))


def _rows(session: Session, stmt) -> dict:
    return {(row[0],): tuple(row[1:]) for row in session.execute(stmt)}


def stored(session: Session, workspace_id: int) -> dict:
    return _rows(session, select(*(TABLE.c[name] for name in COLUMNS)).where(TABLE.c.workspace_id == workspace_id))


def expected(session: Session, workspace_id: int) -> dict:
    rows = activity_select(
        Partner.workspace_id == workspace_id,
        Interaction.workspace_id == workspace_id,
        Defaults.of(session, workspace_id),
    )
    return _rows(session, rows)


def _changed(session: Session, obj, names) -> bool:
    state = inspect(obj)
    return session.is_modified(obj) and any(state.attrs[name].history.has_changes() for name in names)


def workspaces_with_new_defaults(session: Session) -> list[int]:
    """The workspaces whose cadence or response-time defaults this flush changes (every partner's
    moments move: the summaries built on them derive the workspace again)."""
    return [obj.id for obj in session.dirty if isinstance(obj, Workspace) and _changed(session, obj, WORKSPACE_WATCHED)]


def before_flush(session: Session) -> None:
    """The partners whose touches name a contact this flush deletes, other than the contact's own
    partner (whose touches go with it when it is deleted too)."""
    partners = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    contacts = [o.id for o in session.deleted if isinstance(o, Contact) and o.id is not None]
    if not partners and not contacts:
        return
    named = or_(
        Interaction.contact_id.in_(contacts),
        Interaction.contact_id.in_(select(Contact.id).where(Contact.partner_id.in_(partners))),
    )
    rows = session.execute(
        select(Interaction.workspace_id, Interaction.partner_id)
        .where(named, Interaction.partner_id.not_in(partners))
        .distinct()
    )
    pending = session.info.setdefault(PENDING, defaultdict(set))
    for workspace_id, partner_id in rows:
        pending[workspace_id].add(partner_id)


def after_flush(session: Session) -> None:
    deleted_partners = {o.id for o in session.deleted if isinstance(o, Partner)}
    touched: dict[int, set[int]] = session.info.pop(PENDING, None) or defaultdict(set)  # workspace -> partner ids
    workspaces = set()
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Partner) and (obj in session.new or _changed(session, obj, WATCHED)):
            touched[obj.workspace_id].add(obj.id)
        elif isinstance(obj, Interaction):
            history = inspect(obj).attrs.partner_id.history
            for pid in itertools.chain(history.added or (), history.deleted or (), history.unchanged or ()):
                touched[obj.workspace_id].add(pid)
        elif isinstance(obj, Workspace) and obj in session.dirty and _changed(session, obj, WORKSPACE_WATCHED):
            workspaces.add(obj.id)
    connection = session.connection()
    for workspace_id, ids in touched.items():
        ids -= deleted_partners
        if ids:
            refresh(connection, workspace_id, ids)
    for workspace_id in workspaces:
        rederive(connection, workspace_id)
    if touched or workspaces:
        refreshed = set().union(*touched.values())
        for obj in list(session.identity_map.values()):
            if not isinstance(obj, PartnerActivity):
                continue
            # from what is loaded: reading an expired row's columns would load it (a SELECT per row)
            state = inspect(obj)
            workspace_id = state.dict.get("workspace_id")
            if state.identity[0] in refreshed or (workspaces and (workspace_id is None or workspace_id in workspaces)):
                session.expire(obj)


SUMMARY = Summary(
    name="partner_activity",
    description="each partner's activity summary and flag moments (what the neglect flags read)",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
    after_flush=after_flush,
)

__all__ = ["MOMENTS", "SUMMARY", "activity_select", "rederive", "refresh"]
