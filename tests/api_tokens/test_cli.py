"""`flask api token create`: prints only the token; refusals on stderr with exit status 2."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from app.services.api_tokens import authenticate
from tests.conftest import NOW, add_member

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _create(runner, *args):
    return runner.invoke(args=["api", "token", "create", *args])


def test_prints_only_a_working_token(runner, user, workspace):
    result = _create(runner, "--user", "OLGA@example.com", "--workspace", str(workspace.id), "--scope", "read")
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.strip()
    assert result.stdout == plaintext + "\n" and plaintext.startswith("orch_")
    caller = authenticate(db.session, plaintext, NOW)
    assert caller.user.id == user.id and caller.workspace.id == workspace.id and not caller.token.can_write
    assert caller.token.name == "Command line" and caller.token.expires_at is None


def test_name_scope_and_expiry(runner, workspace):
    member = add_member(workspace)
    result = _create(
        runner, "--user", member.email, "--workspace", str(workspace.id), "--scope", "write",
        "--name", "Zapier", "--expires", "2027-01-31",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    token = authenticate(db.session, result.stdout.strip(), NOW).token
    assert (token.name, token.scope, token.expires_at.date().isoformat()) == ("Zapier", "write", "2027-01-31")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody@example.com", "No user with the email nobody@example.com."),
        ("xavier@example.com", "xavier@example.com is not a member of workspace"),
    ],
)
def test_unknown_user_or_non_member_is_refused(runner, workspace, other, who, message):
    result = _create(runner, "--user", who, "--workspace", str(workspace.id), "--scope", "read")
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr
    assert db.session.scalar(select(ApiToken.id)) is None


def test_unknown_workspace_is_refused(runner, user):
    result = _create(runner, "--user", user.email, "--workspace", "999999", "--scope", "read")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "No workspace with the id 999999." in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "admin"], "'admin' is not one of 'read', 'write'"),
        (["--scope", "read", "--expires", "2026-11-24"], "Choose an expiry date in the future."),
        (["--scope", "read", "--expires", "tomorrow"], "'tomorrow' does not match the format '%Y-%m-%d'"),
        (["--scope", "read", "--name", ""], "Give the token a name."),
    ],
)
def test_bad_options_are_refused(runner, user, workspace, args, message):
    result = _create(runner, "--user", user.email, "--workspace", str(workspace.id), *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert message in result.stderr
    assert db.session.scalar(select(ApiToken.id)) is None
