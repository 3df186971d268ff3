"""SSRF: endpoint URLs must point at public addresses (every resolved address), https when required."""

from __future__ import annotations

import socket

import pytest

from app.services import ServiceError
from app.services.webhooks import ssrf
from app.services.webhooks.ssrf import check_url


def _refused(url, *, allow_loopback=False, require_https=False) -> str:
    with pytest.raises(ServiceError) as refused:
        check_url(url, allow_loopback=allow_loopback, require_https=require_https)
    assert refused.value.field == "url"
    return refused.value.message


@pytest.fixture
def dns(monkeypatch):
    """Host names answer with the addresses given, without asking a real resolver."""
    answers: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            raise socket.gaierror("unknown host")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers[host]
        ]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::1",
        "127.0.0.1",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_refused(dns, address):
    dns["hooks.example.com"] = [address]
    assert "private or reserved" in _refused("http://hooks.example.com/in")


def test_one_private_address_among_public_ones_is_enough_to_refuse(dns):
    dns["mixed.example.com"] = ["93.184.216.34", "10.0.0.5"]
    assert "10.0.0.5" in _refused("https://mixed.example.com/")


def test_a_public_address_is_accepted_and_returned(dns):
    dns["hooks.example.com"] = ["93.184.216.34"]
    assert check_url("https://hooks.example.com/in", allow_loopback=False, require_https=True) == ["93.184.216.34"]


def test_a_host_name_that_resolves_to_loopback_is_refused_unless_allowed():
    assert "127.0.0.1" in _refused("http://localhost:8080/hook") or "::1" in _refused("http://localhost:8080/hook")
    assert "127.0.0.1" in check_url("http://localhost:8080/hook", allow_loopback=True, require_https=False)


def test_loopback_allowed_still_refuses_private_addresses(dns):
    dns["lan.example.com"] = ["192.168.0.10"]
    _refused("http://lan.example.com/", allow_loopback=True)


def test_https_is_required_when_asked(dns):
    dns["hooks.example.com"] = ["93.184.216.34"]
    assert _refused("http://hooks.example.com/", require_https=True) == "The URL must start with https://."


@pytest.mark.parametrize(
    "url", ["", "hooks.example.com", "ftp://hooks.example.com/", "https://", "http://[::1", "https://h:99999/"]
)
def test_malformed_urls_get_a_clear_message(url):
    assert _refused(url).startswith("Enter a valid URL")


def test_credentials_in_the_url_are_refused(dns):
    dns["hooks.example.com"] = ["93.184.216.34"]
    assert "user name or password" in _refused("https://user:pw@hooks.example.com/")


def test_an_unknown_host_is_refused(dns):
    assert "could not be resolved" in _refused("https://nowhere.example.com/")
