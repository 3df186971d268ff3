"""A file part posted into a text field (observed: `FileStorage has no len()`, a 500, on six forms).

Flask-WTF hands a form request.files merged into the form data, so a part sent as a file under a
text field's name reached its validators as a FileStorage. Only file fields take files now (the
app's one form base class), whatever form it is: the text field is simply empty and the form says so
next to it."""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest
from flask_wtf import FlaskForm

import app as app_package
from tests.conftest import PASSWORD, make_partner


def _file(name="x.txt"):
    return (io.BytesIO(b"not a text field"), name)


LOGGED_OUT = [
    ("/login", {"email": "olga@example.com", "password": PASSWORD}, "email"),
    ("/login", {"email": "olga@example.com", "password": PASSWORD}, "password"),
    ("/register", {"name": "N", "email": "n@example.com", "password": PASSWORD, "workspace_name": "W"}, "name"),
]

LOGGED_IN = [
    ("/partners/new", {"name": "Acme", "kind": "company"}, "name"),
    ("/partners/new", {"name": "Acme", "kind": "company"}, "notes"),
    ("/settings/", {"name": "Space", "default_currency": "EUR"}, "name"),
    ("/settings/profile", {"form": "profile", "name": "Olga", "timezone": "UTC", "locale": "en"}, "name"),
    ("/deals/new", {"title": "A deal"}, "title"),
    ("/reminders/new", {"title": "Call", "due_on": "2026-12-01"}, "title"),
    ("/workspaces/new", {"name": "Another"}, "name"),
]


@pytest.mark.parametrize(("path", "data", "field"), LOGGED_OUT)
def test_a_file_in_a_text_field_of_a_logged_out_form(client, user, path, data, field):
    response = client.post(path, data={**data, field: _file()}, content_type="multipart/form-data")
    assert response.status_code in (422, 200)  # the field is empty: the form answers with its message


@pytest.mark.parametrize(("path", "data", "field"), LOGGED_IN)
def test_a_file_in_a_text_field_of_a_page_form(logged_in, path, data, field):
    response = logged_in.post(path, data={**data, field: _file()}, content_type="multipart/form-data")
    assert response.status_code < 500


def test_a_file_in_the_interaction_form(logged_in, workspace):
    partner = make_partner(workspace, name="Filed")
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        data={"kind": "call", "summary": _file(), "occurred_at": "2026-11-20T10:00"},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500


def test_the_text_field_gets_no_file_and_says_it_is_empty(client, user):
    response = client.post("/login", data={"email": _file(), "password": PASSWORD}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert client.get("/partners/").status_code == 302  # not logged in


def test_a_file_field_still_takes_its_file(logged_in, workspace):
    """The import upload (a file field) keeps working with the same base form."""
    response = logged_in.post(
        "/imports/new",
        data={"file": (io.BytesIO(b"name\nAcme\n"), "partners.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/imports/" in response.headers["Location"]  # on to the columns


def _all_form_classes():
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("app.")]


def test_every_form_of_the_app_uses_the_base_form(app):
    """Every form (those added later too) takes files only into its file fields."""
    from app.forms_base import Form

    strays = [f"{cls.__module__}.{cls.__name__}" for cls in _all_form_classes() if not issubclass(cls, Form)]
    assert strays == []
