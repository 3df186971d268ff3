"""The values the mail import and the mailbox sync hand to `record_messages` and get back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RawMessage:
    data: bytes  # the whole message as received (RFC 5322 bytes), or its headers + the start of its text
    internal_date: datetime | None = None  # the server's INTERNALDATE (IMAP) or the mbox "From " line, UTC


@dataclass
class Outcome:
    seen: int = 0  # messages read
    logged: int = 0  # interactions created
    duplicates: int = 0  # already logged (same Message-ID), by this user or a teammate
    skipped: int = 0  # no contact involved, internal mail, ignore list, a thread that is "not a touch"
    suggested: int = 0  # new "new contact?" suggestions
    failed: int = 0  # could not be read at all

    def add(self, other: Outcome) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
