"""Rate limits with several workers: each worker is a process of its own (tests/ops/worker.py), the
way gunicorn runs them. With RATELIMIT_STORAGE_URI pointing at one Redis, the workers count one login
limit together; with the in-memory store each worker counts alone, so N workers allow N times the
limit (why production refuses memory:// with more than one worker, see test_production_checks.py)."""

from __future__ import annotations

import pytest
import redis

from app.extensions import db
from app.services import accounts
from tests.conftest import PASSWORD, app_on_empty_database
from tests.ops.worker import post_form, workers

EMAIL = "shared@example.com"


@pytest.fixture
def worker_settings(tmp_path):
    """Settings for workers on one database (of this test's own) holding one user."""
    with app_on_empty_database(tmp_path, "workers", own=True) as app:
        accounts.register_user(
            db.session,
            name="Shared",
            email=EMAIL,
            password=PASSWORD,
            workspace_name="Shared",
            hash_method=app.config["PASSWORD_HASH_METHOD"],
        )
        db.session.commit()
        db.session.remove()
        yield {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_IP": "100 per hour",
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per hour",
        }


def _bad_login(port):
    return post_form(port, "/login", {"email": EMAIL, "password": "not the password"})


def _good_login(port):
    return post_form(port, "/login", {"email": EMAIL, "password": PASSWORD})


def test_workers_sharing_redis_count_one_login_limit(worker_settings, redis_url):
    with workers(2, {**worker_settings, "RATELIMIT_STORAGE_URI": redis_url}) as (first, second):
        assert [_bad_login(first), _bad_login(second), _bad_login(first)] == [422, 422, 422]
        # the account has used its three attempts, whichever worker takes the next one
        assert _bad_login(second) == 429
        assert _good_login(second) == 429
        assert _good_login(first) == 429
    # the counts live in Redis, under the account's key
    assert any(b"login:shared@example.com" in key for key in redis.Redis.from_url(redis_url).scan_iter())


def test_workers_with_memory_storage_count_alone(worker_settings):
    with workers(2, {**worker_settings, "RATELIMIT_STORAGE_URI": "memory://"}) as (first, second):
        assert [_bad_login(first), _bad_login(first), _bad_login(first)] == [422, 422, 422]
        assert _bad_login(first) == 429
        # the other worker has counted none of them: more guesses, then the right password gets in
        assert [_bad_login(second), _bad_login(second)] == [422, 422]
        assert _good_login(second) == 302
