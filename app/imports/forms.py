"""The import wizard's forms (Flask-WTF: every POST carries the CSRF token). The mapping form's
per-column selects are many and named by position, so they are read by app/imports/mapping.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.forms_base import Form as FlaskForm
from app.imports.mapping import ON_MATCH_LABELS
from app.models.importing import ROW_ACTIONS
from app.services.importing.fields import IMPORT_KINDS, ON_MATCH

EXTENSIONS = ("csv", "tsv", "txt", "xlsx", "vcf")
ACCEPT = ",".join(f".{e}" for e in EXTENSIONS)
KIND_LABELS = {
    "partners": _l("a partner (company or person) with its contacts"),
    "contacts": _l("a contact of a partner already in Orchard (matched by company name)"),
}
ACTION_LABELS = {"create": _l("Create"), "update": _l("Update the match"), "skip": _l("Skip")}


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class UploadForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(EXTENSIONS, _l("Orchard reads .csv, .tsv, .txt, .xlsx and .vcf files.")),
        ],
    )
    kind = RadioField(
        _l("Each row is"), choices=lambda: [(k, KIND_LABELS[k]) for k in IMPORT_KINDS], default="partners"
    )
    saved = SelectField(_l("Use saved settings"), coerce=_optional_int, validate_choice=True)
    like = HiddenField()  # "new import with the same settings": the earlier run's id

    def set_saved_choices(self, saved_mappings):
        self.saved.choices = [("", _l("— guess from the columns —"))] + [(m.id, m.name) for m in saved_mappings]


class MappingForm(FlaskForm):
    on_match = RadioField(
        _l("When a row matches a partner already in Orchard"),
        choices=lambda: [(k, ON_MATCH_LABELS[k]) for k in ON_MATCH],
        default="fill",
    )
    save_as = StringField(_l("Save these settings as"), validators=[Optional(), Length(max=120)])


class DecideAllForm(FlaskForm):
    action = SelectField(_l("Action"), choices=lambda: [(a, ACTION_LABELS[a]) for a in ROW_ACTIONS])
    only = HiddenField()


class ConfirmForm(FlaskForm):
    """Run, undo: a button and the CSRF token."""
