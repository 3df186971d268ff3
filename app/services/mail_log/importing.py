"""Importing a mail export: an mbox (streamed, one message in memory at a time) or .eml files,
each message handed to `record_messages`. Progress is reported every hundred messages
(the job commits there, so a retry after a crash continues: what was logged is a duplicate)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.mail_log.mbox import count_messages, read_eml, read_mbox
from app.services.mail_log.recording import record_messages
from app.services.mail_log.types import Outcome, RawMessage

FORMATS = ("mbox", "eml")


def count(paths: list[Path], file_format: str) -> int:
    """How many messages the files hold (a streaming pass over an mbox; one per .eml file)."""
    if file_format == "eml":
        return len(paths)
    total = 0
    for path in paths:
        with path.open("rb") as stream:
            total += count_messages(stream)
    return total


def _messages(paths: list[Path], file_format: str) -> Iterator[RawMessage | None]:
    for path in paths:
        with path.open("rb") as stream:
            if file_format == "eml":
                yield read_eml(stream)
            else:
                yield from read_mbox(stream)


def import_files(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    paths: list[Path],
    file_format: str,
    now: datetime,
    progress: Callable[[Outcome], None] | None = None,
    keep_body: bool = False,
) -> Outcome:
    """Log the messages of the files; `progress(outcome)` after every hundred messages (it may
    commit) and at the end."""
    return record_messages(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        messages=_messages(paths, file_format),
        now=now,
        progress=progress,
        keep_body=keep_body,
    )
