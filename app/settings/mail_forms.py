"""The forms of Settings → Mail: the IMAP account (tried on save) and the folders to sync."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from app.forms_base import Form as FlaskForm
from app.models.mail_account import SECURITY_PLAIN, SECURITY_SSL, SECURITY_STARTTLS
from app.services.mail_sync import folder_label, is_loopback


def _security_choices():
    return [
        (SECURITY_SSL, _l("SSL/TLS (usually port 993)")),
        (SECURITY_STARTTLS, _l("STARTTLS (usually port 143)")),
        (SECURITY_PLAIN, _l("None (only for a server on this machine)")),
    ]


class MailAccountForm(FlaskForm):
    host = StringField(
        _l("IMAP server"),
        validators=[DataRequired(message=_l("Enter the IMAP server's host name.")), Length(max=255)],
        description=_l("E.g. imap.fastmail.com or imap.gmail.com."),
    )
    port = IntegerField(
        _l("Port"),
        default=993,
        validators=[
            DataRequired(message=_l("Enter the port (993 for SSL, 143 for STARTTLS).")),
            NumberRange(min=1, max=65535, message=_l("A port is a number from 1 to 65535.")),
        ],
    )
    security = SelectField(_l("Security"), choices=_security_choices, default=SECURITY_SSL)
    username = StringField(
        _l("User name"),
        validators=[
            DataRequired(message=_l("Enter the mailbox's user name (often the email address).")),
            Length(max=255),
        ],
    )
    password = PasswordField(
        _l("App password"),
        validators=[Length(max=500)],
        description=_l("Create an app password at your mail provider. It is stored encrypted and never shown again."),
    )

    def __init__(self, *args, connected: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected = connected
        if connected:
            self.password.description = _l("Leave empty to keep the stored password.")

    def validate_security(self, field):
        if field.data == SECURITY_PLAIN and not is_loopback(self.host.data or ""):
            raise ValidationError(
                _l("Without TLS the password would cross the network readable: choose SSL or STARTTLS.")
            )

    def validate_password(self, field):
        if not self.connected and not field.data:
            raise ValidationError(_l("Enter the app password of the mailbox."))


class MailFoldersForm(FlaskForm):
    inbox_folder = SelectField(_l("Inbox folder"), choices=[], validate_choice=False)
    sent_folder = SelectField(_l("Sent folder"), choices=[], validate_choice=False)
    keep_body = BooleanField(
        _l("Keep message text"),
        description=_l("Off: only the headers and a short snippet of each message are read and kept."),
    )

    def set_folders(self, names: list[str]) -> None:
        choices = [(n, folder_label(n)) for n in names]
        self.inbox_folder.choices = choices
        self.sent_folder.choices = [("", _l("— none —")), *choices]

    def validate_inbox_folder(self, field):
        if field.data not in dict(field.choices):
            raise ValidationError(_l("Choose one of the server's folders."))

    def validate_sent_folder(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError(_l("Choose one of the server's folders."))
