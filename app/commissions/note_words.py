"""A commission entry's note in the reader's language (the row keeps the ledger's codes:
app/services/commissions/notes.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from app.deals.forms import STAGE_LABELS
from app.formatting import fmt_decimal, fmt_money
from app.services.commissions import notes


def _event(event: notes.Event) -> str:
    if event.words is not None:
        return event.words
    if event.deal_was is not None:
        what = _(
            "deal amount changed from %(was)s to %(now)s",
            was=fmt_money(*event.deal_was),
            now=fmt_money(*event.deal_now),
        )
    elif event.stage is None:
        what = _("deal won")
    else:
        what = _("deal moved to %(stage)s", stage=str(STAGE_LABELS.get(event.stage, event.stage)).lower())
    if event.old is None:
        return what
    return _("%(what)s: %(old)s → %(new)s", what=what, old=fmt_decimal(event.old, 2), new=fmt_decimal(event.new, 2))


def commission_note(note: str | None) -> str:
    """The note's events, oldest first, as one line."""
    return pgettext("between the events of a commission note", "; ").join(_event(e) for e in notes.read(note))
