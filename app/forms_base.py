"""The app's one form base class: files reach file fields only.

Flask-WTF gives a form `request.files` merged into the form data, so a part sent as a file under a
text field's name reached that field as a FileStorage and its validators failed with a TypeError
(a 500). Every form of the app derives from `Form`: a file part is dropped unless it is sent under
the name of one of the form's file fields, so the text field is simply empty and says so."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict
from wtforms.fields import FileField


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if not isinstance(formdata, CombinedMultiDict):
                return formdata
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            return MultiDict(
                [
                    (name, value)
                    for name, value in formdata.items(multi=True)
                    if not isinstance(value, FileStorage) or name in file_fields
                ]
            )
