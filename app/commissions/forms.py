from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.forms_base import Form as FlaskForm


class PayForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(message=_l("Give the date it was paid."))])
    payment_reference = StringField(
        _l("Payment reference"),
        validators=[Optional(), Length(max=120)],
        render_kw={"placeholder": _l("Bank transfer id, invoice number…")},
    )


class StatementLinkForm(FlaskForm):
    label = StringField(
        _l("Label (optional)"), validators=[Optional(), Length(max=120)], description=_l("e.g. who you sent it to")
    )
