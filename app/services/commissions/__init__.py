"""Referral commissions: a ledger kept right by reconciliation, with Decimal arithmetic.

rules — what a won deal owes its referrer (on_deal_changed, on_referrer_changed) · ledger — the
Ledger page, its totals (read from CommissionTotal, which app/summaries/commission_totals.py keeps),
the export and paying · statements — the referrers' private statement links and statements.
"""

from app.services.commissions.ledger import (
    CurrencyTotals,
    LedgerFilters,
    deal_entries,
    ledger,
    ledger_export_rows,
    ledger_where,
    mark_paid,
    totals,
)
from app.services.commissions.rules import commission_amount, on_deal_changed, on_referrer_changed
from app.services.commissions.statements import (
    Statement,
    create_statement_link,
    find_statement,
    revoke_statement_link,
    statement,
    statement_links,
)

__all__ = [
    "CurrencyTotals",
    "LedgerFilters",
    "Statement",
    "commission_amount",
    "create_statement_link",
    "deal_entries",
    "find_statement",
    "ledger",
    "ledger_export_rows",
    "ledger_where",
    "mark_paid",
    "on_deal_changed",
    "on_referrer_changed",
    "revoke_statement_link",
    "statement",
    "statement_links",
    "totals",
]
