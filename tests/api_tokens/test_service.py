"""The token service: created once, stored hashed, authenticated in one query, last use, revoke."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.models import ApiToken, Membership
from app.services import ServiceError
from app.services.api_tokens import (
    SCOPES,
    authenticate,
    create_token,
    get_token,
    revoke_token,
    tokens_of_user,
    tokens_of_workspace,
    touch,
)
from app.services.tokens import hash_token
from tests.conftest import NOW, add_member


def _create(session, user, workspace, **overrides):
    values = {"name": "Invoicing sync", "scope": "write", "expires_on": None, "now": NOW}
    values.update(overrides)
    token, plaintext = create_token(session, workspace_id=workspace.id, user_id=user.id, **values)
    session.commit()
    return token, plaintext


def test_scopes():
    assert SCOPES == ("read", "write")


def test_a_token_is_shown_once_and_stored_hashed(session, user, workspace):
    token, plaintext = _create(session, user, workspace)
    assert plaintext.startswith("orch_") and len(plaintext) == 48
    assert token.token_hash == hash_token(plaintext) and len(token.token_hash) == 64
    assert token.prefix == plaintext[:12]
    row = session.execute(select(ApiToken.__table__)).one()._asdict()
    assert plaintext not in {str(value) for value in row.values()}
    assert token.created_at == NOW and token.last_used_at is None and token.expires_at is None
    assert _create(session, user, workspace)[1] != plaintext


def test_authenticate_finds_the_caller_in_one_query(session, user, workspace, count_queries):
    token, plaintext = _create(session, user, workspace, scope="read")
    token_id, user_id, workspace_id = token.id, user.id, workspace.id
    session.expunge_all()
    with count_queries() as counter:
        caller = authenticate(session, plaintext, NOW)
    assert counter.count == 1
    assert caller.token.id == token_id and caller.user.id == user_id
    assert caller.workspace.id == workspace_id and caller.membership.is_owner
    assert not caller.token.can_write


@pytest.mark.parametrize("plaintext", ["", "orch_", "nope", "orch_" + "x" * 43, "orch_" + "x" * 400])
def test_unknown_or_malformed_tokens_find_nobody(session, user, workspace, plaintext):
    _create(session, user, workspace)
    assert authenticate(session, plaintext, NOW) is None


def test_a_revoked_token_stops_working(session, user, workspace):
    token, plaintext = _create(session, user, workspace)
    assert revoke_token(session, token, NOW + timedelta(hours=1)) is True
    session.commit()
    assert token.revoked_at == NOW + timedelta(hours=1)
    assert authenticate(session, plaintext, NOW + timedelta(hours=2)) is None
    assert revoke_token(session, token, NOW + timedelta(hours=3)) is False  # already revoked: unchanged
    session.commit()
    assert token.revoked_at == NOW + timedelta(hours=1)


def test_a_token_expires_at_the_start_of_its_expiry_date(session, user, workspace):
    token, plaintext = _create(session, user, workspace, expires_on=date(2026, 11, 30))
    assert token.state(NOW) == "active"
    last_moment = NOW.replace(day=29, hour=23, minute=59)
    assert authenticate(session, plaintext, last_moment) is not None
    assert authenticate(session, plaintext, NOW.replace(day=30, hour=0)) is None
    assert token.state(NOW.replace(day=30, hour=0)) == "expired"


def test_a_former_member_s_token_stops_working(session, workspace):
    member = add_member(workspace)
    _, plaintext = _create(session, member, workspace)
    assert authenticate(session, plaintext, NOW) is not None
    session.execute(delete(Membership).where(Membership.user_id == member.id))
    session.commit()
    assert authenticate(session, plaintext, NOW) is None


def test_a_token_only_speaks_for_its_own_workspace(session, user, workspace, other):
    _, plaintext = _create(session, other["user"], other["workspace"])
    assert authenticate(session, plaintext, NOW).workspace.id == other["workspace"].id


def test_last_use_is_recorded_at_most_once_a_minute(session, user, workspace):
    token, _ = _create(session, user, workspace)
    assert touch(session, token, NOW) is True
    session.commit()
    assert token.last_used_at == NOW
    assert touch(session, token, NOW + timedelta(seconds=59)) is False
    session.commit()
    assert token.last_used_at == NOW
    assert touch(session, token, NOW + timedelta(minutes=1)) is True
    session.commit()
    assert token.last_used_at == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the token a name."),
        ({"name": "x" * 101}, "name", "Keep the name under 101 characters."),
        ({"scope": "admin"}, "scope", "Choose read, or read and write."),
        ({"expires_on": date(2026, 11, 24)}, "expires_on", "Choose an expiry date in the future."),
        ({"expires_on": date(2025, 1, 1)}, "expires_on", "Choose an expiry date in the future."),
    ],
)
def test_bad_input_is_refused_with_a_message(session, user, workspace, overrides, field, message):
    with pytest.raises(ServiceError) as error:
        _create(session, user, workspace, **overrides)
    assert (error.value.field, error.value.message) == (field, message)
    session.rollback()
    assert session.scalar(select(ApiToken.id)) is None


def test_a_name_is_trimmed_and_may_be_100_characters(session, user, workspace):
    token, _ = _create(session, user, workspace, name="  " + "n" * 100 + " ")
    assert token.name == "n" * 100


def test_lists_and_lookup_stay_inside_the_workspace(session, user, workspace, other):
    member = add_member(workspace)
    mine, _ = _create(session, user, workspace, name="Mine")
    old, _ = _create(session, user, workspace, name="Old", now=NOW - timedelta(days=1))
    theirs, _ = _create(session, member, workspace, name="Theirs")
    outside, _ = _create(session, other["user"], other["workspace"], name="Outside")
    revoke_token(session, old, NOW)
    newest, _ = _create(session, user, workspace, name="Newest", now=NOW + timedelta(seconds=1))
    assert [t.name for t in tokens_of_user(session, workspace.id, user.id)] == ["Newest", "Mine", "Old"]
    assert {t.name for t in tokens_of_workspace(session, workspace.id)} == {"Newest", "Mine", "Old", "Theirs"}
    assert get_token(session, workspace.id, theirs.id).id == theirs.id
    assert get_token(session, workspace.id, outside.id) is None
    assert newest.id and mine.id
