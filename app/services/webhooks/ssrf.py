"""No server-side request forgery: an endpoint URL must point at a public address.

Checked when the URL is saved and again at every delivery, after resolving the host name: every
address it resolves to must be public (not private, loopback, link-local, multicast, reserved or
unspecified), and the delivery connects to the checked address itself (so a DNS answer that changes
between the check and the connection cannot send it elsewhere).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from app.services import ServiceError

FIELD = "url"


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return not allow_loopback
    return (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    addresses: list[str] = []
    for info in infos:
        address = info[4][0].split("%")[0]
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_url(url: str, *, allow_loopback: bool, require_https: bool) -> list[str]:
    """The addresses `url` may be delivered to (ServiceError on the `url` field otherwise)."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise ServiceError("Enter a valid URL.", FIELD) from None
    allowed = ("https",) if require_https else ("http", "https")
    if parts.scheme not in allowed or not parts.hostname:
        if parts.scheme == "http" and require_https:
            raise ServiceError("The URL must start with https://.", FIELD)
        raise ServiceError("Enter a valid URL starting with https://.", FIELD)
    if parts.username or parts.password:
        raise ServiceError("The URL must not contain a user name or password.", FIELD)
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise ServiceError("The host name %(host)s could not be resolved.", FIELD, host=parts.hostname)
    for address in addresses:
        if _refused(ipaddress.ip_address(address), allow_loopback=allow_loopback):
            raise ServiceError(
                "The URL points to a private or reserved address (%(address)s); use a public one.",
                FIELD,
                address=address,
            )
    return addresses
