"""Creating, editing and moving deals; a change to a won deal reconciles its commissions.

The running totals (DealTotal) follow every change by themselves: app/summaries/deal_totals.py
moves them in the flush."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.messages import N_
from app.models import Commission, Deal, Partner
from app.models.deal import CLOSED_STAGES, STAGES
from app.services import ServiceError, commissions
from app.services.commissions import notes as commission_notes
from app.services.deals.validation import check_stage_rules, clean_text, validated
from app.services.locking import keep, lock


class MovedMeanwhile(ServiceError):
    """Someone else moved the deal after the page showed it; `stage` is where it is now."""

    def __init__(self, stage: str):
        super().__init__(N_("Someone moved this deal meanwhile. Look at where it is now before moving it."), "stage")
        self.stage = stage


@dataclass
class Outcome:
    deal: Deal
    commissions: list = field(default_factory=list)  # commission entries created by this change


def _apply_stage(deal: Deal, stage: str, today: date, closed_on: date | None = None) -> None:
    if stage in CLOSED_STAGES:
        if closed_on is not None:
            deal.closed_on = closed_on
        elif deal.stage != stage or deal.closed_on is None:
            deal.closed_on = today
    else:
        deal.closed_on = None
    if stage != "lost":
        deal.lost_reason = None
    deal.stage = stage


def create_deal(session: Session, partner: Partner, data: dict, actor_id: int | None, now: datetime) -> Outcome:
    clean = validated(session, partner.workspace_id, data, None)
    stage = clean.pop("stage")
    keep(session, Partner, partner.id)  # not deleted meanwhile, nor until this commits
    deal = Deal(
        workspace_id=partner.workspace_id, partner_id=partner.id, created_at=now, updated_at=now, stage="lead", **clean
    )
    _apply_stage(deal, stage, now.date())
    if stage == "lost":
        deal.lost_reason = clean["lost_reason"]
    session.add(deal)
    session.flush()
    created = []
    if deal.stage == "won":
        created = commissions.on_deal_changed(session, deal, now, reason=commission_notes.WON, newly_won=True)
    return Outcome(deal, created)


def _change(
    session: Session,
    deal: Deal,
    values: dict,
    stage: str,
    lost_reason: str | None,
    now: datetime,
    closed_on: date | None = None,
) -> Outcome:
    """Apply validated values and a stage to a deal; keep its commissions right."""
    lock(session, deal)  # the stage it moves from is the one committed now, not the one read earlier
    old_stage, old_amount, old_currency = deal.stage, deal.amount, deal.currency
    for name, value in values.items():
        setattr(deal, name, value)
    _apply_stage(deal, stage, now.date(), closed_on)
    if stage == "lost":
        deal.lost_reason = lost_reason
    deal.updated_at = now
    return Outcome(deal, _after_change(session, deal, old_stage, old_amount, old_currency, now))


def update_deal(session: Session, deal: Deal, data: dict, now: datetime) -> Outcome:
    clean = validated(session, deal.workspace_id, data, deal.stage)
    stage = clean.pop("stage")
    lost_reason = clean.pop("lost_reason")
    return _change(session, deal, clean, stage, lost_reason, now)


def move_deal(
    session: Session,
    deal: Deal,
    stage: str,
    now: datetime,
    lost_reason: str | None = None,
    *,
    from_stage: str | None = None,
    closed_on: date | None = None,
) -> Outcome:
    """Move a deal to another stage (the pipeline board). `from_stage` is the stage the page showed:
    when someone moved the deal meanwhile, the move is refused instead of overriding theirs.
    `closed_on` (won or lost only, not in the future) records a close day other than today."""
    if stage not in STAGES:
        raise ServiceError("Choose a stage.", field="stage")
    if closed_on is not None and stage not in CLOSED_STAGES:
        raise ServiceError("Only a won or lost deal has a close date.", field="closed_on")
    if closed_on is not None and closed_on > now.date():
        raise ServiceError("The close date cannot be in the future.", field="closed_on")
    lock(session, deal)
    if from_stage and from_stage != deal.stage:
        raise MovedMeanwhile(deal.stage)
    lost_reason = clean_text(lost_reason) or (deal.lost_reason if deal.stage == "lost" else None)
    check_stage_rules(stage, Decimal(deal.amount), lost_reason)
    if stage == deal.stage and (closed_on is None or closed_on == deal.closed_on):
        return Outcome(deal)
    return _change(session, deal, {}, stage, lost_reason, now, closed_on)


def delete_deal(session: Session, deal: Deal) -> None:
    """Delete a deal entered by mistake. One with entries in the commission ledger stays (the ledger
    keeps its history): it is moved to lost instead. Locked first, so a move to won meanwhile either
    comes before (and the delete is refused) or waits and finds the deal gone."""
    lock(session, deal)
    if session.scalar(select(Commission.id).where(Commission.deal_id == deal.id).limit(1)) is not None:
        raise ServiceError(
            "This deal has entries in the commission ledger, which keeps its history: move it to lost instead."
        )
    session.delete(deal)
    session.flush()


def _after_change(session, deal, old_stage, old_amount, old_currency, now) -> list:
    won_now, won_before = deal.stage == "won", old_stage == "won"
    session.flush()
    if won_now and not won_before:
        return commissions.on_deal_changed(session, deal, now, reason=commission_notes.WON, newly_won=True)
    if won_before and not won_now:
        return commissions.on_deal_changed(session, deal, now, reason=commission_notes.moved(deal.stage))
    if won_now and (Decimal(old_amount) != Decimal(deal.amount) or old_currency != deal.currency):
        return commissions.on_deal_changed(
            session,
            deal,
            now,
            reason=commission_notes.amount_changed(old_amount, old_currency, deal.amount, deal.currency),
        )
    return []
