"""Forms of two-factor authentication: the code at login and enrolment, password + code to turn
it off or make new recovery codes, and the workspace's requirement."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.forms_base import Form as FlaskForm


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"},
    )


class LoginCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "autofocus": True},
    )


class StartForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordCodeForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    code = StringField(
        _l("Code from your app, or a recovery code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off"},
    )


class RequirementForm(FlaskForm):
    require_two_factor = BooleanField(_l("Every member must use two-factor authentication"))
