"""Email that logs itself: messages from a mail export or a synced mailbox become email interactions.

The interface the import (upload, `flask mail import`) and the mailbox sync (IMAP) share:
`record_messages(session, workspace_id=, user_id=, messages=, now=)` takes `RawMessage`s, logs
each one that involves a contact of the workspace as an email touch on that contact's partner, and
answers an `Outcome` with what happened to them.

The parts: parsing.py (one message's facts), mbox.py (streaming an mbox, .eml files, upload
checks), matching.py (contacts, members, ignore list, suggestions), recording.py (the
interactions, de-duplicated by Message-ID), ignore.py (the ignore list), threads.py ("not a
touch"), suggestions.py ("new contact?": add or dismiss), importing.py (a file's import).
"""

from app.services.mail_log.recording import record_messages
from app.services.mail_log.types import Outcome, RawMessage

__all__ = ["Outcome", "RawMessage", "record_messages"]
