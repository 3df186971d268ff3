"""Forms of the password reset and the email address change."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.account_email import account_email
from app.auth.forms import _password_length, _strip
from app.forms_base import Form as FlaskForm


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), account_email, Length(max=254)], filters=[_strip])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_length, Length(max=200)])


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        _l("New email address"),
        validators=[DataRequired(), account_email, Length(max=254)],
        filters=[_strip],
    )
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
