"""The backup file: its manifest, no secrets, and the checks that refuse a file before anything is
written (a newer format, a bad checksum, a missing file, a cut-off zip, not a zip, an unknown column)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from app.models import CalendarFeed, Invite, Membership, Partner, StatementLink, User, Workspace
from app.services import accounts, backup, calendar_feed
from app.services.backup.entities import FILES, NOT_BACKED_UP
from tests.backup.helpers import backup_bytes, read_zip, rewrite
from tests.conftest import NOW, make_partner


def test_manifest_lists_every_file_with_its_count_and_checksum(session, demo):
    data = backup_bytes(session, demo.id)
    files = read_zip(data)
    manifest = files["manifest.json"]
    assert manifest["format"] == "orchard-backup" and manifest["schema_version"] == backup.BACKUP_SCHEMA_VERSION == 1
    assert manifest["created_at"] == NOW.isoformat()
    assert manifest["app_version"] and "alembic_revision" in manifest
    assert manifest["workspace"]["id"] == demo.id and manifest["workspace"]["name"] == demo.name
    assert manifest["workspace"]["cadence_a_days"] == demo.cadence_a_days
    assert set(manifest["files"]) == set(FILES)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, info in manifest["files"].items():
            raw = archive.read(name)
            assert hashlib.sha256(raw).hexdigest() == info["sha256"]
            assert len(json.loads(raw)) == info["count"]
    assert manifest["files"]["partners.json"]["count"] == 60
    assert manifest["files"]["members.json"]["count"] == 3  # the owner and the demo's two teammates
    assert set(NOT_BACKED_UP) <= set(manifest["not_included"])


def test_no_password_hash_session_or_token_is_in_the_file(session, demo, user):
    invite, invite_token = accounts.create_invite(session, demo, user, NOW)
    _feed, feed_token = calendar_feed.create_feed(session, user.id, NOW)
    session.commit()
    secrets = set(session.scalars(select(User.password_hash))) | {invite_token, feed_token}
    secrets |= set(session.scalars(select(StatementLink.token_hash))) | {invite.token_hash}
    secrets |= set(session.scalars(select(CalendarFeed.token_hash)))
    assert session.scalar(select(func.count(StatementLink.id))) > 0  # the demo makes statement links
    data = backup_bytes(session, demo.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    for secret in secrets:
        assert secret not in text
    for word in ("password", "token_hash", "session_version"):
        assert f'"{word}' not in text
    users = read_zip(data)["users.json"]
    assert {tuple(sorted(row)) for row in users} == {("email", "id", "locale", "name", "timezone")}


def _state(session):
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model)) for model in (Workspace, Partner, Membership, Invite)
    )


def _restore(session, data, user):
    try:
        return backup.restore_backup(session, data, actor=user, now=NOW)
    except backup.BackupError:
        session.rollback()
        raise


def _manifest(data):
    return read_zip(data)["manifest.json"]


def _with_manifest(data, **changes):
    manifest = {**_manifest(data), **changes}
    return rewrite(data, manifest_json=json.dumps(manifest).encode())


def _with_file(data, name, content: bytes, fix_checksum=True, count=None):
    """The backup with one file replaced; its manifest entry updated to match (a well-formed file)."""
    manifest = _manifest(data)
    if fix_checksum:
        manifest["files"][name] = {
            "count": count if count is not None else manifest["files"][name]["count"],
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    return rewrite(data, **{name.replace(".", "_"): content, "manifest_json": json.dumps(manifest).encode()})


REFUSALS = {
    "newer format": (
        lambda d: _with_manifest(d, schema_version=2),
        "This backup was made by a newer Orchard (format 2); upgrade Orchard to restore it.",
    ),
    "bad checksum": (
        lambda d: _with_file(d, "partners.json", b'[\n{"name":"Evil"}\n]\n', fix_checksum=False),
        "partners.json is damaged (checksum mismatch) — nothing was restored.",
    ),
    "wrong count": (
        lambda d: _with_file(d, "partners.json", b"[]\n", count=5),
        "partners.json is damaged (it holds 0 rows, the manifest says 5)",
    ),
    "missing file": (lambda d: rewrite(d, deals_json=None), "deals.json is missing from the backup"),
    "unlisted file": (
        lambda d: _with_manifest(d, files={k: v for k, v in _manifest(d)["files"].items() if k != "deals.json"}),
        "deals.json is missing from the manifest",
    ),
    "unknown file": (
        lambda d: _with_manifest(d, files={**_manifest(d)["files"], "spaceships.json": {"count": 0, "sha256": ""}}),
        "The backup holds spaceships.json, which this Orchard does not know",
    ),
    "no manifest": (lambda d: rewrite(d, manifest_json=None), "has no manifest.json"),
    "other manifest": (lambda d: _with_manifest(d, format="something-else"), "is not an Orchard backup"),
    "truncated": (lambda d: d[: len(d) - 200], "The backup file is incomplete"),
    "not a zip": (lambda d: b"name,email\nGarden,a@b.c\n", "not a zip file"),
    "empty": (lambda d: b"", "The file is empty"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_written(session, user, workspace, case):
    make_partner(workspace, name="Garden")
    damage, message = REFUSALS[case]
    data = damage(backup_bytes(session, workspace.id))
    before = _state(session)
    with pytest.raises(backup.BackupError) as refused:
        _restore(session, data, user)
    assert message in refused.value.message and refused.value.field == "file"
    assert _state(session) == before


def _partner_rows(data):
    return read_zip(data)["partners.json"]


def _lines(rows) -> bytes:
    return ("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]\n").encode()


@pytest.mark.parametrize(
    ("content", "count"),
    [(b'[\n["not", "an", "object"]\n]\n', 0), (b"[\n{broken json\n]\n", 1)],
    ids=["not an object", "not json"],
)
def test_rows_that_cannot_be_read_are_refused(session, user, workspace, content, count):
    make_partner(workspace)
    data = _with_file(backup_bytes(session, workspace.id), "partners.json", content, count=count)
    before = _state(session)
    with pytest.raises(backup.BackupError, match=r"partners.json is damaged \(it cannot be read\)"):
        _restore(session, data, user)
    assert _state(session) == before


def test_settings_the_database_refuses_are_refused(session, user, workspace):
    data = backup_bytes(session, workspace.id)
    manifest = _manifest(data)
    manifest["workspace"]["cadence_a_days"] = "often"
    data = rewrite(data, manifest_json=json.dumps(manifest).encode())
    before = _state(session)
    with pytest.raises(backup.BackupError, match=r"settings are not valid \(Choose between 1 and 365 days.\)"):
        _restore(session, data, user)
    assert _state(session) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda row: {**row, "colour": "red"}, "partners.json has a column this Orchard does not know (colour)"),
        (lambda row: {**row, "created_at": "yesterday"}, "partners.json is damaged (a value cannot be read"),
        (lambda row: {**row, "referred_by_id": 987654}, "refers to a row of partners.json that is not there"),
        (lambda row: {**row, "name": None}, "partners.json has a row the database refuses (IntegrityError)"),
        (lambda row: {**row, "id": None}, "partners.json is damaged (a row without its id)"),
    ],
    ids=["unknown column", "bad value", "dangling reference", "refused by the database", "no id"],
)
def test_rows_that_cannot_be_restored_undo_everything(session, user, workspace, change, message):
    for n in range(3):
        make_partner(workspace, name=f"P{n}")
    data = backup_bytes(session, workspace.id)
    rows = _partner_rows(data)
    rows[-1] = change(rows[-1])
    data = _with_file(data, "partners.json", _lines(rows))
    before = _state(session)
    with pytest.raises(backup.BackupError) as refused:
        _restore(session, data, user)
    assert message in refused.value.message
    assert _state(session) == before
