"""Neglect and relationship flags, and the health score: the rules (rules.py, each defined once),
the dashboard's flag counts and lists (flags.py) and a page of partners' status and health
(health.py). Flask-free; `now` is passed in."""

from app.services.neglect.flags import (
    FlagRow,
    NeglectedRow,
    flag_counts,
    flag_lists,
    flag_overview,
    neglected_partners,
)
from app.services.neglect.health import PartnerStatus, health_score, partner_status, statuses_for
from app.services.neglect.rules import (
    DASHBOARD_FLAGS,
    EXCLUDED_STATUSES,
    FLAGS,
    Defaults,
    cadence_of,
    eligible,
    never_flagged_reason,
)

__all__ = [
    "DASHBOARD_FLAGS",
    "EXCLUDED_STATUSES",
    "FLAGS",
    "Defaults",
    "cadence_of",
    "FlagRow",
    "NeglectedRow",
    "PartnerStatus",
    "eligible",
    "flag_counts",
    "flag_lists",
    "flag_overview",
    "health_score",
    "neglected_partners",
    "never_flagged_reason",
    "partner_status",
    "statuses_for",
]
