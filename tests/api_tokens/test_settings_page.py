"""Settings → API tokens: create (shown once), list, revoke; owners see and revoke everyone's."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from app.services.api_tokens import authenticate, create_token, touch
from app.services.tokens import hash_token
from tests.conftest import NOW, add_member
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")
URL = "/settings/api-tokens"


def _token_for(user, workspace, name="Script", **overrides):
    values = {"scope": "read", "expires_on": None, "now": NOW}
    values.update(overrides)
    token, plaintext = create_token(db.session, workspace_id=workspace.id, user_id=user.id, name=name, **values)
    db.session.commit()
    return token, plaintext


def _login(client, auth, user):
    assert auth.login(user).status_code == 302
    return client


def test_create_shows_the_token_once_and_stores_only_its_hash(logged_in, user, workspace):
    response = logged_in.post(URL, data={"name": "Invoicing", "scope": "write", "expires_on": "2026-12-31"})
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    plaintext = doc.one("input", id="new-token-value")["value"]
    assert plaintext.startswith("orch_")
    assert doc.find("button", data_copy="#new-token-value") is not None
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hash_token(plaintext) and token.name == "Invoicing" and token.can_write
    caller = authenticate(db.session, plaintext, NOW)
    assert caller.user.id == user.id and caller.workspace.id == workspace.id
    # listed by its prefix, and never shown again
    again = logged_in.get(URL).get_data(as_text=True)
    assert plaintext not in again
    row = parse(again).one("table", id="my-tokens").one("tr", data_token_id=str(token.id))
    assert token.prefix in row.text and "Read and write" in row.text and "Never" in row.text


def test_the_list_shows_last_use_expiry_and_state(logged_in, user, workspace):
    used, _ = _token_for(user, workspace, name="Used", expires_on=NOW.date() + timedelta(days=10))
    touch(db.session, used, NOW - timedelta(hours=2))
    db.session.commit()
    revoked, _ = _token_for(user, workspace, name="Gone")
    logged_in.post(f"{URL}/{revoked.id}/revoke")
    doc = parse(logged_in.get(URL).get_data(as_text=True)).one("table", id="my-tokens")
    row = doc.one("tr", data_token_id=str(used.id))
    assert "Never" not in row.text and "Read only" in row.text and "Active" in row.text
    assert row.find("form", hx_confirm=True) is not None
    gone = doc.one("tr", data_token_id=str(revoked.id))
    assert "Revoked" in gone.text and gone.find("form") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "read"}, "Give the token a name."),
        ({"name": "x" * 101, "scope": "read"}, "Field cannot be longer than 100 characters."),
        ({"name": "Script", "scope": "admin"}, "Not a valid choice."),
        ({"name": "Script", "scope": "read", "expires_on": "2026-11-24"}, "Choose an expiry date in the future."),
        ({"name": "Script", "scope": "read", "expires_on": "soon"}, "Not a valid date value."),
    ],
)
def test_bad_input_is_shown_next_to_the_field(logged_in, data, message):
    response = logged_in.post(URL, data=data)
    assert response.status_code == 422
    doc = parse(response.get_data(as_text=True))
    assert message in " ".join(e.text for e in doc.find_all("small", class_="field-error"))
    assert doc.find(id="new-token") is None
    assert db.session.scalar(select(ApiToken.id)) is None


def test_revoke_stops_the_token(logged_in, user, workspace):
    token, plaintext = _token_for(user, workspace)
    response = logged_in.post(f"{URL}/{token.id}/revoke", follow_redirects=True)
    assert "revoked; it no longer works" in response.get_data(as_text=True)
    assert authenticate(db.session, plaintext, NOW) is None
    again = logged_in.post(f"{URL}/{token.id}/revoke", follow_redirects=True)
    assert "was already revoked" in again.get_data(as_text=True)


def test_an_owner_sees_and_revokes_a_member_s_token(logged_in, workspace):
    member = add_member(workspace, name="Mia Member")
    token, plaintext = _token_for(member, workspace, name="Mia's sync")
    doc = parse(logged_in.get(URL).get_data(as_text=True))
    assert doc.find("table", id="my-tokens") is None and doc.find(id="no-tokens") is not None
    row = doc.one("table", id="workspace-tokens").one("tr", data_token_id=str(token.id))
    assert "Mia Member" in row.text and "Mia's sync" in row.text
    assert logged_in.post(f"{URL}/{token.id}/revoke").status_code == 302
    assert authenticate(db.session, plaintext, NOW) is None


def test_a_member_cannot_see_or_revoke_another_s_token(client, auth, workspace):
    owner_token, owner_plain = _token_for(workspace_owner := _owner(workspace), workspace, name="Owner's")
    member = add_member(workspace)
    mine, _ = _token_for(member, workspace, name="Mine")
    _login(client, auth, member)
    page = client.get(URL).get_data(as_text=True)
    assert "Owner's" not in page and owner_token.prefix not in page
    doc = parse(page)
    assert doc.find("table", id="workspace-tokens") is None
    assert doc.find("tr", data_token_id=str(mine.id)) is not None
    assert client.post(f"{URL}/{owner_token.id}/revoke").status_code == 404
    assert authenticate(db.session, owner_plain, NOW).user.id == workspace_owner.id


def test_another_workspace_s_token_is_not_found(logged_in, other):
    theirs, plaintext = _token_for(other["user"], other["workspace"])
    assert logged_in.post(f"{URL}/{theirs.id}/revoke").status_code == 404
    assert logged_in.post(f"{URL}/999999/revoke").status_code == 404
    assert authenticate(db.session, plaintext, NOW) is not None


def test_the_page_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_the_page_runs_a_constant_number_of_queries(logged_in, user, workspace, count_queries):
    def page_queries():
        with count_queries() as counter:
            assert logged_in.get(URL).status_code == 200
        return counter.count

    _token_for(user, workspace)
    _token_for(add_member(workspace), workspace)
    few = page_queries()
    for n in range(6):
        _token_for(user, workspace, name=f"Mine {n}")
        _token_for(add_member(workspace), workspace, name=f"Theirs {n}")
    assert page_queries() == few


def _owner(workspace):
    return next(m.user for m in workspace.memberships if m.is_owner)
