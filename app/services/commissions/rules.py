"""The commission rules: what a won deal owes its partner's referrer, kept right by reconciliation.

- A won deal whose partner has a referrer earns the referrer a commission when the referrer's
  *current* terms carry a commission rate: amount = rate % × deal amount, in the deal's currency.
- Rounding: ROUND_HALF_UP to the currency's minor unit (babel's currency precision: 2 for EUR,
  0 for JPY). Amounts are stored with two decimals, so currencies with three (KWD…) are refused
  when a deal is saved.
- No minimum payout: every non-zero amount is owed.
- The rate is fixed when the commission is first recorded for a deal (at the win, or when the
  referrer is attributed late). Later changes of the deal's amount reuse that rate.
- Paid entries are history and never change. For each (deal, referrer, currency) there is at most
  one owed entry; a change to the deal (amount, currency, reopening, losing, another referrer)
  rewrites that owed entry or, when everything was already paid, adds an adjustment (or, when the
  commission falls away, a reversal) entry for the difference. An owed entry that comes to zero is
  removed: nothing was paid and nothing is owed.
- Everything is a reconciliation (what should be due minus what is recorded), so running it again
  changes nothing: late attribution is idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from app.models import Commission, Deal, Partner, Terms, TermsVersion
from app.services.commissions import notes
from app.services.money import ZERO, to_minor_unit

HUNDRED = Decimal("100")


def commission_amount(rate_percent: Decimal, amount: Decimal, currency: str) -> Decimal:
    """rate % × amount, rounded half-up to the currency's minor unit."""
    return to_minor_unit(Decimal(rate_percent) * Decimal(amount) / HUNDRED, currency)


@dataclass
class _Current:
    rate: Decimal
    version_id: int | None


def _current_rates(session: Session, referrer_ids) -> dict[int, _Current]:
    """The referrers' current terms that carry a commission rate (one query)."""
    ids = {i for i in referrer_ids if i}
    if not ids:
        return {}
    rows = session.execute(
        select(Terms.partner_id, Terms.commission_rate, TermsVersion.id)
        .join(TermsVersion, and_(TermsVersion.partner_id == Terms.partner_id, TermsVersion.version == Terms.version))
        .where(Terms.partner_id.in_(ids), Terms.commission_rate.is_not(None), Terms.commission_rate > 0)
    ).all()
    return {pid: _Current(Decimal(rate), vid) for pid, rate, vid in rows}


def _reconcile(
    session: Session,
    deal: Deal,
    referrer_id: int | None,
    entries: list[Commission],
    rates: dict[int, _Current],
    now: datetime,
    reason: str,
    create_missing: bool,
) -> list[Commission]:
    """Bring the ledger of one deal in line with what it should owe. Returns the entries created."""
    today = now.date()
    by_pair: dict[tuple[int, str], list[Commission]] = defaultdict(list)
    for entry in entries:
        by_pair[(entry.referrer_id, entry.currency)].append(entry)

    # What each (referrer, currency) should have in total, and at which rate
    targets: dict[tuple[int, str], tuple[Decimal, Decimal, int | None]] = {}
    if deal.stage == "won" and referrer_id and referrer_id != deal.partner_id:
        pair = (referrer_id, deal.currency)
        recorded = [e for e in entries if e.referrer_id == referrer_id]
        if recorded:
            latest = max(recorded, key=lambda e: (e.created_at, e.id or 0))
            rate, version_id = Decimal(latest.rate), latest.terms_version_id
        elif create_missing and referrer_id in rates:
            rate, version_id = rates[referrer_id].rate, rates[referrer_id].version_id
        else:
            rate = None
        if rate is not None:
            targets[pair] = (commission_amount(rate, deal.amount, deal.currency), rate, version_id)

    created = []
    for pair in set(by_pair) | set(targets):
        referrer, currency = pair
        pair_entries = by_pair.get(pair, [])
        target, rate, version_id = targets.get(pair, (ZERO, None, None))
        if rate is None:
            latest = max(pair_entries, key=lambda e: (e.created_at, e.id or 0))
            rate, version_id = Decimal(latest.rate), latest.terms_version_id
        paid = sum((Decimal(e.amount) for e in pair_entries if e.status == "paid"), ZERO)
        owed = [e for e in pair_entries if e.status == "owed"]
        want_owed = target - paid
        have_owed = sum((Decimal(e.amount) for e in owed), ZERO)
        if want_owed == have_owed and len(owed) <= 1:
            continue
        has_paid = any(e.status == "paid" for e in pair_entries)
        kind = "earned" if not has_paid and target != ZERO else ("reversal" if target == ZERO else "adjustment")
        base = deal.amount if target != ZERO else ZERO
        if want_owed == ZERO:
            for entry in owed:
                session.delete(entry)
            continue
        if owed:
            keep, *extra = sorted(owed, key=lambda e: (e.created_at, e.id or 0))
            for entry in extra:
                session.delete(entry)
            if keep.amount != want_owed or keep.kind != kind:
                keep.note = notes.appended(notes.changed(reason, keep.amount, want_owed), keep.note)
            keep.amount, keep.kind, keep.base_amount = want_owed, kind, base
            keep.rate, keep.terms_version_id = rate, version_id
        else:
            entry = Commission(
                workspace_id=deal.workspace_id,
                referrer_id=referrer,
                deal_id=deal.id,
                terms_version_id=version_id,
                kind=kind,
                status="owed",
                amount=want_owed,
                currency=currency,
                rate=rate,
                base_amount=base,
                earned_on=today,
                note=reason,
                created_at=now,
            )
            session.add(entry)
            created.append(entry)
    return created


def _entries_for(session: Session, deal_ids) -> dict[int, list[Commission]]:
    result: dict[int, list[Commission]] = defaultdict(list)
    if not deal_ids:
        return result
    for entry in session.scalars(select(Commission).where(Commission.deal_id.in_(list(deal_ids)))):
        result[entry.deal_id].append(entry)
    return result


def on_deal_changed(
    session: Session, deal: Deal, now: datetime, *, reason: str, newly_won: bool = False
) -> list[Commission]:
    """Called by the deals service after a deal's stage, amount or currency changed.

    `newly_won` is true when the deal has just moved to won: only then (or on a referrer change)
    is a missing commission created from the referrer's current terms."""
    session.flush()
    referrer_id = session.scalar(select(Partner.referred_by_id).where(Partner.id == deal.partner_id))
    entries = _entries_for(session, [deal.id])[deal.id]
    rates = _current_rates(session, [referrer_id]) if newly_won else {}
    created = _reconcile(session, deal, referrer_id, entries, rates, now, reason, create_missing=newly_won)
    session.flush()
    return created


def on_referrer_changed(session: Session, partner: Partner, now: datetime) -> list[Commission]:
    """Call after `partner.referred_by_id` changed (or was set late): creates the commissions its
    already-won deals owe the current referrer, and reverses those recorded for a previous one.
    Idempotent: a second call creates nothing."""
    session.flush()
    deals = session.scalars(
        select(Deal).where(
            Deal.partner_id == partner.id,
            or_(Deal.stage == "won", exists().where(Commission.deal_id == Deal.id)),
        )
    ).all()
    if not deals:
        return []
    entries = _entries_for(session, [d.id for d in deals])
    rates = _current_rates(session, [partner.referred_by_id])
    created = []
    for deal in deals:
        created += _reconcile(
            session, deal, partner.referred_by_id, entries[deal.id], rates, now, "referrer changed", create_missing=True
        )
    session.flush()
    return created
