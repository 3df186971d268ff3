"""Backups in tests: made into bytes, read back, and compared with the ids mapped through a restore."""

from __future__ import annotations

import io
import json
import zipfile

from app.services import backup
from app.services.backup.entities import ENTITIES, FILES, MEMBERS, REFERENCED, USERS
from tests.conftest import NOW


def backup_bytes(session, workspace_id, now=NOW) -> bytes:
    out = io.BytesIO()
    backup.write_backup(session, workspace_id, out, now=now)
    session.rollback()  # the export only reads
    return out.getvalue()


def read_zip(data: bytes) -> dict:
    """{file name: parsed JSON} of every file of a backup."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def rewrite(data: bytes, **files) -> bytes:
    """The backup with some files replaced (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            replacement = files.get(name.replace(".", "_"), source.read(name))
            if replacement is not None:
                target.writestr(name, replacement)
    return out.getvalue()


def _key(row) -> str:
    return json.dumps(row, sort_keys=True)


def comparable(files: dict, id_maps: dict | None = None) -> dict:
    """The content of a backup with every id replaced by the ORIGINAL's id (through the inverse of a
    restore's id maps; users by email), ids of rows nothing points at dropped; rows sorted."""
    back = {name: {new: old for old, new in mapping.items()} for name, mapping in (id_maps or {}).items()}

    def mapped(target, value):
        if value is None or id_maps is None:
            return value
        return back[target][value]

    users = {row["id"]: row["email"] for row in files[f"{USERS}.json"]}
    result = {
        USERS: sorted(_key({k: v for k, v in row.items() if k != "id"}) for row in files[f"{USERS}.json"]),
        MEMBERS: sorted(
            _key({**{k: v for k, v in row.items() if k != "id"}, "user_id": users[row["user_id"]]})
            for row in files[f"{MEMBERS}.json"]
        ),
    }
    for entity in ENTITIES:
        rows = []
        for row in files[entity.file]:
            row = dict(row)
            if entity.has_own_id:
                if entity.name in REFERENCED:
                    row["id"] = mapped(entity.name, row["id"])
                else:
                    row.pop("id")
            for column, target in entity.refs.items():
                if row[column] is None:
                    continue
                row[column] = users[row[column]] if target == USERS else mapped(target, row[column])
            rows.append(_key(row))
        result[entity.name] = sorted(rows)
    assert set(files) == {*FILES, "manifest.json"}
    return result
