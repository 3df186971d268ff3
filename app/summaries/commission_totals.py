"""Running totals of the commission ledger (CommissionTotal): count and amount per currency, status
and month earned, read by the Ledger page. The entries a deleted deal or partner takes with it (a
partner as referrer, or through its deals: database cascades) leave the totals too. Mechanics:
app/summaries/running_totals.py."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.models import Commission, CommissionTotal, Deal
from app.summaries.registry import Summary
from app.summaries.running_totals import RunningTotals


def _cascaded(partner_ids, deal_ids):
    of_partners_deals = select(Deal.id).where(Deal.partner_id.in_(partner_ids))
    return or_(
        Commission.referrer_id.in_(partner_ids),
        Commission.deal_id.in_(of_partners_deals),
        Commission.deal_id.in_(deal_ids),
    )


TOTALS = RunningTotals(
    source=Commission,
    total=CommissionTotal,
    fields=("workspace_id", "currency", "status", "earned_on", "amount"),
    key_columns=("currency", "status", "month"),
    key_of=lambda v: (v["currency"], v["status"], v["earned_on"].replace(day=1)),
    count_column="entry_count",
    cascaded=_cascaded,
)

rebuild, stored, expected = TOTALS.rebuild, TOTALS.stored, TOTALS.expected

SUMMARY = Summary(
    name="commission_totals",
    description="Running totals of the commission ledger per currency, status and month earned (Ledger page).",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=TOTALS.before_flush,
)
