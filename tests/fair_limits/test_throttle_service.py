"""The fair-limit rules without Flask (app/services/login_throttle.py), on the `limits` library's
memory storage, the moment passed in."""

from __future__ import annotations

import pytest
from limits.storage import MemoryStorage

from app.services.login_throttle import Rules, backoff, record_failure, record_success, wait_seconds

RULES = Rules(per_account=3, per_address=10, remember_seconds=3600, backoff_seconds=30, backoff_max_seconds=600)
T0 = 1_795_000_000.0
ATTACKER, OWNER = "203.0.113.7", "198.51.100.4"


@pytest.fixture
def storage():
    return MemoryStorage()


def test_an_attacker_is_slowed_progressively(storage):
    now = T0
    waits = []
    for _ in range(7):
        assert wait_seconds(storage, "login", "olga@example.com", ATTACKER, now) == 0
        waits.append(record_failure(storage, RULES, "login", "olga@example.com", ATTACKER, now))
        now += waits[-1]  # tries again the moment it may
    assert waits == [0, 0, 30, 60, 120, 240, 480]
    # one more failure: the wait is capped
    assert record_failure(storage, RULES, "login", "olga@example.com", ATTACKER, now) == 600
    # while waiting it is refused, with the time left
    assert wait_seconds(storage, "login", "olga@example.com", ATTACKER, now + 100) == 500


def test_the_owner_is_not_locked_out_by_an_attacker(storage):
    for _ in range(6):
        record_failure(storage, RULES, "login", "olga@example.com", ATTACKER, T0)
    assert wait_seconds(storage, "login", "olga@example.com", ATTACKER, T0) > 0
    assert wait_seconds(storage, "login", "olga@example.com", OWNER, T0) == 0
    # under attack, a mistake from the owner's address costs a short wait, not a lockout
    assert record_failure(storage, RULES, "login", "olga@example.com", OWNER, T0) == 30
    assert wait_seconds(storage, "login", "olga@example.com", OWNER, T0 + 31) == 0


def test_many_addresses_against_one_account_get_one_guess_each(storage):
    for n in range(3):
        record_failure(storage, RULES, "login", "olga@example.com", f"10.0.0.{n}", T0)
    assert wait_seconds(storage, "login", "olga@example.com", "10.0.0.2", T0) == 30
    assert record_failure(storage, RULES, "login", "olga@example.com", "10.0.0.9", T0) == 30


def test_one_address_against_many_accounts_is_slowed(storage):
    waits = [record_failure(storage, RULES, "login", f"user{n}@example.com", ATTACKER, T0) for n in range(12)]
    assert waits[:9] == [0] * 9 and waits[9:] == [30, 60, 120]
    assert wait_seconds(storage, "login", "fresh@example.com", ATTACKER, T0) == 120
    assert wait_seconds(storage, "login", "fresh@example.com", OWNER, T0) == 0


def test_a_success_starts_the_count_again(storage):
    for _ in range(3):
        record_failure(storage, RULES, "login", "olga@example.com", OWNER, T0)
    record_success(storage, "login", "olga@example.com", OWNER)
    assert wait_seconds(storage, "login", "olga@example.com", OWNER, T0) == 0


def test_two_factor_codes_are_counted_apart_from_passwords(storage):
    for _ in range(3):
        record_failure(storage, RULES, "2fa", "42", ATTACKER, T0)
    assert wait_seconds(storage, "2fa", "42", ATTACKER, T0) == 30
    assert wait_seconds(storage, "login", "42", ATTACKER, T0) == 0
    with pytest.raises(ValueError):
        wait_seconds(storage, "sms", "42", ATTACKER, T0)


def test_backoff_doubles_from_the_first_failure_not_free():
    assert [backoff(n, 3, RULES) for n in range(1, 8)] == [0, 0, 30, 60, 120, 240, 480]
    assert backoff(100, 3, RULES) == 600
