"""When a failed delivery is tried again: exponential backoff with ±10 % jitter over about 3 days.

The first attempt is made when the event happens; after the n-th failed attempt the next one waits
SCHEDULE[n - 1] seconds (jittered). After the last retry has failed the delivery is failed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

SCHEDULE: tuple[int, ...] = (
    5,
    60,
    5 * 60,
    30 * 60,
    60 * 60,
    2 * 60 * 60,
    4 * 60 * 60,
    8 * 60 * 60,
    12 * 60 * 60,
    24 * 60 * 60,
    24 * 60 * 60,
)
MAX_ATTEMPTS = len(SCHEDULE) + 1  # the first try and the retries
JITTER = 0.10


def next_attempt_at(attempts_made: int, now: datetime, rng: random.Random | None = None) -> datetime | None:
    """When to try again after `attempts_made` failed attempts, or None when they are exhausted."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    delay = SCHEDULE[attempts_made - 1]
    factor = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return now + timedelta(seconds=delay * factor)
