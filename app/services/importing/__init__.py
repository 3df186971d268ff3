"""Bringing a book into Orchard: reading files (readers, formats), the field catalogue and mapping
(fields), and the import run itself — preview, duplicate matching, execution and undo.

    runs.py          start_import, set_mapping, get_run, preview, decide, decide_all
    parsing.py       one row's cells → values and problems
    matching_rows.py duplicates in the book and in the file
    referrers.py     "referred by" across rows, loops
    preparing.py     prepare: the preview's rows
    execution.py     execute: writing them, resumably
    undo.py          undo
    failed_rows.py   the rows not imported, as a CSV
    saved_mappings.py
"""

from app.services.importing.execution import execute
from app.services.importing.failed_rows import failed_rows, failed_rows_csv, problem_label
from app.services.importing.preparing import prepare
from app.services.importing.runs import (
    PreviewPage,
    RunNotFound,
    check_mapping,
    counts,
    decide,
    decide_all,
    get_run,
    preview,
    set_mapping,
    skipped_referrers,
    start_import,
)
from app.services.importing.saved_mappings import (
    delete_saved_mapping,
    mapping_for,
    save_mapping,
    saved_mapping,
    saved_mappings,
)
from app.services.importing.undo import UNDO_DAYS, undo

__all__ = [
    "UNDO_DAYS",
    "PreviewPage",
    "RunNotFound",
    "check_mapping",
    "counts",
    "decide",
    "decide_all",
    "delete_saved_mapping",
    "execute",
    "failed_rows",
    "failed_rows_csv",
    "get_run",
    "mapping_for",
    "prepare",
    "preview",
    "problem_label",
    "save_mapping",
    "saved_mapping",
    "saved_mappings",
    "set_mapping",
    "skipped_referrers",
    "start_import",
    "undo",
]
