"""With CSRF on, the merge, undo and "not duplicates" buttons need the token."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Partner
from tests.conftest import PASSWORD, app_on_empty_database, make_partner, make_user, workspace_of
from tests.html import parse


@pytest.fixture
def client(tmp_path):
    with app_on_empty_database(tmp_path, "csrf", WTF_CSRF_ENABLED=True) as app:
        user = make_user(name="Olga", email="olga@example.com")
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = parse(page).find("input", name="csrf_token", type="hidden")["value"]
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        client.workspace = workspace_of(user)
        yield client


def test_unsafe_requests_without_the_token_are_refused(client):
    a = make_partner(client.workspace, name="Garden")
    b = make_partner(client.workspace, name="Garden GmbH")
    for url in (
        f"/duplicates/merge/{a.id}/{b.id}",
        f"/duplicates/{a.id}/{b.id}/not-duplicates",
        f"/duplicates/merged/{b.id}/undo",
    ):
        assert client.post(url, data={"choice-name": "merged"}).status_code == 400, url
    db.session.expire_all()
    assert db.session.get(Partner, b.id).merged_into_id is None


def test_the_page_form_carries_the_token(client):
    a = make_partner(client.workspace, name="Garden")
    b = make_partner(client.workspace, name="Garden GmbH")
    page = client.get(f"/duplicates/merge/{a.id}/{b.id}").get_data(as_text=True)
    form = parse(page).one("form", action=f"/duplicates/merge/{a.id}/{b.id}")
    data = {"csrf_token": form.one("input", name="csrf_token")["value"]}
    assert client.post(form["action"], data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, b.id).merged_into_id == a.id
