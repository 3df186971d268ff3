"""Reading one message: addresses, subject, date, thread, a plain-text snippet.

The standard library's `email` package with policy.default does the work (encoded words, MIME,
multipart), with each header value parsed once (`_POLICY`: the body's search asks a part's
Content-Type a dozen times, and policy.default parses it again at each ask). Real-world mail adds what it does not: raw 8-bit headers or parts in an undeclared
charset (KOI8-R, cp1251 …) are decoded by charset-normalizer's guess; HTML-only messages become
text; a missing or absurd Date falls back to the server's internal date. A message that is only
headers and the start of its text (a mailbox sync's cheap fetch) reads the same way.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage as StdMessage
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

from charset_normalizer import from_bytes

SNIPPET_CHARS = 280
BODY_CHARS = 200_000  # kept text of one message, at most
SUBJECT_CHARS = 500
EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)  # a Date before this is a broken clock
FUTURE_SLACK = timedelta(days=1)
_MSGID = re.compile(r"<([^<>\s]+)>")
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)
_BLOCK = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", re.I)


_CACHED_CHARS = 2000


class _ParsedOnce(HeaderRegistry):
    """policy.default's header objects, each (name, value) parsed once: they are immutable strings
    with their parsed parts, and the same Content-Type of a part (and of most messages) would
    otherwise be parsed again at every `get_content_type()` — 6 times a message, 30 % of its time."""

    def __call__(self, name, value):
        if len(value) > _CACHED_CHARS:  # a long one is parsed each time: the cache stays small
            return super().__call__(name, value)
        return self._parsed(name, value)

    @lru_cache(maxsize=512)  # noqa: B019 — one instance for the module's lifetime
    def _parsed(self, name, value):
        return super().__call__(name, value)


_POLICY = policy.default.clone(header_factory=_ParsedOnce())


@dataclass
class Parsed:
    message_key: str
    thread_keys: list[str]  # own key first, then the keys of the messages it answers / refers to
    sender: list[tuple[str, str]]  # (display name, address) of From
    recipients: list[tuple[str, str]]  # To, then Cc
    subject: str
    occurred_at: datetime
    snippet: str
    body: str | None
    bulk: bool = False  # a list or bulk mailing (List-Id, List-Unsubscribe, Precedence: bulk)
    extra: dict = field(default_factory=dict)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_WORD = re.compile(r"[^\W\d_]+")
SHORT_GUESS = ("cp1251", "koi8_r", "cp1252")  # the undeclared 8-bit charsets of real mail, most common first


def _plausible(text: str) -> float:
    """How much a short text looks like words: letters in one case or capitalised count for it,
    mixed case inside a word and words made only of accented Latin letters count against it."""
    score = 0.0
    for word in _WORD.findall(text):
        if word.islower() or word.istitle() or word.isupper():
            score += len(word)
        else:
            score -= len(word)
        accented = sum(1 for ch in word if "\u00c0" <= ch <= "\u024f")
        cyrillic = sum(1 for ch in word if "\u0400" <= ch <= "\u04ff")
        if accented * 2 > len(word) or 0 < cyrillic < len(word):
            score -= 2 * len(word)
    return score


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Bytes of text in the declared charset, else UTF-8, else a guess: charset-normalizer for a
    text long enough to judge, a word-shape test among the common 8-bit charsets for a short one."""
    for charset in (declared, "utf-8"):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    if len(data) >= 400:
        guess = from_bytes(data).best()
        if guess is not None:
            return str(guess)
    candidates = [data.decode(charset, "replace") for charset in SHORT_GUESS]
    return max(candidates, key=_plausible)


def _raw_header(message: StdMessage, name: str) -> str:
    """A header's text from its raw form: encoded words decoded (any charset Python knows), raw
    8-bit bytes (an undeclared charset) decoded by guess; several headers of one name joined."""
    out = []
    for key, value in message.raw_items():
        if key.lower() != name:
            continue
        text = str(value)
        if any("\udc80" <= ch <= "\udcff" for ch in text):
            out.append(decode_bytes(text.encode("ascii", "surrogateescape")))
            continue
        try:
            out.append(str(make_header(decode_header(text))))
        except (UnicodeDecodeError, LookupError, ValueError, re.error):
            out.append(text)
    return ", ".join(out)


def _addresses(message: StdMessage, *names: str) -> list[tuple[str, str]]:
    found = []
    for name in names:
        text = _raw_header(message, name)
        if not text:
            continue
        for display, address in getaddresses([text]):
            address = address.strip().strip("<>").lower()
            if "@" in address:
                found.append((display.strip(), address))
    return found


def _message_ids(text: str) -> list[str]:
    return [m.strip().lower() for m in _MSGID.findall(text or "")]


def _when(message: StdMessage, internal_date: datetime | None, now: datetime) -> datetime:
    fallback = internal_date or now
    try:
        value = parsedate_to_datetime(_raw_header(message, "date"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return fallback
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return fallback
    if value < EARLIEST or value > now + FUTURE_SLACK:
        return fallback
    return value


def html_to_text(markup: str) -> str:
    text = _BLOCK.sub("\n", markup)
    text = _TAGS.sub(" ", text)
    return html.unescape(text)


def _part_text(part) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    if isinstance(payload, str):
        return payload
    return decode_bytes(payload, part.get_content_charset())


def _text(message: StdMessage) -> str:
    """The message's readable text: its text/plain body, else its HTML made text, else ''."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError, ValueError, AttributeError, TypeError):
        body = None
    if body is None:
        if message.get_content_maintype() == "text" and not message.is_multipart():
            body = message
        else:
            return ""
    try:
        text = _part_text(body)
    except (LookupError, ValueError, AssertionError, TypeError):
        return ""
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return text


def _snippet(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(">")]
    flat = _SPACES.sub(" ", " ".join(lines)).strip()
    return flat[:SNIPPET_CHARS]


def parse(data: bytes, *, internal_date: datetime | None, now: datetime) -> Parsed:
    """One message's facts; raises ValueError for bytes that are no message at all."""
    if not data or not data.strip():
        raise ValueError("empty message")
    message = message_from_bytes(data, policy=_POLICY)
    sender = _addresses(message, "from")
    recipients = _addresses(message, "to", "cc")
    if not sender and not recipients:
        raise ValueError("no addresses")
    subject = _SPACES.sub(" ", _raw_header(message, "subject")).strip()[:SUBJECT_CHARS]
    occurred_at = _when(message, internal_date, now)
    own = _message_ids(_raw_header(message, "message-id"))
    if own:
        message_key = _key(own[0])
    else:  # no Message-ID: the same headers make the same key in an import and a sync
        parts = [_raw_header(message, n) for n in ("from", "to", "cc", "date", "subject")]
        message_key = _key("\n".join(parts))
    related = _message_ids(_raw_header(message, "references")) + _message_ids(_raw_header(message, "in-reply-to"))
    thread_keys = [message_key] + [_key(m) for m in dict.fromkeys(related)]
    text = _text(message)
    bulk = bool(
        message.get("list-id")
        or message.get("list-unsubscribe")
        or str(message.get("precedence", "")).strip().lower() in ("bulk", "list", "junk")
    )
    return Parsed(
        message_key=message_key,
        thread_keys=thread_keys,
        sender=sender,
        recipients=recipients,
        subject=subject,
        occurred_at=occurred_at,
        snippet=_snippet(text),
        body=text[:BODY_CHARS] or None,
        bulk=bulk,
    )
