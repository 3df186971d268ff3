"""A backup reads one snapshot: rows written by others while it runs are not half in it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from app import database
from app.extensions import db
from app.models import Contact, Partner
from app.services import backup
from tests.backup.helpers import read_zip
from tests.conftest import NOW, make_contact, make_partner


def test_rows_written_during_the_export_are_not_in_it(session, workspace):
    garden = make_partner(workspace, name="Before")
    make_contact(garden, name="Old contact")
    workspace_id, garden_id = workspace.id, garden.id
    session.rollback()
    token = database.begin_read_only_for("GET")  # as a download request: SQLite reads without the write lock
    try:
        backup.consistent_snapshot(session)
        chunks = backup.stream_backup(session, workspace_id, now=NOW)
        first = next(chunks)  # the export has begun reading
        with db.engine.begin() as other:  # someone else adds a partner and a contact meanwhile
            other.execute(insert(Partner.__table__).values(workspace_id=workspace_id, name="During", name_key="during"))
            other.execute(
                insert(Contact.__table__).values(workspace_id=workspace_id, partner_id=garden_id, name="New contact")
            )
        data = first + b"".join(chunks)
    finally:
        session.rollback()
        database.end_request(token)
    files = read_zip(data)
    assert [row["name"] for row in files["partners.json"]] == ["Before"]
    assert [row["name"] for row in files["contacts.json"]] == ["Old contact"]


def test_the_snapshot_must_begin_the_transaction(session, workspace):
    make_partner(workspace)  # leaves the session in a transaction
    session.get(Partner, 1)
    with pytest.raises(RuntimeError, match="first statement"):
        backup.consistent_snapshot(session)


def test_a_download_stopped_half_way_leaves_no_cursor_open(session, demo):
    session.rollback()
    backup.consistent_snapshot(session)
    chunks = backup.stream_backup(session, demo.id, now=NOW)
    assert next(chunks)  # a first piece went out (the export is inside a file's rows)
    for _ in range(3):
        next(chunks)
    chunks.close()  # the client went away
    session.rollback()
    assert session.scalar(select(func.count(Partner.id))) == 60  # the session works on
