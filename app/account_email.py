"""The address a person signs in with: a valid address, on a domain reserved for testing (.test,
as the demo's demo@orchard.test) only where Orchard runs in development or testing — elsewhere no
mail could reach it (no password reset, no digest), so the form says so next to the field."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from wtforms.validators import ValidationError


def reserved_domains_allowed() -> bool:
    return bool(current_app.debug or current_app.testing or current_app.config.get("ALLOW_TEST_EMAIL_DOMAINS"))


def account_email(form, field) -> None:
    """A WTForms validator for the account address fields (register, change of address, reset)."""
    if not field.data:
        return
    allowed = reserved_domains_allowed()
    try:
        validate_email(field.data, check_deliverability=False, test_environment=allowed)
    except EmailNotValidError:
        if not allowed and _valid_for_tests(field.data):
            domain = field.data.rsplit("@", 1)[-1]
            raise ValidationError(
                _(
                    "%(domain)s is reserved for testing and receives no mail here. "
                    "Use an address you read: password resets and digests go to it.",
                    domain=domain,
                )
            ) from None
        raise ValidationError(_("Invalid email address.")) from None


def _valid_for_tests(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True
