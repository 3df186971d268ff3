"""Running totals of deals (DealTotal): count and amount per owner, stage, currency and month closed
(NULL while open), read by the pipeline and the deals list. The deals a deleted partner takes with it
(a database cascade) leave the totals too. Mechanics: app/summaries/running_totals.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy import false

from app.models import Deal, DealTotal
from app.summaries.registry import Summary
from app.summaries.running_totals import RunningTotals


def month_of(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


TOTALS = RunningTotals(
    source=Deal,
    total=DealTotal,
    fields=("workspace_id", "owner_id", "stage", "currency", "closed_on", "amount"),
    key_columns=("owner_id", "stage", "currency", "month"),
    key_of=lambda v: (v["owner_id"], v["stage"], v["currency"], month_of(v["closed_on"])),
    count_column="deal_count",
    cascaded=lambda partner_ids, deal_ids: Deal.partner_id.in_(partner_ids) if partner_ids else false(),
)

rebuild, stored, expected = TOTALS.rebuild, TOTALS.stored, TOTALS.expected

SUMMARY = Summary(
    name="deal_totals",
    description="Running totals of deals per owner, stage, currency and month closed (pipeline, deals list).",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=TOTALS.before_flush,
)
