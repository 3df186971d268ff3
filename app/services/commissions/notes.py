"""A commission entry's note: why the ledger wrote or changed it.

The row keeps short English codes, one per event, joined by "; " (readable in an export and the
same in every language): "deal won", "deal moved to lost", "deal amount changed from 1000.00 EUR
to 1200.00 EUR", each followed by ": 120.00 → 0.00" when it changed the amount owed. `read` gives
them back as events, for the pages to word in the reader's language; anything else in a note is
kept as it was written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

WON = "deal won"
LIMIT = 300  # the column's length: the oldest events give way
_EVENT = re.compile(
    r"(?:deal won|deal moved to (?P<stage>[a-z]+)"
    r"|deal amount changed from (?P<was>[\d.]+) (?P<was_currency>[A-Z]{3}) to (?P<now>[\d.]+) (?P<currency>[A-Z]{3}))"
    r"(?:: (?P<old>-?[\d.]+) → (?P<new>-?[\d.]+))?"
)


def moved(stage: str) -> str:
    return f"deal moved to {stage}"


def amount_changed(was: Decimal, was_currency: str, now: Decimal, currency: str) -> str:
    return f"deal amount changed from {was} {was_currency} to {now} {currency}"


def changed(reason: str, old: Decimal, new: Decimal) -> str:
    return f"{reason}: {old} → {new}"


def appended(event: str, previous: str | None) -> str:
    """The note with `event` added; the oldest events give way (whole) when it would not fit."""
    events = [*(previous.split("; ") if previous else []), event]
    while len(events) > 1 and len("; ".join(events)) > LIMIT:
        events.pop(0)
    return "; ".join(events)[-LIMIT:]


@dataclass(frozen=True)
class Event:
    """One event of a note: the deal was won (nothing else set), moved to `stage`, or its amount
    changed (`deal_was`, `deal_now`: (amount, currency)); `old`/`new` when the amount owed changed;
    `words` for a part that is not one of the ledger's events (shown as written)."""

    stage: str | None = None
    deal_was: tuple[Decimal, str] | None = None
    deal_now: tuple[Decimal, str] | None = None
    old: Decimal | None = None
    new: Decimal | None = None
    words: str | None = None


def read(note: str | None) -> list[Event]:
    events = []
    for part in (note or "").split("; "):
        if not part:
            continue
        found = _EVENT.fullmatch(part)
        if found is None:
            events.append(Event(words=part))
            continue
        old, new = found["old"], found["new"]
        amounts = {}
        if found["was"]:
            amounts = {
                "deal_was": (Decimal(found["was"]), found["was_currency"]),
                "deal_now": (Decimal(found["now"]), found["currency"]),
            }
        events.append(
            Event(stage=found["stage"], old=Decimal(old) if old else None, new=Decimal(new) if new else None, **amounts)
        )
    return events
