from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from app.forms_base import Form as FlaskForm
from app.ids import optional_int
from app.models.notifications import DIGEST_FREQUENCIES

_optional_int = optional_int  # one coerce for every optional id select


class ReminderForm(FlaskForm):
    title = StringField(
        _l("What to do"), validators=[DataRequired(message=_l("Give the reminder a title.")), Length(max=200)]
    )
    due_on = DateField(_l("Due on"), validators=[DataRequired(message=_l("Choose the day it is due."))])
    due_time = TimeField(_l("At (optional)"), validators=[Optional()])
    assignee_id = SelectField(_l("Assignee"), coerce=_optional_int, validate_choice=True)
    # Choices are the current partner plus search matches; the service checks the workspace.
    partner_id = SelectField(_l("Partner (optional)"), coerce=_optional_int, validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def set_choices(self, members, partners):
        self.assignee_id.choices = [(m.id, m.name) for m in members]
        self.partner_id.choices = [("", _l("— no partner —"))] + [(p.id, p.name) for p in partners]

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in ("title", "due_on", "due_time", "assignee_id", "partner_id", "notes")}


class QuickReminderForm(FlaskForm):
    """The partner tab's one-line add: title, day and assignee."""

    title = StringField(
        _l("What to do"), validators=[DataRequired(message=_l("Give the reminder a title.")), Length(max=200)]
    )
    due_on = DateField(_l("Due on"), validators=[DataRequired(message=_l("Choose the day it is due."))])
    assignee_id = SelectField(_l("Assignee"), coerce=_optional_int, validate_choice=True)

    def set_choices(self, members):
        self.assignee_id.choices = [(m.id, m.name) for m in members]


DIGEST_LABELS = {"daily": _l("Daily"), "weekly": _l("Weekly, on Mondays"), "off": _l("Off")}


class DigestForm(FlaskForm):
    # choices as a callable: WTForms 3.3 deprecates tuple lists passed to the constructor
    frequency = RadioField(_l("Email digest"), choices=lambda: [(f, DIGEST_LABELS[f]) for f in DIGEST_FREQUENCIES])


def parse_iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None
