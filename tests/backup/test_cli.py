"""`flask data export` and `flask data restore`."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Partner, Workspace
from tests.backup.helpers import read_zip
from tests.conftest import make_partner, make_user


def _count(session, model):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_export_writes_the_file_and_prints_counts(runner, session, workspace, tmp_path):
    make_partner(workspace, name="Garden")
    out = tmp_path / "ws.zip"
    result = runner.invoke(args=["data", "export", "--workspace", str(workspace.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"written to {out}" in result.output and "1 partners" in result.output
    assert read_zip(out.read_bytes())["partners.json"][0]["name"] == "Garden"
    assert not (tmp_path / "ws.zip.part").exists()


def test_export_refuses_an_unknown_workspace(runner, tmp_path):
    out = tmp_path / "none.zip"
    result = runner.invoke(args=["data", "export", "--workspace", "999", "--out", str(out)])
    assert result.exit_code == 2 and "there is no workspace 999" in result.output
    assert not out.exists()


def test_restore_defaults_to_the_original_owner(runner, session, user, workspace, tmp_path):
    make_partner(workspace, name="Garden")
    out = tmp_path / "ws.zip"
    runner.invoke(args=["data", "export", "--workspace", str(workspace.id), "--out", str(out)])
    result = runner.invoke(args=["data", "restore", str(out), "--name", "From the CLI"])
    assert result.exit_code == 0, result.output
    assert (
        "'From the CLI'" in result.output and f"owner {user.email}" in result.output and "1 partners" in result.output
    )
    restored = session.scalar(select(Workspace).where(Workspace.name == "From the CLI"))
    assert session.scalar(select(Partner.name).where(Partner.workspace_id == restored.id)) == "Garden"


def test_restore_needs_an_owner_when_the_original_one_is_unknown(runner, session, user, workspace, tmp_path):
    out = tmp_path / "ws.zip"
    runner.invoke(args=["data", "export", "--workspace", str(workspace.id), "--out", str(out)])
    session.delete(user)
    session.commit()
    before = _count(session, Workspace)
    result = runner.invoke(args=["data", "restore", str(out)])
    assert result.exit_code == 2 and "--owner EMAIL" in result.output
    result = runner.invoke(args=["data", "restore", str(out), "--owner", "nobody@example.com"])
    assert result.exit_code == 2 and "no user with the email nobody@example.com" in result.output
    assert _count(session, Workspace) == before
    someone = make_user(email="someone@example.com")
    result = runner.invoke(args=["data", "restore", str(out), "--owner", someone.email])
    assert result.exit_code == 0, result.output
    assert (
        f"Members not added (no account here, or sharing no workspace with the owner; invite them): {user.email}"
        in result.output
    )


def test_restore_refuses_a_damaged_file_and_writes_nothing(runner, session, workspace, tmp_path):
    make_partner(workspace)
    out = tmp_path / "ws.zip"
    runner.invoke(args=["data", "export", "--workspace", str(workspace.id), "--out", str(out)])
    out.write_bytes(out.read_bytes()[:-300])
    before = (_count(session, Workspace), _count(session, Partner))
    result = runner.invoke(args=["data", "restore", str(out)])
    assert result.exit_code == 2 and "The backup file is incomplete" in result.output
    assert (_count(session, Workspace), _count(session, Partner)) == before
