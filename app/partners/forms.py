from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.forms_base import Form as FlaskForm
from app.ids import DbIntegerField, optional_int
from app.models.partner import KINDS, SOURCES, STATUSES, TIERS
from app.services.web_address import is_web_address, with_scheme

KIND_LABELS = {"company": _l("Company"), "person": _l("Person")}
STATUS_LABELS = {
    "prospect": _l("Prospect"),
    "active": _l("Active"),
    "dormant": _l("Dormant"),
    "ended": _l("Ended"),
    "referrer": _l("Referrer only"),
}
SOURCE_LABELS = {
    "referral": _l("Referral"),
    "content": _l("Content"),
    "direct": _l("Direct"),
    "event": lazy_pgettext("partner source", "Event"),
    "other": _l("Other"),
}
TIER_LABELS = {"A": _l("A — key partner"), "B": _l("B — regular"), "C": _l("C — occasional")}


_coerce_owner = optional_int  # one coerce for every optional id select


def _web_address(form, field):
    if field.data and not is_web_address(field.data):
        raise ValidationError(_l("Enter a web address, like example.com or https://example.com"))


# Choices are given as callables: WTForms 3.3 deprecates tuple lists passed to the constructor.
class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=lambda: [(k, KIND_LABELS[k]) for k in KINDS])
    status = SelectField(_l("Status"), choices=lambda: [(s, STATUS_LABELS[s]) for s in STATUSES])
    tier = SelectField(_l("Tier"), choices=lambda: [(t, TIER_LABELS[t]) for t in TIERS], default="B")
    owner_id = SelectField(_l("Owner"), coerce=_coerce_owner, validate_choice=True)
    source = SelectField(
        _l("Source"),
        choices=lambda: [(s, SOURCE_LABELS[s]) for s in SOURCES],
        default="direct",
        render_kw={"data-source-field": ""},  # static/js/app.js: a referrer picked → Referral
    )
    # A text field (an <input type=url> would make the browser refuse "acme.com" itself)
    website = StringField(
        _l("Website"),
        filters=[with_scheme],
        validators=[Optional(), _web_address, Length(max=300)],
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])
    no_prospects = BooleanField(
        _l("Partner without prospects"), description=_l("A client who treats us as a subordinate or devalues the work.")
    )
    no_prospects_reason = TextAreaField(_l("Why no prospects?"), validators=[Optional(), Length(max=2000)])
    # Who referred this partner: chosen with the search-as-you-type picker, set by the referral service
    referred_by_id = DbIntegerField(_l("Referred by"), validators=[Optional()])

    def set_owner_choices(self, members):
        self.owner_id.choices = [("", _l("— nobody —"))] + [(m.id, m.name) for m in members]

    def data_for_service(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "name",
                "kind",
                "status",
                "tier",
                "owner_id",
                "source",
                "website",
                "notes",
                "no_prospects",
                "no_prospects_reason",
            )
        }


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=60)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    is_primary = BooleanField(_l("Primary contact"))

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in ("name", "role", "email", "phone", "notes", "is_primary")}


class ConfirmDeleteForm(FlaskForm):
    confirm_name = StringField(_l("Type the partner's name to confirm"), validators=[DataRequired()])
