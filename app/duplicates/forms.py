"""The merge forms: a choice per field (radio "survivor" / "merged"), CSRF-protected."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from app.forms_base import Form as FlaskForm
from app.services.merging import SIDES

# the labels of the services' field names (app/services/merging FIELDS / CONTACT_FIELDS)
FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "status": _l("Status"),
    "tier": _l("Tier"),
    "owner_id": _l("Owner"),
    "source": _l("Source"),
    "website": _l("Website"),
    "notes": _l("Notes"),
    "no_prospects_reason": _l("No-prospects reason"),
    "cadence_days": _l("Contact cadence (days)"),
    "response_time_days": _l("Expected response time (days)"),
    "role": _l("Role"),
    "email": _l("Email"),
    "phone": _l("Phone"),
}
MOVED_LABELS = {
    "contact": _l("Contacts"),
    "deal": _l("Deals (with their assessments)"),
    "interaction": _l("Interactions"),
    "reminder": _l("Reminders"),
    "commission": _l("Commission entries as referrer"),
    "statement_link": _l("Statement links"),
    "terms_version": _l("Terms versions"),
    "referral": _l("Partners it referred"),
}


class MergeForm(FlaskForm):
    """The per-field choices come as `choice-<field>` radios, read by `choices()`."""

    def choices(self, fields, form_data) -> dict[str, str]:
        chosen = {}
        for name in fields:
            value = form_data.get(f"choice-{name}")
            if value in SIDES:
                chosen[name] = value
        return chosen


class PickForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = StringField(_l("Find the other partner"), validators=[Length(max=200)])
