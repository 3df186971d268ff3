"""The rows an import did not bring in, as a CSV to fix and import again: the file's own columns,
then a "Problem" column saying what to fix."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from app.models import ImportRow, ImportRun
from app.services.exporting.csv_writer import write_csv
from app.services.importing.fields import FIELD_BY_KEY


def problem_label(key: str) -> str:
    """ "contact.email#2" → "Contact email (contact 2)"; keys that are not fields are shown as they are."""
    field, _, slot = key.partition("#")
    label = FIELD_BY_KEY[field].label if field in FIELD_BY_KEY else field.capitalize()
    return f"{label} (contact {slot})" if slot else label


def problem_text(problems: dict) -> str:
    return "; ".join(f"{problem_label(key)}: {message}" for key, message in problems.items())


def failed_rows(session: Session, run: ImportRun) -> list[ImportRow]:
    """The rows that failed, or were skipped because of their problems, in file order."""
    return list(
        session.scalars(
            select(ImportRow)
            .where(ImportRow.run_id == run.id, or_(ImportRow.result == "failed", ImportRow.problem_count > 0))
            .where(or_(ImportRow.result.is_(None), ImportRow.result.in_(("failed", "skipped"))))
            .order_by(ImportRow.number)
        )
    )


def failed_rows_csv(run_rows: Iterable[ImportRow], headers: list[str] | None = None) -> str:
    """The CSV of `run_rows` (see failed_rows) under the file's headers (`headers`, else those of
    the rows' run) and a "Problem" column."""
    run_rows = list(run_rows)
    if headers is None:
        headers = object_session(run_rows[0]).get(ImportRun, run_rows[0].run_id).headers if run_rows else []

    def lines():
        for row in run_rows:
            if row.result in ("created", "updated") or not (row.problem_count or row.result == "failed"):
                continue
            cells = list(row.values) + [""] * (len(headers) - len(row.values))
            yield [*cells[: len(headers)], problem_text(row.problems)]

    return "".join(write_csv(lines(), [*headers, "Problem"]))
