"""The fair limits live in the shared store: two workers (processes of their own, as gunicorn runs
them) on one Redis count one attacker's failures together, and public token guesses too (observed:
statement-token guesses were not limited across workers)."""

from __future__ import annotations

import http.client

import pytest
import redis

from app.extensions import db
from app.services import accounts
from tests.conftest import PASSWORD, app_on_empty_database
from tests.ops.conftest import _redis_server, redis_url  # noqa: F401  (the private Redis fixtures)
from tests.ops.worker import post_form, workers

EMAIL = "shared@example.com"


@pytest.fixture
def worker_settings(tmp_path):
    with app_on_empty_database(tmp_path, "fairworkers", own=True) as app:
        accounts.register_user(
            db.session, name="Shared", email=EMAIL, password=PASSWORD, hash_method=app.config["PASSWORD_HASH_METHOD"]
        )
        db.session.commit()
        db.session.remove()
        yield {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_ACCOUNT": "2 per hour",
            "TOKEN_LIMIT_PER_IP": "3 per minute",
        }


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_workers_count_one_attacker_together(worker_settings, redis_url):  # noqa: F811
    with workers(2, {**worker_settings, "RATELIMIT_STORAGE_URI": redis_url}) as (first, second):
        bad = {"email": EMAIL, "password": "a guess"}
        assert [post_form(first, "/login", bad), post_form(second, "/login", bad)] == [422, 422]
        # two failures free, counted across both workers: the next try waits, on either
        assert post_form(first, "/login", bad) == 429
        assert post_form(second, "/login", {"email": EMAIL, "password": PASSWORD}) == 429
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).scan_iter()]
    assert any(f"login:{EMAIL}:127.0.0.1" in key for key in keys)
    assert any("login-wait:" in key for key in keys)


def test_statement_token_guesses_are_counted_across_workers(worker_settings, redis_url):  # noqa: F811
    with workers(2, {**worker_settings, "RATELIMIT_STORAGE_URI": redis_url}) as (first, second):
        answers = [_get(port, f"/statement/guess{n}") for n, port in enumerate([first, second, first, second])]
        assert answers == [404, 404, 404, 429]
        assert _get(first, "/invite/guess") == 404  # each token route has its own count
