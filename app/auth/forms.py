from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.account_email import account_email
from app.forms_base import Form as FlaskForm
from app.models.partner import KINDS  # noqa: F401  (keeps import order stable for forms)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _password_length(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Use at least %(n)s characters.", n=minimum))


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)], filters=[_strip])
    email = EmailField(_l("Email"), validators=[DataRequired(), account_email, Length(max=254)], filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), _password_length, Length(max=200)])
    workspace_name = StringField(
        _l("Workspace name"),
        validators=[Length(max=120)],
        description=_l("Your business or agency. You can rename it later."),
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)], filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me"))


class WorkspaceNameForm(FlaskForm):
    name = StringField(_l("Workspace name"), validators=[DataRequired(), Length(max=120)])
