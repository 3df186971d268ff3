"""A small IMAP client over imaplib, with a timeout on every socket operation: connect (SSL,
STARTTLS or plain), log in, list the folders, open a folder read-only (EXAMINE: nothing is marked
read), the UIDs above a given one, and fetch messages with BODY.PEEK (headers and the first bytes
of the text, or the whole message). Every failure is a MailError of one kind."""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.models.mail_account import SECURITY_PLAIN, SECURITY_SSL, SECURITY_STARTTLS

# what went wrong, and the form field it belongs to
ERROR_FIELDS = {
    "auth": "password",  # the server refused the user name / password
    "unreachable": "host",  # no such host, connection refused (then the port: see MailError.field), dropped
    "timeout": "host",  # the server did not answer in time
    "tls": "security",  # TLS handshake, certificate or STARTTLS failed
    "protocol": "host",  # the server answered something unexpected
    "folder": "inbox_folder",  # a chosen folder is not on the server any more
    "key": "password",  # the stored password cannot be decrypted with this server's key
    "internal": None,  # a fault of ours (logged)
}
ERROR_KINDS = tuple(ERROR_FIELDS)
SNIPPET_BYTES = 2048  # the text kept of a message when the user keeps no message text
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class MailError(Exception):
    """`kind` is one of ERROR_KINDS; `detail` is the server's or the library's words (never the
    password), for the log and the settings page."""

    def __init__(self, kind: str, detail: str = "", *, refused: bool = False):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail[:300]
        self.refused = refused  # the host answered and refused the connection: the port is wrong

    @property
    def field(self) -> str | None:
        return "port" if self.refused else ERROR_FIELDS.get(self.kind)


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str
    username: str
    password: str

    def __repr__(self) -> str:  # never the password, wherever an object is printed
        return f"Server({self.host!r}, {self.port}, {self.security!r}, {self.username!r})"


@dataclass(frozen=True)
class Fetched:
    uid: int
    data: bytes
    internal_date: datetime | None


def is_loopback(host: str) -> bool:
    return host.strip().lower().rstrip(".") in LOOPBACK_HOSTS


def _words(error: BaseException, password: str) -> str:
    args = getattr(error, "args", ())
    text = " ".join(a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in args) or repr(error)
    return text.replace(password, "***") if password else text


def _classify(error: BaseException, password: str, *, logging_in: bool = False) -> MailError:
    detail = _words(error, password)
    if isinstance(error, MailError):
        return error
    if isinstance(error, TimeoutError | socket.timeout):
        return MailError("timeout", detail)
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return MailError("tls", detail)
    if isinstance(error, ConnectionRefusedError):
        return MailError("unreachable", detail, refused=True)
    if isinstance(error, imaplib.IMAP4.abort | EOFError | OSError):
        return MailError("unreachable", detail)
    if isinstance(error, imaplib.IMAP4.error):
        return MailError("auth" if logging_in else "protocol", detail)
    return MailError("protocol", detail)


def folder_label(name: str) -> str:
    """A folder's name as people read it: IMAP names are in modified UTF-7 (RFC 3501 5.1.3), e.g.
    "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-" for "Отправленные"; a name that does not decode stays as it is."""
    out, i = [], 0
    while i < len(name):
        if name[i] != "&":
            out.append(name[i])
            i += 1
            continue
        end = name.find("-", i)
        if end == -1:
            return name
        chunk = name[i + 1 : end]
        if not chunk:
            out.append("&")
        else:
            encoded = chunk.replace(",", "/")
            try:
                out.append(base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-16-be"))
            except (ValueError, UnicodeDecodeError):
                return name
        i = end + 1
    return "".join(out)


def quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.*)$')


def parse_list(lines: Iterable) -> list[tuple[str, set[str]]]:
    """(name, flags) of each LIST answer line; \\Noselect folders are left out."""
    folders = []
    for line in lines:
        if isinstance(line, tuple):  # the name came as a literal
            head, literal = line
            match = _LIST_LINE.match(head.rstrip() + b" x")
            name = literal.decode("utf-8", "replace")
        else:
            match = _LIST_LINE.match(line or b"")
            if match is None:
                continue
            raw = match.group("name").decode("utf-8", "replace")
            name = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\") if raw.startswith('"') else raw
        if match is None:
            continue
        flags = {f.lower() for f in match.group("flags").decode("ascii", "replace").split()}
        if "\\noselect" in flags or "\\nonexistent" in flags:
            continue
        folders.append((name, flags))
    return folders


_MESSAGE_START = re.compile(rb"^\s*\d+ \(")
_UID = re.compile(rb"UID (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_SECTION = re.compile(rb"BODY\[([A-Z]*)\](?:<\d+>)? \{\d+\}\s*$")


def _internal_date(value: bytes) -> datetime | None:
    try:
        return datetime.strptime(value.decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z").astimezone(UTC)
    except ValueError:
        return None


def parse_fetch(data: list) -> list[Fetched]:
    """The messages of a UID FETCH answer (UID, INTERNALDATE and BODY[...] literals, in any order)."""
    messages: list[dict] = []
    for item in data:
        head, literal = item if isinstance(item, tuple) else (item or b"", None)
        if _MESSAGE_START.match(head) or not messages:
            messages.append({"meta": b"", "parts": {}})
        current = messages[-1]
        current["meta"] += b" " + head
        if literal is not None:
            section = _SECTION.search(head)
            current["parts"][section.group(1) if section else b""] = literal
    fetched = []
    for message in messages:
        uid = _UID.search(message["meta"])
        if uid is None:
            continue
        parts = message["parts"]
        if b"" in parts:  # BODY[]: the whole message
            data_ = parts[b""]
        else:
            header = parts.get(b"HEADER", b"")
            data_ = header + parts.get(b"TEXT", b"")
        date = _INTERNALDATE.search(message["meta"])
        fetched.append(Fetched(int(uid.group(1)), data_, _internal_date(date.group(1)) if date else None))
    return fetched


class Connection:
    """An open, logged-in IMAP session: use as a context manager (`with connect(server) as c:`)."""

    def __init__(self, imap: imaplib.IMAP4, password: str):
        self.imap = imap
        self._password = password

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.imap.logout()
        except Exception:  # a connection already gone has nothing left to close but its socket
            with contextlib.suppress(Exception):
                self.imap.shutdown()

    def _call(self, function, *args):
        try:
            status, data = function(*args)
        except Exception as error:
            raise _classify(error, self._password) from None
        if status != "OK":
            raise MailError("protocol", _words(Exception(*data), self._password))
        return data

    def folders(self) -> list[tuple[str, set[str]]]:
        return parse_list(self._call(self.imap.list))

    def examine(self, folder: str) -> int:
        """Open `folder` read-only; its UIDVALIDITY."""
        try:
            status, data = self.imap.select(quote(folder), readonly=True)
        except Exception as error:
            raise _classify(error, self._password) from None
        if status != "OK":
            raise MailError("folder", f"{folder}: {_words(Exception(*data), self._password)}")
        _, values = self.imap.response("UIDVALIDITY")
        try:
            return int(values[-1])
        except (TypeError, ValueError, IndexError):
            raise MailError("protocol", f"{folder}: no UIDVALIDITY") from None

    def uids_after(self, last_uid: int) -> list[int]:
        data = self._call(self.imap.uid, "SEARCH", "UID", f"{last_uid + 1}:*")
        uids = sorted({int(u) for u in b" ".join(d for d in data if d).split()})
        return [u for u in uids if u > last_uid]  # "n:*" answers the highest UID even when below n

    def fetch(self, uids: list[int], *, whole: bool) -> list[Fetched]:
        """Never marks a message read (BODY.PEEK); the headers and the first SNIPPET_BYTES of the
        text, or the whole message when `whole`."""
        body = "BODY.PEEK[]" if whole else f"BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.{SNIPPET_BYTES}>"
        data = self._call(self.imap.uid, "FETCH", ",".join(map(str, uids)), f"(UID INTERNALDATE {body})")
        wanted = set(uids)
        return sorted((m for m in parse_fetch(data) if m.uid in wanted), key=lambda m: m.uid)


def connect(server: Server, *, timeout: float, context: ssl.SSLContext | None = None) -> Connection:
    """Connect and log in; a MailError of the right kind when that fails."""
    context = context or ssl.create_default_context()
    try:
        if server.security == SECURITY_SSL:
            imap = imaplib.IMAP4_SSL(server.host, server.port, ssl_context=context, timeout=timeout)
        else:
            imap = imaplib.IMAP4(server.host, server.port, timeout=timeout)
    except Exception as error:
        raise _classify(error, server.password) from None
    try:
        if server.security == SECURITY_STARTTLS:
            try:
                imap.starttls(ssl_context=context)
            except imaplib.IMAP4.abort as error:
                raise _classify(error, server.password) from None
            except imaplib.IMAP4.error as error:  # no STARTTLS offered, or refused
                raise MailError("tls", _words(error, server.password)) from None
            except Exception as error:
                raise _classify(error, server.password) from None
        elif server.security != SECURITY_PLAIN and server.security != SECURITY_SSL:
            raise MailError("tls", f"unknown security {server.security!r}")
        try:
            imap.login(server.username, server.password)
        except Exception as error:
            raise _classify(error, server.password, logging_in=True) from None
    except MailError:
        Connection(imap, server.password).close()
        raise
    return Connection(imap, server.password)
