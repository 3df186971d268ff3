"""Reading a mail export without holding it in memory: an mbox is read line by line and handed on
one message at a time (a multi-GB file costs one message's worth of memory); .eml files are one
message each. Also the checks an upload gets before it is accepted (is it mail at all?)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from app.services.mail_log.types import RawMessage

# A message bigger than this is counted as failed and not kept in memory (attachments of 20 MB are
# normal; a single "message" of hundreds of MB is a broken file).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_FROM_LINE = re.compile(rb"^From \S*\s+(.*?)\s*$")
_QUOTED_FROM = re.compile(rb"^>+From ")
_HEADER = re.compile(rb"^[!-9;-~]+:")
_MAIL_HEADERS = (b"from:", b"to:", b"date:", b"message-id:", b"subject:", b"received:", b"return-path:")
SNIFF_BYTES = 64 * 1024


class NotMail(ValueError):
    """The file is not an mbox / a message (the upload says so next to the field)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "empty", "binary", "not_mbox", "not_eml"


def _from_line_date(line: bytes) -> datetime | None:
    """The date of an mbox "From " separator line ("From someone Tue Jan  5 10:00:00 2021"), UTC."""
    match = _FROM_LINE.match(line.rstrip(b"\r\n"))
    if not match:
        return None
    text = match.group(1).decode("ascii", "replace")
    parts = text.split()
    for size in (5, 6):  # "Tue Jan 5 10:00:00 2021" (+ an optional zone)
        try:
            return datetime.strptime(" ".join(parts[-size:][:5]), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


LINE_LIMIT = 1024 * 1024  # a "line" longer than this (binary junk) is read in pieces


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    while line := stream.readline(LINE_LIMIT):
        yield line


def read_mbox(stream: BinaryIO, *, max_message_bytes: int = MAX_MESSAGE_BYTES) -> Iterator[RawMessage | None]:
    """The messages of an mbox, in order; None for one too big to read (counted as failed). Lines
    quoted as ">From " (mboxrd / mboxo) are unquoted."""
    lines: list[bytes] = []
    size = 0
    too_big = False
    internal_date = None
    started = False
    previous_blank = True
    for line in _lines(stream):
        if line.startswith(b"From ") and previous_blank:
            if started:
                yield None if too_big else RawMessage(b"".join(_strip_last_blank(lines)), internal_date)
            started = True
            lines, size, too_big = [], 0, False
            internal_date = _from_line_date(line)
            previous_blank = False
            continue
        previous_blank = line in (b"\n", b"\r\n")
        if not started:
            continue
        if too_big:
            continue
        if _QUOTED_FROM.match(line):
            line = line[1:]
        size += len(line)
        if size > max_message_bytes:
            too_big, lines = True, []
            continue
        lines.append(line)
    if started:
        yield None if too_big else RawMessage(b"".join(_strip_last_blank(lines)), internal_date)


def _strip_last_blank(lines: list[bytes]) -> list[bytes]:
    if lines and lines[-1] in (b"\n", b"\r\n"):
        return lines[:-1]
    return lines


def count_messages(stream: BinaryIO) -> int:
    """How many messages an mbox holds (for the progress bar), read in a streaming pass."""
    count = 0
    previous_blank = True
    for line in _lines(stream):
        if line.startswith(b"From ") and previous_blank:
            count += 1
        previous_blank = line in (b"\n", b"\r\n")
    return count


def _binary(head: bytes) -> bool:
    return b"\x00" in head


def check_mbox(head: bytes) -> None:
    """Refuse what is not an mbox by its first bytes: empty, binary, or not starting with a
    "From " separator followed by mail headers."""
    if not head.strip():
        raise NotMail("empty")
    if _binary(head):
        raise NotMail("binary")
    text = head.lstrip(b"\r\n")
    if not text.startswith(b"From "):
        raise NotMail("not_mbox")
    first_lines = text.split(b"\n")[1:20]
    if not any(line.lower().startswith(_MAIL_HEADERS) for line in first_lines):
        raise NotMail("not_mbox")


def check_eml(head: bytes) -> None:
    """Refuse what is not one message: empty, binary, or not starting with mail headers."""
    if not head.strip():
        raise NotMail("empty")
    if _binary(head):
        raise NotMail("binary")
    lines = head.lstrip(b"\r\n").split(b"\n")
    if lines and lines[0].startswith(b"From "):  # some programs save the mbox separator too
        lines = lines[1:]
    if not lines or not _HEADER.match(lines[0]):
        raise NotMail("not_eml")
    if not any(line.lower().startswith(_MAIL_HEADERS) for line in lines[:60]):
        raise NotMail("not_eml")


def read_eml(stream: BinaryIO, *, max_message_bytes: int = MAX_MESSAGE_BYTES) -> RawMessage | None:
    """One .eml file as a message (None when it is too big to read)."""
    data = stream.read(max_message_bytes + 1)
    if len(data) > max_message_bytes:
        return None
    if data.startswith(b"From "):
        internal_date = _from_line_date(data.split(b"\n", 1)[0])
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
        return RawMessage(data, internal_date)
    return RawMessage(data, None)
