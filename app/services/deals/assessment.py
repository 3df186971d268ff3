"""The win-win assessment of a deal.

Quadrant rule. Each side's value is on a small scale: -2 a clear loss, -1 a loss, 0 break-even
(a compromise), +1 a gain, +2 a clear gain. A side *wins* only with a positive value; anything
else counts as not winning, so a compromise (0) on either side is never win-win, and Orchard says
so. The quadrant names our side first: win-lose = we gain, the partner does not (selling something
that will not work for them); lose-win = they gain, we do not (working below cost).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.messages import N_

QUADRANTS = ("win-win", "win-lose", "lose-win", "lose-lose")


@dataclass(frozen=True)
class Assessment:
    quadrant: str | None  # None until both sides are assessed
    compromise: bool  # one side (or both) is only break-even
    warning: str | None  # marked with N_(): translated where it is shown


def quadrant(value_to_us: int | None, value_to_partner: int | None) -> str | None:
    if value_to_us is None or value_to_partner is None:
        return None
    us = "win" if value_to_us > 0 else "lose"
    them = "win" if value_to_partner > 0 else "lose"
    return f"{us}-{them}"


def assess(value_to_us: int | None, value_to_partner: int | None) -> Assessment:
    q = quadrant(value_to_us, value_to_partner)
    compromise = 0 in (value_to_us, value_to_partner)
    warning = None
    if compromise:
        warning = N_("A compromise is not win-win: look for what would make this a real gain for both sides.")
    elif q == "win-lose":
        warning = N_("Good for us, not for them: a partner who loses does not come back or recommend us.")
    elif q == "lose-win":
        warning = N_("Good for them, not for us: working below cost does not last.")
    elif q == "lose-lose":
        warning = N_("Nobody gains: consider turning this deal down.")
    return Assessment(q, compromise, warning)
