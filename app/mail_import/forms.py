"""The mail import's forms (Flask-WTF: every POST carries the CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, StringField

from app.forms_base import Form as FlaskForm

ACCEPT = ".mbox,.mbx,.eml,application/mbox,message/rfc822"


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Mail export"))
    addresses = StringField(_l("Your other addresses in this mail"))
    keep_body = BooleanField(_l("Keep the text of each message (off: only the subject and a short snippet)"))


class IgnoreForm(FlaskForm):
    pattern = StringField(_l("Address, domain or pattern"))


class ConfirmForm(FlaskForm):
    """A button and the CSRF token (add as contact, dismiss, not a touch, remove a pattern)."""
