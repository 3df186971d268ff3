"""Production refuses to start with rate limits in each process's memory while more than one worker
is configured (WEB_CONCURRENCY, gunicorn's worker count, or ORCHARD_WORKERS for the whole site)."""

from __future__ import annotations

import pytest

from app import create_app
from app.extensions import limiter
from config import ProductionConfig

SECRET = "a-long-random-value-for-the-tests-only"


@pytest.mark.parametrize(
    "environ",
    [
        {"WEB_CONCURRENCY": "3"},
        {"ORCHARD_WORKERS": "2"},
        {"WEB_CONCURRENCY": "4", "ORCHARD_WORKERS": "1"},
        {"WEB_CONCURRENCY": "2", "RATELIMIT_STORAGE_URI": "memory://"},
        {"WEB_CONCURRENCY": "2", "RATELIMIT_STORAGE_URI": " "},
    ],
)
def test_several_workers_with_memory_storage_are_refused(environ):
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI to a shared store"):
        ProductionConfig.validate({"SECRET_KEY": SECRET, **environ})


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"WEB_CONCURRENCY": "1"},
        {"ORCHARD_WORKERS": "1", "RATELIMIT_STORAGE_URI": "memory://"},
        {"WEB_CONCURRENCY": "3", "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379"},
        {"ORCHARD_WORKERS": "6", "RATELIMIT_STORAGE_URI": "rediss://:secret@redis.internal:6380/1"},
    ],
)
def test_one_worker_or_a_shared_store_is_accepted(environ):
    ProductionConfig.validate({"SECRET_KEY": SECRET, **environ})


def test_a_worker_count_that_is_not_a_number_is_refused():
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY must be a whole number"):
        ProductionConfig.validate({"SECRET_KEY": SECRET, "WEB_CONCURRENCY": "three"})


def test_create_app_refuses_several_workers_on_memory(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("ORCHARD_WORKERS", raising=False)
    with pytest.raises(RuntimeError, match="3 workers are configured"):
        create_app(ProductionConfig)


def test_production_app_starts_on_redis_with_several_workers(monkeypatch, redis_url):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", redis_url)  # what validate() reads
    # the config class read the environment when it was imported, so the app gets the URL as well
    app = create_app(ProductionConfig, RATELIMIT_STORAGE_URI=redis_url, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    assert type(limiter.storage).__name__ == "RedisStorage" and limiter.storage.check()
