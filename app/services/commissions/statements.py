"""What a referrer sees: private statement links (only the token's hash is kept) and the statement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Commission, Deal, Partner, StatementLink
from app.services.commissions.ledger import CurrencyTotals, totals
from app.services.money import as_money
from app.services.pagination import Page
from app.services.tokens import hash_token, new_token


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
            per_referral[pid].append(CurrencyTotals(currency, as_money(earned), as_money(owed), as_money(paid)))
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


def statement_links(session: Session, workspace_id: int, referrer_id: int) -> list[StatementLink]:
    """A referrer's statement links, newest first (revoked ones too: the list says so)."""
    return session.scalars(
        select(StatementLink)
        .where(StatementLink.workspace_id == workspace_id, StatementLink.referrer_id == referrer_id)
        .order_by(StatementLink.created_at.desc())
    ).all()
