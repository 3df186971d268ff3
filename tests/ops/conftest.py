"""Fixtures of the operations tests: a real Redis server for the shared rate-limit storage."""

from __future__ import annotations

import os

import pytest
import redis

from tests.ops.redis_server import find_redis_server, private_redis


@pytest.fixture(scope="session")
def _redis_server(tmp_path_factory):
    executable = find_redis_server()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing; the shared rate-limit tests must run in CI")
        pytest.skip("redis-server is not installed (scripts/test.sh installs it)")
    with private_redis(executable, tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(_redis_server):
    """The URL of the tests' own Redis server, emptied after each test."""
    yield _redis_server
    redis.Redis.from_url(_redis_server).flushall()
