"""Setting the referrers of an import's partners, once all of them exist: the referral service's
rules for a whole file at once.

set_referrer (app/services/referral_tree/writing.py) takes ~15 ms a partner (it locks the
workspace, walks the ancestors twice, moves the branch's stored stats): 150 s for 10,000 rows. Here
the same rules run over the forest read once, under the same workspace lock:

- the referrer is a partner of this workspace, not the partner itself, not archived;
- no loop: the referrer's chain up to its root (as the database holds it now, with the edges of
  this import laid over it) must not pass through the partner;
- every change is recorded as a ReferralChange (who, when, from whom to whom);
- late attribution: a partner with won deals gets the commissions its referrer's terms give
  (commissions.on_referrer_changed, as the service calls it).

The edges are written by bulk statements, so the referral_stats summary is rebuilt for the
workspace once at the end (the documented way for bulk writes; app/summaries/__init__.py), and the
partner_outcomes summary derives the referrers' rows again right after each batch's update.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.messages import Text
from app.models import Deal, ImportRow, ImportRun, Partner
from app.models.referral import ReferralChange
from app.services import commissions
from app.services.importing.referrers import ARCHIVED_REFERRER, REFERRAL_LOOP
from app.services.locking import lock_workspace
from app.services.referral_tree import ARROW
from app.services.row_values import column_values
from app.summaries import partner_outcomes, registry

PARTNERS = Partner.__table__


def _forest(session: Session, workspace_id: int):
    rows = session.execute(
        select(Partner.id, Partner.referred_by_id, Partner.name, Partner.archived_at.is_not(None)).where(
            Partner.workspace_id == workspace_id
        )
    ).all()
    parents = {pid: parent for pid, parent, _name, _archived in rows}
    names = {pid: name for pid, _parent, name, _archived in rows}
    archived = {pid for pid, _parent, _name, is_archived in rows if is_archived}
    return parents, names, archived


def _loop(parents: dict, partner_id: int, referrer_id: int) -> list[int] | None:
    """The chain that `partner referred-by referrer` would close, referrer first, or None."""
    chain, node, seen = [], referrer_id, set()
    while node is not None and node not in seen:
        chain.append(node)
        if node == partner_id:
            return chain
        seen.add(node)
        node = parents.get(node)
    return None


def link(session: Session, run: ImportRun, *, actor_id: int | None, now: datetime, chunk: int = 500) -> int:
    """Set the referrers the run's pending rows name, in one transaction (a run stopped here does
    all of them again); how many rows were pending. A row whose referrer cannot be set keeps its
    partner, without a referrer, and says why in its problems."""
    lock_workspace(session, run.workspace_id)
    forest = _forest(session, run.workspace_id)
    done, changed = 0, []
    while True:
        rows = list(
            session.scalars(
                select(ImportRow)
                .where(ImportRow.run_id == run.id, ImportRow.referrer_pending.is_(True))
                .order_by(ImportRow.number)
                .limit(chunk)
            )
        )
        if not rows:
            break
        changed += _link_rows(session, run, rows, forest, actor_id, now)
        session.flush()
        done += len(rows)
    if changed:
        registry.rebuild(
            session, run.workspace_id, [registry.by_name(n) for n in ("referral_stats", "referral_revenue")]
        )
        _late_commissions(session, changed, now)
    return done


def _link_rows(session: Session, run: ImportRun, rows: list[ImportRow], forest, actor_id, now) -> list[int]:
    parents, names, archived = forest
    numbers = {r.referrer_row for r in rows if r.referrer_row}
    row_partner = {}
    for start in range(0, len(numbers), 900):
        batch = sorted(numbers)[start : start + 900]
        row_partner.update(
            session.execute(
                select(ImportRow.number, ImportRow.partner_id).where(
                    ImportRow.run_id == run.id,
                    ImportRow.number.in_(batch),
                    ImportRow.result.in_(("created", "updated")),
                )
            ).all()
        )
    edges, changes = [], []
    for row in rows:
        row.referrer_pending = False
        partner_id = row.partner_id
        if partner_id not in parents:
            continue
        target = row.referrer_id or row_partner.get(row.referrer_row)
        problem = None
        if target is None:
            problem = Text("The referrer's row (%(row)s) was not imported: no referrer was set", row=row.referrer_row)
        elif parents[partner_id] is not None:  # an existing partner keeps its referrer
            continue
        elif target not in parents:
            problem = Text("The referrer was deleted meanwhile: no referrer was set")
        elif target in archived:
            problem = Text(ARCHIVED_REFERRER, name=names[target])
        else:
            loop = _loop(parents, partner_id, target)
            if loop:
                chain = [partner_id, *reversed(loop)]
                problem = Text(REFERRAL_LOOP, chain=ARROW.join(names[i] for i in chain))
        if problem:
            row.problems = {**row.problems, "partner.referred_by": problem}
            row.problem_count = len(row.problems)
            continue
        if row.result == "updated" and not (row.before or {}).get("partner"):
            snapshot = session.get(Partner, partner_id)
            row.before = {**(row.before or {}), "partner": column_values(snapshot)}
        parents[partner_id] = target
        edges.append({"b_id": partner_id, "b_referrer": target})
        changes.append((row, partner_id, target))
    if not edges:
        return []
    session.flush()
    session.execute(
        update(PARTNERS)
        .where(PARTNERS.c.id == bindparam("b_id"))
        .values(referred_by_id=bindparam("b_referrer"), updated_at=now),
        edges,
    )
    written = session.execute(
        insert(ReferralChange).returning(ReferralChange.id, ReferralChange.partner_id),
        [
            {
                "workspace_id": run.workspace_id,
                "partner_id": partner_id,
                "to_partner_id": target,
                "to_name": names[target],
                "changed_by_id": actor_id,
                "changed_at": now,
            }
            for _row, partner_id, target in changes
        ],
    ).all()
    change_of = {partner_id: change_id for change_id, partner_id in written}
    # the referrers' "referrals made" (the bulk update passed by the flush that keeps them)
    partner_outcomes.refresh(session.connection(), run.workspace_id, {target for _r, _p, target in changes})
    for row, partner_id, target in changes:
        row.created = {**(row.created or {}), "referrer": target, "referral_change": change_of.get(partner_id)}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Partner) and obj.id in change_of:
            session.expire(obj, ["referred_by_id", "updated_at"])
    return list(change_of)


def _late_commissions(session: Session, partner_ids: list[int], now: datetime) -> None:
    """What on_referrer_changed does for each partner whose referrer was set: only those with won
    deals can owe anything (read in one query per batch)."""
    for start in range(0, len(partner_ids), 900):
        batch = partner_ids[start : start + 900]
        with_won = session.scalars(
            select(Deal.partner_id).where(Deal.partner_id.in_(batch), Deal.stage == "won").distinct()
        ).all()
        for partner in session.scalars(select(Partner).where(Partner.id.in_(with_won))):
            commissions.on_referrer_changed(session, partner, now)
