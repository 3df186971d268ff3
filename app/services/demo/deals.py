"""Demo deals, agreed terms and the referral commissions they earned.

Deals follow each partner's status (active clients have won work, prospects open deals, referrers
none), mostly in the workspace's currency. Referrers get versioned terms with a commission rate, and
every won deal of a partner they referred earns the commission the rules give: the rate of the
referrer's terms version in effect when the deal was won, rounded half-up to the currency's minor
unit (the same `commission_amount` the service uses). Older commissions are paid; a few deals had
their amount changed after payment and carry an adjustment. Everything is written with bulk inserts.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select, update

from app.models import Commission, Deal, Partner, StatementLink, Terms, TermsVersion
from app.services.commissions import commission_amount
from app.services.money import minor_unit

RATES = [Decimal("5"), Decimal("7.5"), Decimal("10"), Decimal("10"), Decimal("12"), Decimal("15")]
VALUE_WEIGHTS = [(-2, 3), (-1, 7), (0, 15), (1, 40), (2, 35)]


def _currency(rng, default: str, words) -> str:
    roll = rng.random()
    if roll < 0.82:
        return default
    second, third, fourth = words.foreign_currencies(default)
    if roll < 0.92:
        return second
    if roll < 0.97:
        return third
    return fourth


def _amount(rng, currency: str) -> Decimal:
    base = rng.choice([300, 800, 1500, 2500, 4000, 7500, 12000]) * (0.6 + rng.random())
    if currency == "JPY":
        return Decimal(int(base * 150))
    if currency == "RUB":  # roubles in round hundreds
        return Decimal(int(base * 90) // 100 * 100)
    if currency == "CNY":
        return Decimal(int(base * 8))
    return Decimal(f"{base:.2f}")


def _value(rng) -> int:
    values, weights = zip(*VALUE_WEIGHTS, strict=False)
    return rng.choices(values, weights=weights)[0]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _stages_for(rng, status: str) -> list[str]:
    if status == "referrer":
        return []
    if status == "prospect":
        return [rng.choice(["lead", "lead", "proposal", "negotiation"])] if rng.random() < 0.6 else []
    if status == "active":
        won = ["won"] * rng.choice([1, 1, 1, 2, 2, 3])
        extra = [rng.choice(["lead", "proposal", "negotiation", "lost"])] if rng.random() < 0.35 else []
        return won + extra
    # dormant / ended: past work
    return [rng.choice(["won", "won", "lost"]) for _ in range(rng.choice([0, 1, 1, 2]))]


def _insert_ids(session, model, rows) -> list[int]:
    """Bulk insert and the new ids in row order. A Core executemany (rows have the same keys) is
    several times faster than the ORM's bulk path, which splits rows by their empty columns and
    with RETURNING goes row by row. The demo is the only writer, so the new ids are the ones above
    the previous maximum."""
    before = session.scalar(select(func.max(model.id))) or 0
    session.execute(insert(model.__table__), rows)
    ids = list(session.scalars(select(model.id).where(model.id > before).order_by(model.id)))
    assert len(ids) == len(rows)
    return ids


def step(ctx) -> None:
    rng, session, ws, now, words = ctx.rng, ctx.session, ctx.workspace, ctx.now, ctx.words
    if not ctx.partner_ids:
        return
    today = now.date()
    partners = session.execute(
        select(Partner.id, Partner.status, Partner.created_at, Partner.referred_by_id, Partner.owner_id)
        .where(Partner.workspace_id == ws.id, Partner.id >= ctx.partner_ids[0])
        .order_by(Partner.id)
    ).all()
    created_on = {p.id: p.created_at.date() for p in partners}
    members = ctx.member_ids or [None]

    # --- terms: referrers get a commission rate, some clients agreed terms without one ----------
    referrer_ids = sorted({p.referred_by_id for p in partners if p.referred_by_id})
    referrer_set = set(referrer_ids)
    version_rows, terms_rows, partner_updates = [], [], []
    effective: dict[int, list[tuple[date, Decimal | None, int]]] = {}  # referrer -> [(from, rate, index)]
    with_terms = [pid for pid in referrer_ids if rng.random() < 0.6]
    chosen = set(with_terms)
    with_terms += [p.id for p in partners if p.status == "active" and p.id not in chosen and rng.random() < 0.1]
    for pid in with_terms:
        versions = rng.choice([1, 1, 2, 3])
        start = created_on[pid] + timedelta(days=rng.randint(0, 30))
        rate = rng.choice(RATES) if pid in referrer_set else None
        cadence = rng.choice([None, 14, 21, 30, 45])
        response = rng.choice([None, 1, 2, 3])
        payment = rng.choice([14, 30, 30, 45])
        contacts = ctx.contact_ids.get(pid) or [None]
        agreed_by = rng.choice(contacts)
        span = max(1, (today - start).days)
        days = sorted(rng.sample(range(span), min(versions, span)))
        for number, offset in enumerate(days, start=1):
            when = start + timedelta(days=offset)
            if number > 1:  # each later version changes something
                if rate is not None and rng.random() < 0.6:
                    rate = rng.choice(RATES)
                else:
                    cadence = rng.choice([c for c in (14, 21, 30, 60) if c != cadence])
            review = when + timedelta(days=rng.choice([180, 365])) if rng.random() < 0.7 else None
            version_rows.append(
                {
                    "workspace_id": ws.id,
                    "partner_id": pid,
                    "version": number,
                    "commission_rate": rate,
                    "payment_terms_days": payment,
                    "response_time_days": response,
                    "cadence_days": cadence,
                    "review_on": review,
                    "agreed_by_contact_id": agreed_by,
                    "agreed_on": when,
                    "clauses": rng.choice(words.CLAUSES) if rng.random() < 0.5 else None,
                    "changed_by_id": rng.choice(members),
                    "changed_at": _at(when),
                }
            )
            effective.setdefault(pid, []).append((when, rate, len(version_rows) - 1))
        terms_rows.append(
            {
                "workspace_id": ws.id,
                "partner_id": pid,
                "version": len(days),
                "commission_rate": rate,
                "review_on": review,
                "updated_at": _at(start + timedelta(days=days[-1])),
            }
        )
        if cadence is not None or response is not None:
            partner_updates.append({"id": pid, "cadence_days": cadence, "response_time_days": response})
    version_ids = []
    if version_rows:
        version_ids = _insert_ids(session, TermsVersion, version_rows)
        session.execute(insert(Terms.__table__), terms_rows)
    if partner_updates:
        partner = Partner.__table__  # Core executemany keeps the generated "updated" dates
        session.execute(
            update(partner)
            .where(partner.c.id == bindparam("pid"))
            .values(
                cadence_days=bindparam("cadence"),
                response_time_days=bindparam("response"),
                updated_at=partner.c.updated_at,
            ),
            [
                {"pid": row["id"], "cadence": row["cadence_days"], "response": row["response_time_days"]}
                for row in partner_updates
            ],
        )

    # --- deals ----------------------------------------------------------------------------------
    deal_rows = []
    for p in partners:
        for stage in _stages_for(rng, p.status):
            currency = _currency(rng, ws.default_currency, words)
            start = created_on[p.id]
            span = max(1, (today - start).days)
            closed = None
            if stage in ("won", "lost"):
                closed = start + timedelta(days=rng.randrange(span))
                opened = max(start, closed - timedelta(days=rng.randint(5, 90)))
            else:
                opened = start + timedelta(days=rng.randrange(span))
            assessed = rng.random() < 0.8
            us, them = (_value(rng), _value(rng)) if assessed else (None, None)
            deal_rows.append(
                {
                    "workspace_id": ws.id,
                    "partner_id": p.id,
                    "title": rng.choice(words.TITLES),
                    "amount": _amount(rng, currency),
                    "currency": currency,
                    "stage": stage,
                    "expected_close_on": None if closed else today + timedelta(days=rng.randint(-10, 90)),
                    "closed_on": closed,
                    "owner_id": p.owner_id or rng.choice(members),
                    "notes": None,
                    "lost_reason": rng.choice(words.LOST_REASONS) if stage == "lost" else None,
                    "value_to_us": us,
                    "value_to_partner": them,
                    "value_to_us_note": rng.choice(words.US_NOTES) if assessed and rng.random() < 0.3 else None,
                    "value_to_partner_note": rng.choice(words.THEM_NOTES) if assessed and rng.random() < 0.3 else None,
                    "created_at": _at(opened),
                    "updated_at": _at(closed or opened),
                }
            )
    if not deal_rows:
        return
    deal_ids = _insert_ids(session, Deal, deal_rows)

    # --- commissions, as the rules would have recorded them -------------------------------------
    referrer_of = {p.id: p.referred_by_id for p in partners if p.referred_by_id}
    starts = {pid: [v[0] for v in versions] for pid, versions in effective.items()}
    commission_rows, amount_updates, paid_count = [], [], 0
    for deal_id, row in zip(deal_ids, deal_rows, strict=False):
        referrer = referrer_of.get(row["partner_id"])
        if row["stage"] != "won" or referrer not in effective:
            continue
        index = bisect_right(starts[referrer], row["closed_on"]) - 1
        if index < 0:
            continue  # the referrer agreed a rate only after this deal was won
        _, rate, version_index = effective[referrer][index]
        if not rate:
            continue
        amount = commission_amount(rate, row["amount"], row["currency"])
        if amount == 0:
            continue
        base = {
            "workspace_id": ws.id,
            "referrer_id": referrer,
            "deal_id": deal_id,
            "currency": row["currency"],
            "terms_version_id": version_ids[version_index],
            "rate": rate,
            "note": "deal won",
            "created_at": _at(row["closed_on"]),
            "paid_by_id": None,
        }
        paid = (today - row["closed_on"]).days > 45 and rng.random() < 0.85
        entry = {
            **base,
            "kind": "earned",
            "amount": amount,
            "base_amount": row["amount"],
            "earned_on": row["closed_on"],
            "status": "owed",
            "paid_on": None,
            "payment_reference": None,
        }
        if paid:
            paid_count += 1
            entry.update(
                status="paid",
                paid_on=min(today, row["closed_on"] + timedelta(days=rng.randint(5, 30))),
                payment_reference=f"TR-{row['closed_on'].year}-{paid_count:05d}",
                paid_by_id=rng.choice(members),
            )
        commission_rows.append(entry)
        if paid and rng.random() < 0.03:  # the deal grew after the commission was paid
            new_amount = (row["amount"] * Decimal("1.2")).quantize(minor_unit(row["currency"]))
            changed = entry["paid_on"] + timedelta(days=rng.randint(1, 20))
            if changed <= today and new_amount != row["amount"]:
                amount_updates.append({"id": deal_id, "amount": new_amount})
                delta = commission_amount(rate, new_amount, row["currency"]) - amount
                commission_rows.append(
                    {
                        **base,
                        "kind": "adjustment",
                        "amount": delta,
                        "base_amount": new_amount,
                        "earned_on": changed,
                        "status": "owed",
                        "paid_on": None,
                        "payment_reference": None,
                        "created_at": _at(changed),
                        "note": f"deal amount changed from {row['amount']} to {new_amount}",
                    }
                )
    if amount_updates:
        session.execute(update(Deal), amount_updates)
    if commission_rows:
        session.execute(insert(Commission.__table__), commission_rows)
    if commission_rows:
        # a statement link for the busiest referrer (the token exists only here: only its hash is stored)
        from collections import Counter

        from app.services.tokens import new_token

        busiest = Counter(r["referrer_id"] for r in commission_rows).most_common(1)[0][0]
        token, token_hash = new_token()
        session.execute(
            insert(StatementLink.__table__),
            [
                {
                    "workspace_id": ws.id,
                    "referrer_id": busiest,
                    "token_hash": token_hash,
                    "label": words.STATEMENT_LABEL,
                    "created_by_id": members[0],
                    "created_at": now,
                    "revoked_at": None,
                    "last_opened_at": None,
                }
            ],
        )
        ctx.statement_token = token
    ctx.stats["deals"] = len(deal_rows)
    ctx.stats["terms versions"] = len(version_rows)
    ctx.stats["commissions"] = len(commission_rows)
