"""Helpers of the import tests: a run made from CSV text with an explicit mapping, its rows by number."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ImportRow
from app.services import importing
from app.services.importing.fields import ColumnMap, Mapping
from tests.conftest import NOW


def mapping_of(headers, fields: dict, *, kind="partners", values=None, on_match="fill") -> Mapping:
    """`fields`: header -> field key, or (field key, slot)."""
    columns = []
    for index, header in enumerate(headers):
        target = fields.get(header)
        key, slot = (target, 1) if not isinstance(target, tuple) else target
        columns.append(ColumnMap(header, index, key, slot))
    return Mapping(kind=kind, columns=columns, values=values or {}, on_match=on_match)


def csv_of(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def make_run(workspace, actor, rows, fields, *, kind="partners", values=None, on_match="fill", now=NOW, prepare=True):
    """A run of the CSV `rows` (headers first) with the mapping `fields`, prepared."""
    run = importing.start_import(
        db.session, workspace, actor, file_name="book.csv", data=csv_of(rows), kind=kind, now=now
    )
    importing.set_mapping(
        db.session, run, mapping_of(rows[0], fields, kind=kind, values=values, on_match=on_match), now=now
    )
    if prepare:
        importing.prepare(db.session, run, now=now)
    db.session.commit()
    return run


def rows_of(run) -> dict[int, ImportRow]:
    return {r.number: r for r in db.session.query(ImportRow).filter_by(run_id=run.id).order_by(ImportRow.number)}


@pytest.fixture
def importer(workspace, user):
    """make_run bound to the test workspace and its owner."""

    def make(rows, fields, **kwargs):
        return make_run(workspace, user, rows, fields, **kwargs)

    return make
