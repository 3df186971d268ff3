from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError

from app.forms_base import Form as FlaskForm
from app.i18n import LANGUAGES
from app.ids import DbIntegerField
from app.models.workspace import ROLE_MEMBER, ROLE_OWNER
from app.services.accounts import WORKSPACE_FIELDS

TIMEZONES = sorted(available_timezones())
# Select choices are callables: WTForms 3.3 deprecates tuple lists passed to the constructor.


class WorkspaceForm(FlaskForm):
    name = StringField(_l("Workspace name"), validators=[DataRequired(), Length(max=120)])
    default_currency = StringField(
        _l("Default currency"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z]{3}$", message=_l("Use a three-letter ISO code such as EUR or USD.")),
        ],
    )
    cadence_a_days = DbIntegerField(_l("Tier A cadence (days)"), validators=[InputRequired(), NumberRange(1, 365)])
    cadence_b_days = DbIntegerField(_l("Tier B cadence (days)"), validators=[InputRequired(), NumberRange(1, 365)])
    cadence_c_days = DbIntegerField(_l("Tier C cadence (days)"), validators=[InputRequired(), NumberRange(1, 730)])
    response_time_days = DbIntegerField(
        _l("Expected response time (days)"), validators=[InputRequired(), NumberRange(1, 60)]
    )

    def validate_default_currency(self, field):
        from babel.numbers import get_currency_name

        code = (field.data or "").upper()
        if get_currency_name(code, locale="en") == code:
            raise ValidationError(_l("%(code)s is not a currency we know.", code=code))

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in WORKSPACE_FIELDS}


def _password_length(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Use at least %(n)s characters.", n=minimum))


ROLE_LABELS = {
    ROLE_OWNER: lazy_pgettext("workspace role", "Owner"),
    ROLE_MEMBER: lazy_pgettext("workspace role", "Member"),
}


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    timezone = SelectField(_l("Time zone"), choices=lambda: [(tz, tz) for tz in TIMEZONES])
    locale = SelectField(_l("Language"), choices=lambda: list(LANGUAGES.items()))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), _password_length, Length(max=200)])


class InviteForm(FlaskForm):
    role = SelectField(_l("Role"), choices=lambda: list(ROLE_LABELS.items()), default="member")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=lambda: list(ROLE_LABELS.items()))
