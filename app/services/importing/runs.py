"""An import run from upload to preview: start it from a file, set its mapping, read its preview a
page at a time, and choose per row (or for all) what to do: create, update the match, or skip."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.messages import N_, Text
from app.models import ImportRow, ImportRun
from app.models.importing import ROW_ACTIONS
from app.services import Gone, ServiceError
from app.services.importing.fields import FIELD_BY_KEY, IMPORT_KINDS, Mapping
from app.services.importing.formats import guess_mapping, recognise
from app.services.importing.readers import read_table

PREVIEW_FILTERS = (None, "problems", "duplicates", "new")
EDITABLE = ("uploaded", "previewed")
# In a contacts import a row is a contact: of the partner fields only the name (the company) is read.
CONTACTS_KIND_FIELDS = ("partner.name",)


def used_by(kind: str, key: str) -> bool:
    """Whether an import of `kind` reads the field (a contacts import leaves partner and deal fields)."""
    return kind == "partners" or FIELD_BY_KEY[key].entity == "contact" or key in CONTACTS_KIND_FIELDS


class RunNotFound(Gone):
    """No import of that id in this workspace (the route answers 404)."""

    def __init__(self):
        ServiceError.__init__(self, N_("No such import in this workspace."))


def get_run(session: Session, workspace, run_id) -> ImportRun:
    run = session.scalar(select(ImportRun).where(ImportRun.id == run_id, ImportRun.workspace_id == workspace.id))
    if run is None:
        raise RunNotFound()
    return run


def start_import(session: Session, workspace, actor, *, file_name: str, data: bytes, kind: str, now: datetime):
    """Read the file (ImportFileError when it is not a table Orchard can read), guess the mapping,
    keep the file, its headers and its row count on a new run."""
    if kind not in IMPORT_KINDS:
        raise ServiceError("Choose what each row is: a partner or a contact.", "kind")
    table = read_table(data, file_name)
    mapping = guess_mapping(table.headers, kind)
    run = ImportRun(
        workspace_id=workspace.id,
        created_by_id=actor.id if actor is not None else None,
        file_name=(file_name or "import")[:255],
        file_format=table.format,
        recognised=recognise(table.headers),
        file_data=data,
        headers=table.headers,
        row_count=table.row_count(),
        kind=kind,
        mapping=mapping.to_json(),
        status="uploaded",
        created_at=now,
    )
    session.add(run)
    session.flush()
    return run


def check_mapping(mapping: Mapping, headers: list[str]) -> None:
    """Refuse a mapping that cannot import anything, or maps one field twice (ServiceError naming it)."""
    seen: dict[tuple[str, int], str] = {}
    for column in mapping.columns:
        if column.field is None:
            continue
        if not 0 <= column.index < len(headers):
            raise ServiceError("Column '%(header)s' is not in this file.", "mapping", header=column.header)
        label = FIELD_BY_KEY[column.field].label
        if not used_by(mapping.kind, column.field):
            continue
        key = (column.field, column.slot if FIELD_BY_KEY[column.field].repeatable else 1)
        if key in seen:
            both = {"first": seen[key], "second": column.header, "label": Text(label)}
            if FIELD_BY_KEY[column.field].repeatable:
                raise ServiceError(
                    "'%(first)s' and '%(second)s' are both mapped to %(label)s (contact %(slot)s): map one of them.",
                    "mapping",
                    slot=key[1],
                    **both,
                )
            raise ServiceError(
                "'%(first)s' and '%(second)s' are both mapped to %(label)s: map one of them.", "mapping", **both
            )
        seen[key] = column.header
    fields = {key for key, _slot in seen}
    if mapping.kind == "contacts":
        if "partner.name" not in fields:
            raise ServiceError(
                "Map a column to Partner name (the company): each contact is attached to its partner by name.",
                "mapping",
            )
        if not fields & {"contact.name", "contact.first_name", "contact.last_name", "contact.email"}:
            raise ServiceError("Map a column to Contact name or Contact email.", "mapping")
    elif not fields & {"partner.name", "contact.name", "contact.first_name", "contact.last_name"}:
        raise ServiceError("Map a column to Partner name (or to Contact name, for people).", "mapping")


def set_mapping(session: Session, run: ImportRun, mapping: Mapping, *, now: datetime) -> None:
    if run.status not in EDITABLE:
        raise ServiceError("This import has already run; start a new one to change the mapping.", "mapping")
    check_mapping(mapping, run.headers)
    run.mapping = mapping.to_json()
    run.kind = mapping.kind
    run.status = "uploaded"  # the preview is made again for the new mapping
    session.flush()


@dataclass
class PreviewPage:
    rows: list[ImportRow]
    total: int  # rows matching the filter
    counts: dict = field(default_factory=dict)
    page: int = 1
    per_page: int = 50


def _filtered(run: ImportRun, only: str | None):
    conditions = [ImportRow.run_id == run.id]
    if only == "problems":
        conditions.append(ImportRow.problem_count > 0)
    elif only == "duplicates":
        conditions.append(ImportRow.match_reason.is_not(None))
    elif only == "new":
        conditions += [ImportRow.action == "create", ImportRow.problem_count == 0]
    return conditions


def counts(session: Session, run: ImportRun) -> dict:
    """rows, new, updates, duplicates (in the file), skipped, problems (rows), problems_by_field, and
    after a run its results: three queries, whatever the number of rows."""
    grouped = session.execute(
        select(ImportRow.action, ImportRow.match_reason, ImportRow.problem_count, ImportRow.result, func.count())
        .where(ImportRow.run_id == run.id)
        .group_by(ImportRow.action, ImportRow.match_reason, ImportRow.problem_count, ImportRow.result)
    ).all()
    result = {"rows": 0, "new": 0, "updates": 0, "duplicates": 0, "matches": 0, "skipped": 0, "problems": 0}
    results: Counter = Counter()
    for action, reason, has_problems, outcome, n in grouped:
        result["rows"] += n
        if outcome:
            results[outcome] += n
        if has_problems:
            result["problems"] += n
            continue
        if reason == "file":
            result["duplicates"] += n
        elif reason:
            result["matches"] += n
        result[{"create": "new", "update": "updates", "skip": "skipped"}[action]] += n
    by_field: Counter = Counter()
    for (problems,) in session.execute(
        select(ImportRow.problems).where(ImportRow.run_id == run.id, ImportRow.problem_count > 0)
    ):
        by_field.update(key.split("#")[0] for key in problems)
    result["problems_by_field"] = dict(sorted(by_field.items()))
    result["results"] = dict(results)
    return result


def skipped_referrers(session: Session, run: ImportRun, rows) -> set[int]:
    """Of the file rows that `rows` name as their referrer, those that will not be imported (a problem,
    or skipped): their referrals then come in without a referrer, which the preview says. One query."""
    numbers = {row.referrer_row for row in rows if row.referrer_row}
    if not numbers:
        return set()
    return set(
        session.scalars(
            select(ImportRow.number).where(
                ImportRow.run_id == run.id, ImportRow.number.in_(numbers), ImportRow.action == "skip"
            )
        )
    )


def preview(session: Session, run: ImportRun, *, page: int = 1, per_page: int = 50, only: str | None = None):
    if only not in PREVIEW_FILTERS:
        only = None
    conditions = _filtered(run, only)
    total = session.scalar(select(func.count()).select_from(ImportRow).where(*conditions))
    page = max(1, page)
    rows = list(
        session.scalars(
            select(ImportRow)
            .where(*conditions)
            .order_by(ImportRow.number)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return PreviewPage(rows=rows, total=total, counts=counts(session, run), page=page, per_page=per_page)


def _check_decidable(run: ImportRun) -> None:
    if run.status != "previewed":
        raise ServiceError("This import is not waiting for decisions any more.", "action")


def decide(session: Session, run: ImportRun, number: int, action: str) -> ImportRow:
    _check_decidable(run)
    if action not in ROW_ACTIONS:
        raise ServiceError("Choose create, update or skip.", "action")
    row = session.scalar(select(ImportRow).where(ImportRow.run_id == run.id, ImportRow.number == number))
    if row is None:
        raise ServiceError("This file has no row %(number)s.", "action", number=number)
    if action != "skip" and row.problem_count:
        raise ServiceError(
            "Row %(number)s has problems: fix them in the file or the mapping first.", "action", number=number
        )
    if action == "update" and row.match_partner_id is None:
        raise ServiceError("Row %(number)s matches no partner to update.", "action", number=number)
    row.action = action
    session.flush()
    return row


def decide_all(session: Session, run: ImportRun, action: str, *, only: str | None = None) -> int:
    """The same action for every row (of a filter) it can apply to: rows with problems stay skipped,
    only rows with a match can update. Returns how many rows it set."""
    _check_decidable(run)
    if action not in ROW_ACTIONS:
        raise ServiceError("Choose create, update or skip.", "action")
    conditions = _filtered(run, only if only in PREVIEW_FILTERS else None)
    if action != "skip":
        conditions.append(ImportRow.problem_count == 0)
    if action == "update":
        conditions.append(ImportRow.match_partner_id.is_not(None))
    changed = session.execute(
        update(ImportRow).where(*conditions).values(action=action).execution_options(synchronize_session=False)
    )
    session.expire_all()
    return changed.rowcount
