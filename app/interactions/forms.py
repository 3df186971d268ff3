from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, lazy_pgettext
from wtforms import DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms_base import Form as FlaskForm
from app.ids import optional_int
from app.models.interaction import KINDS

KIND_LABELS = {
    "call": _l("Call"),
    "meeting": _l("Meeting"),
    "email": lazy_pgettext("interaction kind", "Email"),
    "message": _l("Message"),
    "note": _l("Note"),
}
DIRECTION_LABELS = {"ours": _l("We reached out"), "theirs": _l("They reached out")}
FOLLOW_UP_PICKS = (3, 7, 14, 30)


_coerce_optional_int = optional_int  # one coerce for every optional id select


# Choices are callables: WTForms 3.3 deprecates tuple lists passed to the constructor.
class InteractionForm(FlaskForm):
    # The kind is checked by the service (its message names the field), like the direction.
    kind = RadioField(
        _l("Kind"),
        choices=lambda: [(k, KIND_LABELS[k]) for k in KINDS],
        default="call",
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose what kind of interaction this was."))],
    )
    # A note has no direction, so the choice is checked by the service, not here.
    direction = RadioField(
        _l("Who reached out"),
        choices=lambda: list(DIRECTION_LABELS.items()),
        default="ours",
        validate_choice=False,
        validators=[Optional()],
    )
    contact_id = SelectField(_l("With"), coerce=_coerce_optional_int, validate_choice=False)
    occurred_at = DateTimeLocalField(
        _l("When"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(message=_l("Say when it happened."))],
    )
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    follow_up = SelectField(_l("Follow up in"), validate_choice=False)

    def set_contacts(self, contacts):
        self.contact_id.choices = [("", _l("— nobody in particular —"))] + [(c.id, c.name) for c in contacts]

    def set_follow_up(self, cadence: int):
        picks = sorted(set(FOLLOW_UP_PICKS) | {cadence})
        self.follow_up.choices = [("", _l("No follow-up"))] + [
            (
                str(days),
                lazy_ngettext("%(num)s day (the cadence)", "%(num)s days (the cadence)", days)
                if days == cadence
                else lazy_ngettext("%(num)s day", "%(num)s days", days),
            )
            for days in picks
        ]
        if not self.is_submitted():
            self.follow_up.data = str(cadence)

    def follow_up_days(self) -> int | None:
        try:
            days = int(self.follow_up.data or 0)
        except (TypeError, ValueError):
            return None
        return days if 0 < days <= 3650 else None

    def validate_follow_up(self, field):
        from wtforms.validators import ValidationError

        if field.data and self.follow_up_days() is None:
            raise ValidationError(_l("Choose a number of days from the list, or no follow-up."))
