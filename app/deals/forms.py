from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms_base import Form as FlaskForm
from app.ids import optional_int
from app.models.deal import STAGES
from app.number_fields import LocalDecimalField

STAGE_LABELS = {
    "lead": _l("Lead"),
    "proposal": _l("Proposal"),
    "negotiation": _l("Negotiation"),
    "won": _l("Won"),
    "lost": _l("Lost"),
}
VALUE_LABELS = {
    -2: _l("−2 · clear loss"),
    -1: _l("−1 · loss"),
    0: _l("0 · break-even (compromise)"),
    1: _l("+1 · gain"),
    2: _l("+2 · clear gain"),
}
QUADRANT_LABELS = {
    "win-win": _l("Win-win"),
    "win-lose": _l("Win-lose"),
    "lose-win": _l("Lose-win"),
    "lose-lose": _l("Lose-lose"),
}


_optional_int = optional_int  # one coerce for every optional id select


def _value_choices():
    return [("", _l("— not assessed —"))] + list(VALUE_LABELS.items())


# Choices are given as callables: WTForms 3.3 deprecates tuple lists passed to the constructor.
class DealForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=_optional_int, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the deal a title.")), Length(max=200)])
    amount = LocalDecimalField(
        _l("Amount"),
        validators=[
            InputRequired(message=_l("Enter the amount (0 if not known yet).")),
            NumberRange(min=0, message=_l("The amount cannot be negative.")),
        ],
    )
    currency = StringField(
        _l("Currency"),
        validators=[
            DataRequired(message=_l("Enter a currency code.")),
            Length(min=3, max=3, message=_l("Three letters, like EUR.")),
        ],
        render_kw={"maxlength": 3, "autocapitalize": "characters", "spellcheck": "false"},
    )
    stage = SelectField(_l("Stage"), choices=lambda: [(s, STAGE_LABELS[s]) for s in STAGES], default="lead")
    expected_close_on = DateField(_l("Expected close"), validators=[Optional()])
    owner_id = SelectField(_l("Owner"), coerce=_optional_int, validate_choice=True)
    value_to_us = SelectField(_l("Value to us"), coerce=_optional_int, choices=_value_choices)
    value_to_us_note = StringField(_l("What we gain (or give up)"), validators=[Optional(), Length(max=300)])
    value_to_partner = SelectField(_l("Value to the partner"), coerce=_optional_int, choices=_value_choices)
    value_to_partner_note = StringField(_l("What they gain (or give up)"), validators=[Optional(), Length(max=300)])
    lost_reason = TextAreaField(_l("Why was it lost?"), validators=[Optional(), Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])

    def set_owner_choices(self, members):
        self.owner_id.choices = [("", _l("— nobody —"))] + [(m.id, m.name) for m in members]

    def data_for_service(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "title",
                "amount",
                "currency",
                "stage",
                "expected_close_on",
                "owner_id",
                "value_to_us",
                "value_to_us_note",
                "value_to_partner",
                "value_to_partner_note",
                "lost_reason",
                "notes",
            )
        }


class MoveForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=lambda: [(s, STAGE_LABELS[s]) for s in STAGES])
    # the stage the page showed: a deal someone else moved meanwhile is not moved again blindly
    from_stage = HiddenField()
    lost_reason = StringField(_l("Why was it lost?"), validators=[Optional(), Length(max=2000)])
