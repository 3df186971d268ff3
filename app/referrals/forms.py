from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms_base import Form as FlaskForm
from app.ids import DbIntegerField, optional_int
from app.services.referral_tree import NOTE_MAX

_optional_int = optional_int  # one coerce for every optional id select


class ReferralForm(FlaskForm):
    """Who referred a partner, with the details of the introduction (the partner's Referrals tab)."""

    referred_by_id = DbIntegerField(_l("Referred by"), validators=[Optional()])
    contact_id = SelectField(
        _l("Introduced by"),
        coerce=_optional_int,
        validate_choice=False,
        description=_l("Which of the referrer's contacts made the introduction."),
    )
    referred_on = DateField(
        _l("Referral date"),
        validators=[Optional()],
        description=_l("When the introduction happened; leave empty if unknown."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])

    def set_contact_choices(self, contacts):
        self.contact_id.choices = [("", _l("— not recorded —"))] + [(c.id, c.name) for c in contacts]
