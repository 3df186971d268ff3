"""Control characters in user and workspace names are refused by the services (register, profile,
workspace settings, new workspace), with the message next to the field on the pages."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User, Workspace
from app.services import ServiceError, accounts
from tests.conftest import PASSWORD

HOSTILE = ["Eve\r\nBcc: extra@evil.example", "Eve\nSmith", "Tab\there", "Bell\x07", "Line\u2028sep"]
MESSAGE = "Use a name without line breaks, tabs or other control characters."


@pytest.mark.parametrize("name", HOSTILE)
def test_the_services_refuse_control_characters(session, user, workspace, name):
    with pytest.raises(ServiceError) as raised:
        accounts.register_user(session, name=name, email="new@example.com", password=PASSWORD)
    assert raised.value.field == "name"
    with pytest.raises(ServiceError) as raised:
        accounts.register_user(session, name="Fine", email="new@example.com", password=PASSWORD, workspace_name=name)
    assert raised.value.field == "workspace_name"
    with pytest.raises(ServiceError) as raised:
        accounts.update_profile(user, name=name, timezone="UTC")
    assert raised.value.field == "name"
    with pytest.raises(ServiceError):
        accounts.create_workspace_for(session, user, name)
    data = {"name": name, "default_currency": "EUR", "cadence_a_days": 14, "cadence_b_days": 30}
    with pytest.raises(ServiceError) as raised:
        accounts.update_workspace(session, workspace, {**data, "cadence_c_days": 90, "response_time_days": 3})
    assert raised.value.field == "name"


def test_ordinary_names_are_kept(session, user):
    accounts.update_profile(user, name="  Ève O'Brien-Łukasz, Jr.  ", timezone="UTC")
    assert user.name == "Ève O'Brien-Łukasz, Jr."


def _error_next_to(html, field_id):
    from tests.html import parse

    page = parse(html)
    field = page.find(id=field_id)
    assert field is not None
    return MESSAGE in html and field.attrs.get("aria-invalid") == "true"


def test_register_page_says_it_next_to_the_name(client):
    response = client.post(
        "/register",
        data={"name": HOSTILE[0], "email": "new@example.com", "password": PASSWORD, "workspace_name": "W"},
    )
    assert response.status_code == 422
    assert _error_next_to(response.get_data(as_text=True), "name")
    assert db.session.query(User).filter_by(email="new@example.com").count() == 0


def test_profile_page_says_it_next_to_the_name(logged_in, user):
    response = logged_in.post("/settings/profile", data={"form": "profile", "name": HOSTILE[0], "timezone": "UTC"})
    assert response.status_code == 422
    assert _error_next_to(response.get_data(as_text=True), "name")
    assert db.session.get(User, user.id).name == "Olga Owner"


def test_workspace_pages_say_it_next_to_the_name(logged_in, workspace):
    data = {"name": HOSTILE[0], "default_currency": "EUR", "cadence_a_days": 14, "cadence_b_days": 30}
    response = logged_in.post("/settings/", data={**data, "cadence_c_days": 90, "response_time_days": 3})
    assert response.status_code == 422
    assert _error_next_to(response.get_data(as_text=True), "name")
    created = logged_in.post("/workspaces/new", data={"name": HOSTILE[0]})
    assert created.status_code == 422 and MESSAGE in created.get_data(as_text=True)
    assert db.session.query(Workspace).count() == 1
