"""Deals: the win-win assessment, stage moves, the pipeline and the deals list.

assessment — the quadrant rule and its warnings · validation — what a deal may hold, stage rules ·
writing — create, edit, move (commissions follow) · reading — the board, the list, a partner's deals
and the totals (read from DealTotal, which app/summaries/deal_totals.py keeps).
"""

from app.services.deals.assessment import QUADRANTS, Assessment, assess, quadrant
from app.services.deals.reading import (
    SORTS,
    Board,
    BoardFilters,
    DealFilters,
    PartnerDeals,
    StageTotals,
    currencies_in_use,
    deal_order,
    deal_where,
    list_deals,
    partner_deals,
    pipeline,
    recent_partners,
    summary_totals,
    totals_by_stage,
)
from app.services.deals.validation import MAX_AMOUNT, check_amount, check_currency
from app.services.deals.writing import MovedMeanwhile, Outcome, create_deal, delete_deal, move_deal, update_deal

__all__ = [
    "MAX_AMOUNT",
    "QUADRANTS",
    "SORTS",
    "Assessment",
    "Board",
    "BoardFilters",
    "DealFilters",
    "MovedMeanwhile",
    "Outcome",
    "PartnerDeals",
    "StageTotals",
    "assess",
    "check_amount",
    "check_currency",
    "create_deal",
    "currencies_in_use",
    "delete_deal",
    "deal_order",
    "deal_where",
    "list_deals",
    "move_deal",
    "partner_deals",
    "pipeline",
    "quadrant",
    "recent_partners",
    "summary_totals",
    "totals_by_stage",
    "update_deal",
]
