"""Account enumeration by timing (observed: a wrong password for a known email took 180 ms, an unknown
email 14 ms: the dummy hash was pbkdf2 with 1,000 rounds while real ones are scrypt). With the real
scrypt method configured, both answers take about as long: the median ratio is within a factor of 2."""

from __future__ import annotations

import statistics
import time

from app.extensions import db
from app.services import accounts
from tests.conftest import app_on_empty_database

ATTEMPTS = 7


def _median_seconds(client, email):
    times = []
    for _ in range(ATTEMPTS):
        started = time.perf_counter()
        response = client.post("/login", data={"email": email, "password": "not the password"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 422
    return statistics.median(times)


def test_unknown_and_known_emails_take_as_long(tmp_path):
    with app_on_empty_database(tmp_path, "timing", PASSWORD_HASH_METHOD="scrypt") as app:
        accounts.register_user(
            db.session, name="Known", email="known@example.com", password="the right password", hash_method="scrypt"
        )
        db.session.commit()
        client = app.test_client()
        _median_seconds(client, "warm@example.com")  # first requests build caches: not measured
        known = _median_seconds(client, "known@example.com")
        unknown = _median_seconds(client, "unknown@example.com")
        ratio = max(known, unknown) / min(known, unknown)
        assert ratio < 2, f"known {known * 1000:.0f} ms, unknown {unknown * 1000:.0f} ms"
