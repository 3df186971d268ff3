"""Writing a workspace backup, streamed: rows are fetched in batches and written into the zip entry
as they come (the checksum computed on the way), so a workspace of any size needs neither all its
rows nor a whole file in memory.

    manifest = write_backup(session, workspace_id, open("backup.zip", "wb"), now=now)
    for chunk in stream_backup(session, workspace_id, now=now): ...   # a download, piece by piece

Read inside one snapshot (`consistent_snapshot`) so the files agree with each other even while
others keep writing.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from datetime import datetime
from importlib import metadata
from typing import BinaryIO

from sqlalchemy import inspect, select, text, union
from sqlalchemy.orm import Session, lazyload, scoped_session

from app.models import Membership, User, Workspace
from app.services.backup.entities import (
    ENTITIES,
    MEMBERS,
    NOT_BACKED_UP,
    PER_USER_NOT_BACKED_UP,
    USER_COLUMNS,
    USERS,
)
from app.services.backup.manifest import BACKUP_SCHEMA_VERSION, FORMAT, MANIFEST, encode_line
from app.services.row_values import column_values

BATCH = 2000  # rows fetched per round trip
_COMPRESSION = {"compression": zipfile.ZIP_DEFLATED, "compresslevel": 6}


def consistent_snapshot(session: Session) -> None:
    """Make the session's next transaction read one snapshot of the database (the backup's files
    then agree with each other while others write). PostgreSQL: REPEATABLE READ, read only; call it
    before the transaction's first statement. SQLite: a read transaction in WAL mode already reads
    one snapshot."""
    current = session() if isinstance(session, scoped_session) else session
    if current.in_transaction():
        raise RuntimeError("consistent_snapshot() must come before the transaction's first statement")
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True})


def write_backup(session: Session, workspace_id: int, out: BinaryIO, *, now: datetime) -> dict:
    """Write the backup of a workspace to `out` (a binary file); returns the manifest."""
    *_, manifest = _write(session, workspace_id, out, now=now)
    return manifest


def stream_backup(session: Session, workspace_id: int, *, now: datetime) -> Iterator[bytes]:
    """The backup as a stream of bytes (for a download): nothing but the current batch is held."""
    sink = _Sink()
    steps = _write(session, workspace_id, sink, now=now)
    try:
        for _ in steps:
            chunk = sink.drain()
            if chunk:
                yield chunk
    finally:
        steps.close()  # a download stopped half-way closes the open database cursor now
    chunk = sink.drain()
    if chunk:
        yield chunk


class _Sink:
    """A write-only, unseekable file collecting what zipfile writes until it is drained."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class _ArrayWriter:
    """A JSON array written one row per line into an open zip entry, hashing and counting; rows are
    handed to the compressor about 64 KB at a time (one call per row costs more than the rest)."""

    FLUSH_AT = 64 * 1024

    def __init__(self, stream):
        self._stream = stream
        self._digest = hashlib.sha256()
        self._pending: list[bytes] = []
        self._size = 0
        self.count = 0

    def _put(self, data: bytes) -> None:
        self._pending.append(data)
        self._size += len(data)
        if self._size >= self.FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        data = b"".join(self._pending)
        self._digest.update(data)
        self._stream.write(data)
        self._pending.clear()
        self._size = 0

    def add(self, row: dict) -> None:
        self._put((b",\n" if self.count else b"[\n") + encode_line(row))
        self.count += 1

    def finish(self) -> dict:
        self._put(b"\n]\n" if self.count else b"[]\n")
        self._flush()
        return {"count": self.count, "sha256": self._digest.hexdigest()}


def _write(session: Session, workspace_id: int, out, *, now: datetime) -> Iterator:
    """Yields after every batch (the caller may drain `out`), and the manifest last."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise LookupError(workspace_id)
    files = {}
    with zipfile.ZipFile(out, "w", **_COMPRESSION) as archive:
        batches = [
            (f"{USERS}.json", _users(session, workspace_id), USER_COLUMNS),
            (f"{MEMBERS}.json", *_rows(session, Membership, workspace_id)),
            *((entity.file, *_rows(session, entity.model, workspace_id)) for entity in ENTITIES),
        ]
        for file, rows, keys in batches:
            with archive.open(file, "w", force_zip64=True) as stream:
                writer = _ArrayWriter(stream)
                for n, row in enumerate(rows, 1):
                    writer.add(column_values(row, keys))
                    if n % BATCH == 0:
                        yield None
                files[file] = writer.finish()
            yield None
        manifest = {
            "format": FORMAT,
            "schema_version": BACKUP_SCHEMA_VERSION,
            "alembic_revision": _alembic_revision(session),
            "app_version": _app_version(),
            "created_at": now.isoformat(),
            "workspace": column_values(workspace),
            "files": files,
            "not_included": {**NOT_BACKED_UP, **PER_USER_NOT_BACKED_UP},
        }
        archive.writestr(MANIFEST, encode_line(manifest))
    yield manifest


def _rows(session: Session, model, workspace_id: int):
    """(rows, column keys): the workspace's rows of a model in key order, fetched BATCH at a time
    as plain rows of its columns (no ORM objects to build: column_values reads a row's columns by
    name as it reads an object's). workspace_id is left out: the old id means nothing to a restore."""
    keys = [attr.key for attr in inspect(model).column_attrs if attr.key != "workspace_id"]
    stmt = (
        select(*(getattr(model, key) for key in keys))
        .where(model.workspace_id == workspace_id)
        .order_by(*model.__table__.primary_key.columns)
        .execution_options(yield_per=BATCH)
    )
    return _closing(session, stmt), keys


def _closing(session: Session, stmt):
    """The rows of `stmt`, its cursor (a server-side one on PostgreSQL) closed however the
    iteration ends."""
    result = session.execute(stmt)
    try:
        yield from result
    finally:
        result.close()


def _users(session: Session, workspace_id: int):
    """Every user the workspace's rows refer to: its members and whoever a row still names."""
    sources = [select(Membership.user_id).where(Membership.workspace_id == workspace_id)]
    for entity in ENTITIES:
        for column, target in entity.refs.items():
            if target == USERS:
                col = entity.table.c[column]
                sources.append(select(col).where(entity.table.c.workspace_id == workspace_id, col.is_not(None)))
    ids = union(*sources).subquery()
    stmt = select(User).where(User.id.in_(select(ids.c[0]))).order_by(User.id).options(lazyload("*"))
    yield from session.scalars(stmt)


def _alembic_revision(session: Session) -> str | None:
    """The database's migration revision, for information (None when it was made without Alembic)."""
    if not inspect(session.connection()).has_table("alembic_version"):
        return None
    return session.scalar(text("SELECT version_num FROM alembic_version"))


def _app_version() -> str | None:
    try:
        return metadata.version("orchard")
    except metadata.PackageNotFoundError:
        return None
