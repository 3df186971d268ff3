"""ProxyFix: with PROXY_FIX_X_FOR=1 the address the proxy puts in X-Forwarded-For is the client's
address (the per-address login limit counts it); with 0 (the default) the header is ignored, since
any client can send one, and every request counts against the address it came from."""

from __future__ import annotations

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import limiter
from tests.conftest import app_on_empty_database

PROXY = "10.0.0.2"


@pytest.fixture
def limited(tmp_path):
    """An app with the login limits on (2 tries per address), ProxyFix hops as given."""

    def build(**hops):
        return app_on_empty_database(
            tmp_path,
            "proxy",
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            LOGIN_LIMIT_PER_IP="2 per hour",
            LOGIN_LIMIT_PER_ACCOUNT="100 per hour",
            **hops,
        )

    yield build
    limiter.reset()


def _bad_login(client, forwarded_for):
    return client.post(
        "/login",
        data={"email": "nobody@example.com", "password": "not the password"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    ).status_code


def test_one_hop_limits_the_forwarded_client(limited):
    with limited(PROXY_FIX_X_FOR=1) as app:
        assert isinstance(app.wsgi_app, ProxyFix)
        client = app.test_client()
        assert [_bad_login(client, "203.0.113.7"), _bad_login(client, "203.0.113.7")] == [422, 422]
        assert _bad_login(client, "203.0.113.7") == 429
        # another client behind the same proxy has its own count
        assert _bad_login(client, "198.51.100.4") == 422
        # only the hop the proxy added counts: a forged address in front of it changes nothing
        assert _bad_login(client, "192.0.2.99, 203.0.113.7") == 429


def test_no_hops_ignores_the_header(limited):
    with limited() as app:
        assert not isinstance(app.wsgi_app, ProxyFix)
        client = app.test_client()
        assert [_bad_login(client, "203.0.113.7"), _bad_login(client, "198.51.100.4")] == [422, 422]
        # both counted against the address the requests came from
        assert _bad_login(client, "192.0.2.1") == 429
