"""The page's WTForms form run on the JSON, so the API applies the same rules and answers with the
same messages (CSRF off: the API authenticates with bearer tokens only).

PATCH: the object's current values (its representation) overlaid with the payload, then the form —
a field left out keeps its value."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from marshmallow.validate import Range
from werkzeug.datastructures import MultiDict

from app.api.problems import problem
from app.ids import MAX_DB_INT

# an id a program sends in a body or a filter: positive and within the database's integer
ID = Range(min=1, max=MAX_DB_INT)


def _as_form_value(value):
    """JSON values as a browser would post them (None/False: the field left empty)."""
    if value is None or value is False:
        return None
    if value is True:
        return "y"
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    return value


def form_data(payload: dict) -> MultiDict:
    data = MultiDict()
    for name, value in payload.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            item = _as_form_value(item)
            if item is not None:
                data.add(name, item)
            else:
                data.add(name, "")
    return data


def overlay(current: dict, payload: dict) -> dict:
    """PATCH: the current representation with the payload's fields on top."""
    return {**current, **payload}


def validate_with(form_class, payload: dict, *, obj=None, setup=None, renamed=None):
    """The form filled from `payload` (and `obj` for what the payload leaves out), validated; a 422
    problem with the form's own messages otherwise. `setup(form)` sets dynamic choices first;
    `renamed` maps a form field to the API field it is called by (errors carry the API's name)."""
    data = form_data(payload)
    # a checkbox absent from a post reads as unticked: keep the object's value for one left out
    form = form_class(formdata=data, obj=obj, meta={"csrf": False})
    if setup is not None:
        setup(form)
    if not form.validate():
        names = renamed or {}
        errors = {
            names.get(name, name): list(messages) for name, messages in form.errors.items() if name != "csrf_token"
        }
        if form.form_errors:
            errors.setdefault("_schema", []).extend(form.form_errors)
        problem(422, errors=errors)
    return form
