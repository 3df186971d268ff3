"""The webhook endpoint form: URL, description, events (grouped checkboxes, or all), enabled."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional

from app.forms_base import Form as FlaskForm
from app.services.webhooks.endpoints import ALL_EVENTS, DESCRIPTION_LENGTH, URL_LENGTH
from app.services.webhooks.events import EVENT_TYPES


class EndpointForm(FlaskForm):
    url = StringField(
        _l("URL"),
        validators=[Length(max=URL_LENGTH)],
        description=_l("Where Orchard sends the events: an https address on the internet."),
    )
    description = StringField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_LENGTH)])
    event_types = SelectMultipleField(
        _l("Events"), choices=lambda: [(ALL_EVENTS, ALL_EVENTS)] + [(t, t) for t in EVENT_TYPES]
    )
    enabled = BooleanField(_l("Enabled"), default=True)

    def data_for_service(self) -> dict:
        return {
            "url": self.url.data,
            "description": self.description.data,
            "event_types": self.event_types.data or [],
            "enabled": self.enabled.data,
        }
