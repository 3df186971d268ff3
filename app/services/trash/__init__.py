"""The Trash: deleted contacts, interactions and reminders, restorable for TRASH_DAYS, then purged.
Free of Flask.

entries.py    putting an item in the Trash when it is deleted, and dropping its entry when it comes back
listing.py    the Trash page: one page of entries, newest first
restoring.py  restore one item, empty the Trash, purge what is older than TRASH_DAYS
"""

from app.services.trash.entries import TRASH_DAYS, discard, put
from app.services.trash.listing import TrashItem, trash_page
from app.services.trash.restoring import NotInTrash, Restored, empty_trash, purge_trash, restore

__all__ = [
    "TRASH_DAYS",
    "NotInTrash",
    "Restored",
    "TrashItem",
    "discard",
    "empty_trash",
    "purge_trash",
    "put",
    "restore",
    "trash_page",
]
