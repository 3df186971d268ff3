from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.forms_base import Form as FlaskForm
from app.ids import DbIntegerField, optional_int
from app.number_fields import LocalDecimalField

_optional_int = optional_int  # one coerce for every optional id select


class TermsForm(FlaskForm):
    version = HiddenField()
    commission_rate = LocalDecimalField(
        _l("Commission rate (%)"),
        validators=[Optional()],
        description=_l("Paid to this partner on won deals of partners they refer."),
    )
    payment_terms_days = DbIntegerField(
        _l("Payment terms (days)"),
        validators=[Optional(), NumberRange(min=0, max=3650, message=_l("Enter a number of days between 0 and 3650."))],
    )
    response_time_days = DbIntegerField(
        _l("Expected response time (days)"),
        validators=[Optional(), NumberRange(min=0, max=365, message=_l("Enter a number of days between 0 and 365."))],
    )
    cadence_days = DbIntegerField(
        _l("Contact cadence (days)"),
        validators=[Optional(), NumberRange(min=1, max=3650, message=_l("Enter a number of days between 1 and 3650."))],
        description=_l("Overrides the tier's default cadence."),
    )
    review_on = DateField(_l("Review on"), validators=[Optional()])
    agreed_by_contact_id = SelectField(_l("Agreed by (their side)"), coerce=_optional_int, validate_choice=True)
    agreed_on = DateField(_l("Agreed on"), validators=[Optional()])
    clauses = TextAreaField(_l("Clauses"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6})

    def set_contact_choices(self, contacts):
        self.agreed_by_contact_id.choices = [("", _l("— nobody recorded —"))] + [(c.id, c.name) for c in contacts]

    def data_for_service(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "commission_rate",
                "payment_terms_days",
                "response_time_days",
                "cadence_days",
                "review_on",
                "agreed_by_contact_id",
                "agreed_on",
                "clauses",
            )
        }
