"""Fair limits on guessing a secret (a password, a two-factor code), Flask-free.

Failures are counted in a `limits` storage passed in (the one Flask-Limiter holds, so a Redis
RATELIMIT_STORAGE_URI shares the counts between workers and machines), per (subject, address), per
subject and per address, for one kind of secret ("login": the subject is the email; "2fa": the user).

- An address guessing one account gets `per_account` failures free; after that it waits before each
  try, the wait doubling with each failure (from `backoff_seconds` up to `backoff_max_seconds`).
- An account failed `per_account` times from anywhere is "under attack": from then on any address
  that fails it waits `backoff_seconds` before its next try — but an address with no failures for it (the owner, elsewhere) is
  never held back, so an attacker cannot lock the owner out.
- An address failing `per_address` times over any accounts waits before each further try (doubling).
- A success clears the (subject, address) count and wait; failures are forgotten after `remember_seconds`.

A wait is stored as the moment it ends (milliseconds since the epoch, `now` passed in); the storage's own
expiry only cleans up. Counting is the storage's atomic increment, so workers never lose a failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

KINDS = ("login", "2fa")


@dataclass(frozen=True)
class Rules:
    per_account: int  # free failures per (subject, address), and per subject before it is "under attack"
    per_address: int  # free failures per address over every subject
    remember_seconds: int  # how long failures are counted
    backoff_seconds: int = 30
    backoff_max_seconds: int = 3600


def _keys(kind: str, subject: str, address: str) -> dict[str, str]:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of limit: {kind!r}")
    return {
        "pair": f"{kind}:{subject}:{address}",
        "subject": f"{kind}-subject:{subject}",
        "address": f"{kind}-address:{address}",
        "pair_until": f"{kind}-wait:{subject}:{address}",
        "address_until": f"{kind}-address-wait:{address}",
    }


def backoff(failures: int, free: int, rules: Rules) -> int:
    """Seconds to wait after the `failures`-th failure when `free` are allowed (0: no wait)."""
    if failures < free:
        return 0
    return min(rules.backoff_seconds * 2 ** min(failures - free, 32), rules.backoff_max_seconds)


def wait_seconds(storage, kind: str, subject: str, address: str, now: float) -> int:
    """How long this address must wait before trying `subject` again (0: it may try now)."""
    keys = _keys(kind, subject, address)
    until_ms = max(storage.get(keys["pair_until"]), storage.get(keys["address_until"]))
    return max(0, math.ceil(until_ms / 1000 - now))


def _hold(storage, key: str, seconds: int, now: float, rules: Rules) -> None:
    if seconds <= 0:
        return
    until_ms = math.ceil((now + seconds) * 1000)
    if storage.get(key) >= until_ms:
        return
    storage.clear(key)
    storage.incr(key, max(rules.remember_seconds, seconds) + 1, amount=until_ms)


def record_failure(storage, rules: Rules, kind: str, subject: str, address: str, now: float) -> int:
    """Count a failed try; the seconds this address must now wait before its next try of `subject`."""
    keys = _keys(kind, subject, address)
    pair = storage.incr(keys["pair"], rules.remember_seconds)
    on_subject = storage.incr(keys["subject"], rules.remember_seconds)
    from_address = storage.incr(keys["address"], rules.remember_seconds)
    pair_wait = backoff(pair, rules.per_account, rules)
    if on_subject >= rules.per_account:  # under attack: every failing address waits from its first failure
        pair_wait = max(pair_wait, rules.backoff_seconds)
    _hold(storage, keys["pair_until"], pair_wait, now, rules)
    address_wait = backoff(from_address, rules.per_address, rules)
    _hold(storage, keys["address_until"], address_wait, now, rules)
    return max(pair_wait, address_wait)


def record_success(storage, kind: str, subject: str, address: str) -> None:
    """The right secret: this address's count and wait for `subject` start again."""
    keys = _keys(kind, subject, address)
    storage.clear(keys["pair"])
    storage.clear(keys["pair_until"])
