"""Referral commissions: a ledger kept right by reconciliation, with Decimal arithmetic.

Rules
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

The Ledger page's totals and count come from CommissionTotal (per currency, status and month
earned), kept by a before-flush hook from every entry the ORM adds, changes or removes; a referrer's
own view and periods that are not whole months sum the entries themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from sqlalchemy import and_, case, delete, event, exists, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.models import Commission, CommissionTotal, Deal, Partner, StatementLink, Terms, TermsVersion
from app.services import ServiceError
from app.services.pagination import Page
from app.services.tokens import hash_token, new_token

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def commission_amount(rate_percent: Decimal, amount: Decimal, currency: str) -> Decimal:
    """rate % × amount, rounded half-up to the currency's minor unit."""
    raw = Decimal(rate_percent) * Decimal(amount) / HUNDRED
    return raw.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def _money(value) -> Decimal:
    """Amounts read from the database, at two decimals (SQLite sums come back as floats)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
                keep.note = _note(f"{reason}: {keep.amount} → {want_owed}", keep.note)
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


def _note(text: str, previous: str | None) -> str:
    combined = f"{previous}; {text}" if previous else text
    return combined[-300:]


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


# --- running totals of the ledger (CommissionTotal) ----------------------------------------------

_KEY_FIELDS = ("workspace_id", "currency", "status", "earned_on", "amount")


def _key(values: dict) -> tuple:
    return (values["workspace_id"], values["currency"], values["status"], values["earned_on"].replace(day=1))


def _old_values(entry: Commission) -> dict:
    state = inspect(entry)
    values = {}
    for name in _KEY_FIELDS:
        history = state.attrs[name].history
        values[name] = history.deleted[0] if history.deleted else getattr(entry, name)
    return values


def _new_values(entry: Commission) -> dict:
    return {name: getattr(entry, name) for name in _KEY_FIELDS}


def _bump_total(session: Session, key: tuple, count: int, amount: Decimal) -> None:
    workspace_id, currency, status, month = key
    where = and_(
        CommissionTotal.workspace_id == workspace_id,
        CommissionTotal.currency == currency,
        CommissionTotal.status == status,
        CommissionTotal.month == month,
    )
    target = session.scalar(select(CommissionTotal.id).where(where).order_by(CommissionTotal.id).limit(1))
    if target is None:
        session.execute(
            insert(CommissionTotal).values(
                workspace_id=workspace_id,
                currency=currency,
                status=status,
                month=month,
                entry_count=count,
                amount=amount,
            )
        )
    else:
        session.execute(
            update(CommissionTotal)
            .where(CommissionTotal.id == target)
            .values(entry_count=CommissionTotal.entry_count + count, amount=CommissionTotal.amount + amount)
            .execution_options(synchronize_session=False)
        )


def _track_totals(session, flush_context, instances) -> None:
    """Before each flush: entries added, changed or removed move the running totals; so do the
    entries a deleted partner takes with it (as referrer, or through its deals)."""
    deltas: dict[tuple, list] = defaultdict(lambda: [0, ZERO])

    def add(values: dict, sign: int) -> None:
        bucket = deltas[_key(values)]
        bucket[0] += sign
        bucket[1] += Decimal(values["amount"]) * sign

    removed = set()
    for obj in session.deleted:
        if isinstance(obj, Commission):
            add(_old_values(obj), -1)
            removed.add(obj.id)
    partner_ids = [o.id for o in session.deleted if isinstance(o, Partner) and o.id is not None]
    if partner_ids:
        cascaded = session.execute(
            select(
                Commission.id,
                Commission.workspace_id,
                Commission.currency,
                Commission.status,
                Commission.earned_on,
                Commission.amount,
            )
            .outerjoin(Deal, Deal.id == Commission.deal_id)
            .where(or_(Commission.referrer_id.in_(partner_ids), Deal.partner_id.in_(partner_ids)))
        ).all()
        for row in cascaded:
            if row.id not in removed:
                add(row._asdict(), -1)
    for obj in session.new:
        if isinstance(obj, Commission):
            add(_new_values(obj), +1)
    for obj in session.dirty:
        if isinstance(obj, Commission) and session.is_modified(obj):
            old, new = _old_values(obj), _new_values(obj)
            if old != new:
                add(old, -1)
                add(new, +1)
    for key, (count, amount) in deltas.items():
        if count or amount:
            _bump_total(session, key, count, amount)


event.listen(Session, "before_flush", _track_totals)


def recompute_totals(session: Session, workspace_id: int) -> int:
    """Rebuild a workspace's ledger totals from its entries. Returns the number of rows written."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    for currency, status, earned_on, count, amount in session.execute(
        select(
            Commission.currency,
            Commission.status,
            Commission.earned_on,
            func.count(Commission.id),
            func.sum(Commission.amount),
        )
        .where(Commission.workspace_id == workspace_id)
        .group_by(Commission.currency, Commission.status, Commission.earned_on)
    ):
        bucket = sums[(currency, status, earned_on.replace(day=1))]
        bucket[0] += count
        bucket[1] += _money(amount)
    session.execute(delete(CommissionTotal).where(CommissionTotal.workspace_id == workspace_id))
    values = [
        {"workspace_id": workspace_id, "currency": c, "status": st, "month": m, "entry_count": n, "amount": a}
        for (c, st, m), (n, a) in sums.items()
    ]
    if values:
        session.execute(insert(CommissionTotal.__table__), values)
    return len(values)


def _summary_totals(session: Session, workspace_id: int, filters: LedgerFilters) -> list:
    conditions = [CommissionTotal.workspace_id == workspace_id]
    if filters.status in ("owed", "paid"):
        conditions.append(CommissionTotal.status == filters.status)
    if filters.currency:
        conditions.append(CommissionTotal.currency == filters.currency)
    if filters.period_from:
        conditions.append(CommissionTotal.month >= filters.period_from)
    if filters.period_to:
        conditions.append(CommissionTotal.month <= filters.period_to)
    rows = session.execute(
        select(
            CommissionTotal.currency,
            func.sum(CommissionTotal.amount),
            func.sum(case((CommissionTotal.status == "owed", CommissionTotal.amount), else_=0)),
            func.sum(case((CommissionTotal.status == "paid", CommissionTotal.amount), else_=0)),
            func.sum(CommissionTotal.entry_count),
        )
        .where(*conditions)
        .group_by(CommissionTotal.currency)
        .order_by(CommissionTotal.currency)
    ).all()
    return [CurrencyTotals(c, _money(e), _money(o), _money(p), n) for c, e, o, p, n in rows if n]


def _month_aligned(filters: LedgerFilters) -> bool:
    """The running totals answer a period only when it is whole months."""
    from datetime import timedelta

    start_ok = filters.period_from is None or filters.period_from.day == 1
    end_ok = filters.period_to is None or (filters.period_to + timedelta(days=1)).day == 1
    return start_ok and end_ok


# --- paying -------------------------------------------------------------------------------------


def mark_paid(
    session: Session, workspace_id: int, entry_ids, paid_on: date | None, reference: str | None, actor_id: int | None
) -> int:
    """Mark owed entries as paid (no minimum payout). Returns how many were marked."""
    ids = {int(i) for i in entry_ids}
    if not ids:
        raise ServiceError("Choose at least one owed commission to mark as paid.", field="ids")
    if paid_on is None:
        raise ServiceError("Give the date it was paid.", field="paid_on")
    reference = (reference or "").strip() or None
    entries = session.scalars(
        select(Commission).where(Commission.workspace_id == workspace_id, Commission.id.in_(ids))
    ).all()
    if len(entries) != len(ids):
        raise ServiceError("Some of the chosen commissions no longer exist. Reload the page.", field="ids")
    already = [e for e in entries if e.status != "owed"]
    if already:
        raise ServiceError("Some of the chosen commissions are already paid. Reload the page.", field="ids")
    for entry in entries:
        entry.status, entry.paid_on, entry.payment_reference, entry.paid_by_id = "paid", paid_on, reference, actor_id
    session.flush()
    return len(entries)


# --- reading ------------------------------------------------------------------------------------


@dataclass
class LedgerFilters:
    status: str = ""  # "", owed, paid
    period_from: date | None = None
    period_to: date | None = None
    referrer_id: int | None = None
    currency: str = ""
    page: int = 1


@dataclass
class CurrencyTotals:
    currency: str
    earned: Decimal = ZERO
    owed: Decimal = ZERO
    paid: Decimal = ZERO
    entries: int = 0


def _ledger_where(workspace_id: int, filters: LedgerFilters):
    conditions = [Commission.workspace_id == workspace_id]
    if filters.status in ("owed", "paid"):
        conditions.append(Commission.status == filters.status)
    if filters.period_from:
        conditions.append(Commission.earned_on >= filters.period_from)
    if filters.period_to:
        conditions.append(Commission.earned_on <= filters.period_to)
    if filters.referrer_id:
        conditions.append(Commission.referrer_id == filters.referrer_id)
    if filters.currency:
        conditions.append(Commission.currency == filters.currency)
    return and_(*conditions)


def totals(session: Session, where) -> list[CurrencyTotals]:
    """Earned (net of adjustments and reversals), owed and paid per currency: one grouped query."""
    rows = session.execute(
        select(
            Commission.currency,
            func.sum(Commission.amount),
            func.sum(case((Commission.status == "owed", Commission.amount), else_=0)),
            func.sum(case((Commission.status == "paid", Commission.amount), else_=0)),
            func.count(Commission.id),
        )
        .where(where)
        .group_by(Commission.currency)
        .order_by(Commission.currency)
    ).all()
    return [CurrencyTotals(c, _money(e), _money(o), _money(p), n) for c, e, o, p, n in rows]


def _ledger_rows(where):
    referred = Partner.__table__.alias("referred")
    return (
        select(
            Commission,
            Partner.name.label("referrer_name"),
            Deal.title.label("deal_title"),
            Deal.partner_id.label("referred_id"),
            referred.c.name.label("referred_name"),
        )
        .join(Partner, Partner.id == Commission.referrer_id)
        .join(Deal, Deal.id == Commission.deal_id)
        .join(referred, referred.c.id == Deal.partner_id)
        .where(where)
        .order_by(Commission.earned_on.desc(), Commission.id.desc())
    )


def ledger(session: Session, workspace_id: int, filters: LedgerFilters, per_page: int = 25):
    """A page of entries with names, and the per-currency totals with the entry count: two queries."""
    where = _ledger_where(workspace_id, filters)
    if filters.referrer_id is None and _month_aligned(filters):
        sums = _summary_totals(session, workspace_id, filters)  # a few rows, whatever the ledger's size
    else:
        sums = totals(session, where)  # also counts the entries: no separate count query
    page = max(1, filters.page)
    rows = session.execute(_ledger_rows(where).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=rows, total=sum(t.entries for t in sums), page=page, per_page=per_page), sums


def ledger_export_rows(session: Session, workspace_id: int, filters: LedgerFilters):
    """Every entry matching the filters, streamed in chunks for the CSV export."""
    where = _ledger_where(workspace_id, filters)
    return session.execute(_ledger_rows(where).execution_options(yield_per=1000))


# --- statement links ----------------------------------------------------------------------------


def create_statement_link(
    session: Session, referrer: Partner, actor_id: int | None, now: datetime, label: str | None = None
) -> tuple[StatementLink, str]:
    """A new private link; the token is returned once and only its hash is stored."""
    token, token_hash = new_token()
    link = StatementLink(
        workspace_id=referrer.workspace_id,
        referrer_id=referrer.id,
        token_hash=token_hash,
        label=(label or "").strip()[:120] or None,
        created_by_id=actor_id,
        created_at=now,
    )
    session.add(link)
    session.flush()
    return link, token


def revoke_statement_link(link: StatementLink, now: datetime) -> None:
    if link.revoked_at is None:
        link.revoked_at = now


def find_statement(session: Session, token: str) -> StatementLink | None:
    if not token or len(token) > 200:
        return None
    return session.scalar(
        select(StatementLink)
        .options(joinedload(StatementLink.referrer), joinedload(StatementLink.workspace))
        .where(StatementLink.token_hash == hash_token(token), StatementLink.revoked_at.is_(None))
    )


@dataclass
class Statement:
    referrer: Partner
    totals: list[CurrencyTotals]
    referrals: Page
    per_referral: dict[int, list[CurrencyTotals]] = field(default_factory=dict)
    entries: Page | None = None


def statement(session: Session, link: StatementLink, page: int = 1, per_page: int = 50) -> Statement:
    """What a referrer may see: their referrals (name, status) and their commissions. Constant queries."""
    referrer = link.referrer
    where = and_(Commission.workspace_id == link.workspace_id, Commission.referrer_id == referrer.id)
    sums = totals(session, where)
    ref_where = and_(Partner.workspace_id == link.workspace_id, Partner.referred_by_id == referrer.id)
    ref_total = session.scalar(select(func.count(Partner.id)).where(ref_where))
    page = max(1, page)
    referrals = session.execute(
        select(Partner.id, Partner.name, Partner.status, Partner.created_at)
        .where(ref_where)
        .order_by(Partner.name_key, Partner.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    per_referral: dict[int, list[CurrencyTotals]] = defaultdict(list)
    ids = [r.id for r in referrals]
    if ids:
        for pid, currency, earned, owed, paid in session.execute(
            select(
                Deal.partner_id,
                Commission.currency,
                func.sum(Commission.amount),
                func.sum(case((Commission.status == "owed", Commission.amount), else_=0)),
                func.sum(case((Commission.status == "paid", Commission.amount), else_=0)),
            )
            .join(Deal, Deal.id == Commission.deal_id)
            .where(where, Deal.partner_id.in_(ids))
            .group_by(Deal.partner_id, Commission.currency)
            .order_by(Commission.currency)
        ):
            per_referral[pid].append(CurrencyTotals(currency, _money(earned), _money(owed), _money(paid)))
    entries = session.execute(
        select(
            Commission.earned_on,
            Commission.kind,
            Commission.status,
            Commission.amount,
            Commission.currency,
            Commission.rate,
            Commission.paid_on,
            Commission.payment_reference,
            Partner.name.label("referred_name"),
        )
        .join(Deal, Deal.id == Commission.deal_id)
        .join(Partner, Partner.id == Deal.partner_id)
        .where(where)
        .order_by(Commission.earned_on.desc(), Commission.id.desc())
        .limit(100)
    ).all()
    return Statement(
        referrer=referrer,
        totals=sums,
        referrals=Page(referrals, ref_total, page, per_page),
        per_referral=dict(per_referral),
        entries=entries,
    )


def referrer_summary(session: Session, workspace_id: int, referrer_id: int, page: int = 1, per_page: int = 50):
    """The Commissions tab of a partner page: their entries, totals and statement links."""
    filters = LedgerFilters(referrer_id=referrer_id, page=page)
    entries, sums = ledger(session, workspace_id, filters, per_page=per_page)
    links = session.scalars(
        select(StatementLink)
        .where(StatementLink.workspace_id == workspace_id, StatementLink.referrer_id == referrer_id)
        .order_by(StatementLink.created_at.desc())
    ).all()
    return entries, sums, links
