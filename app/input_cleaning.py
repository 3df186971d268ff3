"""Incoming form fields and query arguments without NUL characters, cleaned once for every view.

A NUL ("\\x00") is never meaningful in a name, note or search, SQLite would store it and PostgreSQL
refuses it (an error, a 500). The request's parameter storage drops it as the request is parsed,
so no view, form or service sees it; the rest of the text is kept."""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict


def _clean(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeMultiDict(ImmutableMultiDict):
    """An ImmutableMultiDict whose string keys and values have their NUL characters removed."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        pairs = MultiDict(mapping).items(multi=True)
        super().__init__([(_clean(key), _clean(value)) for key, value in pairs])


class CleanRequest(Request):
    """The app's request class: query arguments, form fields (and upload field names) NUL-free."""

    parameter_storage_class = NulFreeMultiDict
