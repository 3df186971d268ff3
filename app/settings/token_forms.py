"""The form of Settings → API tokens (the rules themselves are in app/services/api_tokens.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms_base import Form as FlaskForm
from app.services.api_tokens import NAME_MAX, SCOPES


def _scope_choices():
    labels = {"read": _l("Read only"), "write": _l("Read and write")}
    return [(scope, labels[scope]) for scope in SCOPES]


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the token a name.")), Length(max=NAME_MAX)],
        description=_l("What the token is for, e.g. “Invoicing sync”."),
    )
    scope = SelectField(_l("Access"), choices=_scope_choices, default="read")
    expires_on = DateField(
        _l("Expires on"),
        validators=[Optional()],
        description=_l("Optional. The token stops working at the start of that day (UTC)."),
    )
