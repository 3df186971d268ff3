"""The backup file: a zip of one JSON file per entity and manifest.json, read and checked here.

    manifest.json  {"format": "orchard-backup", "schema_version": 1, "alembic_revision": "0001",
                    "created_at": "…", "app_version": "0.1.0", "workspace": {column values},
                    "files": {"partners.json": {"count": 60, "sha256": "…"}, …},
                    "not_included": {table: why}}
    partners.json  a JSON array, one row (column values, app/services/row_values.py) per line:
                   "[\\n{…},\\n{…}\\n]\\n" — so a restore reads it a line at a time.

BACKUP_SCHEMA_VERSION goes up by one whenever the format changes (a file, a column, a meaning);
a restore refuses a file from a newer format. `open_backup` checks the whole file (zip, manifest,
every listed file present with its checksum and row count, no unknown file) before anything is
read for writing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from app.messages import Plural
from app.services import ServiceError
from app.services.backup.entities import FILES

FORMAT = "orchard-backup"
BACKUP_SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
_ZIP_MAGIC = b"PK\x03\x04"


class BackupError(ServiceError):
    """The file cannot be restored; the message says why (shown next to the file field)."""

    def __init__(self, message: str | Plural, **params):
        super().__init__(message, field="file", **params)


def encode_line(row: dict[str, Any]) -> bytes:
    """One row as it is written to a file (sorted keys: the same row always gives the same bytes)."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class Backup:
    """An opened, fully checked backup: `manifest`, and `rows(file)` streaming a file's rows."""

    def __init__(self, archive: zipfile.ZipFile, manifest: dict):
        self._archive = archive
        self.manifest = manifest

    @property
    def workspace(self) -> dict:
        return self.manifest["workspace"]

    def count(self, file: str) -> int:
        return self.manifest["files"][file]["count"]

    def rows(self, file: str) -> Iterator[dict]:
        try:
            with self._archive.open(file) as stream:
                for line in io.TextIOWrapper(stream, encoding="utf-8"):
                    text = line.rstrip("\n")
                    if text in ("[", "]", "[]", ""):
                        continue
                    row = json.loads(text.removesuffix(","))
                    if not isinstance(row, dict):
                        raise ValueError("a row is not an object")
                    yield row
        except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise BackupError("%(file)s is damaged (it cannot be read) — nothing was restored.", file=file) from error

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> Backup:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_backup(source: bytes | BinaryIO) -> Backup:
    """Open and check a backup (bytes or a seekable binary file); BackupError when it cannot be
    restored. Reads every file once (checksums); nothing is kept in memory but the manifest."""
    fileobj = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    head = fileobj.read(4)
    fileobj.seek(0)
    if not head:
        raise BackupError("The file is empty. Choose an Orchard backup (.zip).")
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        if head == _ZIP_MAGIC:
            raise BackupError(
                "The backup file is incomplete (it was cut off, perhaps while downloading) — nothing was restored."
            ) from error
        raise BackupError("This file is not an Orchard backup (it is not a zip file).") from error
    try:
        manifest = _read_manifest(archive)
        _check_files(archive, manifest)
    except BaseException:
        archive.close()
        raise
    return Backup(archive, manifest)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise BackupError("This zip file is not an Orchard backup (it has no manifest.json).")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError("manifest.json is damaged (it cannot be read) — nothing was restored.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This zip file is not an Orchard backup (its manifest is of another kind).")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError("manifest.json is damaged (no valid format number) — nothing was restored.")
    if version > BACKUP_SCHEMA_VERSION:
        raise BackupError(
            "This backup was made by a newer Orchard (format %(version)s); upgrade Orchard to restore it.",
            version=version,
        )
    workspace, files = manifest.get("workspace"), manifest.get("files")
    if not isinstance(workspace, dict) or not isinstance(workspace.get("name"), str) or not isinstance(files, dict):
        raise BackupError(
            "manifest.json is damaged (the workspace or the file list is missing) — nothing was restored."
        )
    unknown = sorted(set(files) - set(FILES))
    if unknown:
        raise BackupError(
            "The backup holds %(files)s, which this Orchard does not know — nothing was restored.",
            files=", ".join(unknown),
        )
    for file in FILES:
        info = files.get(file)
        if (
            not isinstance(info, dict)
            or not isinstance(info.get("count"), int)
            or not isinstance(info.get("sha256"), str)
        ):
            raise BackupError("%(file)s is missing from the manifest — nothing was restored.", file=file)
        if file not in names:
            raise BackupError("%(file)s is missing from the backup — nothing was restored.", file=file)
    return manifest


def _check_files(archive: zipfile.ZipFile, manifest: dict) -> None:
    for file in FILES:
        expected = manifest["files"][file]
        digest, rows = hashlib.sha256(), 0
        try:
            with archive.open(file) as stream:
                for line in stream:
                    digest.update(line)
                    rows += line.startswith(b"{")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise BackupError("%(file)s is damaged (it cannot be read) — nothing was restored.", file=file) from error
        if digest.hexdigest() != expected["sha256"]:
            raise BackupError("%(file)s is damaged (checksum mismatch) — nothing was restored.", file=file)
        if rows != expected["count"]:
            raise BackupError(
                "%(file)s is damaged (it holds %(rows)s rows, the manifest says %(expected)s) — nothing was restored.",
                file=file,
                rows=rows,
                expected=expected["count"],
            )
