"""Import wizard, steps 3–4: the preview (counts, filter tabs, 50 rows a page with their problems
and matches, an action per row saved at once with htmx, one action for a whole filter) and the run,
which is always a job: the browser follows its progress bar."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db, htmx
from app.imports import bp
from app.imports.common import EDITABLE, continue_url, lock_run, queue_job, run_or_404, unfinished_job
from app.imports.forms import ACTION_LABELS, ConfirmForm, DecideAllForm
from app.imports.mapping import field_label
from app.models import Partner
from app.models.importing import ROW_ACTIONS, ImportRow
from app.services import ServiceError, importing
from app.services.importing.fields import FIELD_BY_KEY, Mapping
from app.services.importing.parsing import problem_key
from app.tenancy import scoped
from app.web import page_arg, render, url_template

PER_PAGE = 50
FILTERS = {
    "": _l("All"),
    "problems": _l("Problems"),
    "duplicates": _l("Duplicates"),
    "new": _l("New"),
}
MATCH_LABELS = {
    "email": _l("same email"),
    "domain": _l("same website domain"),
    "name": _l("similar name"),
    "id": _l("same Orchard ID"),
    "file": _l("same as row %(n)s of this file"),
}
SAME_NAME = _l("same name")


def _only() -> str:
    only = request.values.get("only", "")
    return only if only in FILTERS else ""


def _shown_columns(run) -> list[tuple[int, str, str]]:
    """The mapped columns, in file order: (index, header, problem key: the field, and "#slot" for a
    contact after the first, as the import service files its problems)."""
    mapping = Mapping.from_json(run.mapping)
    return [(c.index, c.header, problem_key(c.field, c.slot)) for c in mapping.columns if c.field]


def _problem_label(key: str) -> str:
    field, _sep, slot = key.partition("#")
    label = field_label(field) if field in FIELD_BY_KEY else field.capitalize()
    return _("%(field)s (contact %(n)s)", field=label, n=slot) if slot else label


def _row_view(row, columns, partners, skipped_referrers=frozenset()) -> dict:
    """What the template shows of one row: its mapped cells, each with the problem of its field,
    the problems no shown cell carries, and the match."""
    # the row's problems, and the notes that do not keep it out (an unknown owner, a referrer row that
    # is not imported), each by its cell
    problems = {**((row.parsed or {}).get("notes") or {}), **(row.problems or {})}
    if row.referrer_row in skipped_referrers and "partner.referred_by" not in problems:
        problems["partner.referred_by"] = _(
            "Row %(n)s, its referrer, is not imported: this partner comes in without a referrer.", n=row.referrer_row
        )
    cells = []
    for index, _header, key in columns:
        value = row.values[index] if index < len(row.values) else ""
        cells.append((value, problems.pop(key, None)))
    match = None
    if row.match_partner_id and row.match_partner_id in partners:
        reason = row.match_reason or ""
        label = SAME_NAME if reason == "name" and (row.match_score or 0) >= 100 else MATCH_LABELS.get(reason, reason)
        match = {
            "id": row.match_partner_id,
            "name": partners[row.match_partner_id],
            "reason": label % {"n": row.same_as} if reason == "file" else str(label),
        }
    elif row.match_reason == "file" and row.same_as:
        match = {"id": None, "name": None, "reason": MATCH_LABELS["file"] % {"n": row.same_as}}
    other = [(_problem_label(key), message) for key, message in problems.items()]
    return {"row": row, "cells": cells, "other_problems": other, "match": match}


def _partner_names(rows) -> dict[int, str]:
    ids = {row.match_partner_id for row in rows if row.match_partner_id}
    if not ids:
        return {}
    return dict(db.session.execute(scoped(Partner, Partner.id, Partner.name).where(Partner.id.in_(ids))).all())


def _row_context(run, columns) -> dict:
    return {
        "run": run,
        "columns": columns,
        "action_labels": ACTION_LABELS,
        "actions": ROW_ACTIONS,
        "partner_url": url_template("partners.show", "partner_id"),
        "decide_url": url_template("imports.decide", "row_id", run_id=run.id),
    }


@bp.route("/<int:run_id>/preview")
def preview(run_id):
    run = run_or_404(run_id)
    if run.status not in EDITABLE:
        return redirect(continue_url(run))
    if run.status != "previewed":
        return redirect(url_for("imports.map_columns", run_id=run.id))
    only = _only()
    page_no = page_arg()
    result = importing.preview(db.session, run, page=page_no, per_page=PER_PAGE, only=only or None)
    columns = _shown_columns(run)
    partners = _partner_names(result.rows)
    skipped = importing.skipped_referrers(db.session, run, result.rows)
    pages = max(1, -(-result.total // PER_PAGE))
    return render(
        "imports/preview.html",
        rows=[_row_view(row, columns, partners, skipped) for row in result.rows],
        counts=result.counts,
        total=result.total,
        page=page_no,
        pages=pages,
        only=only,
        filters=FILTERS,
        decide_all_form=DecideAllForm(formdata=None, only=only),
        run_form=ConfirmForm(),
        **_row_context(run, columns),
    )


@bp.route("/<int:run_id>/rows/<int:row_id>/action", methods=["POST"])
def decide(run_id, row_id):
    """One row's action (create / update / skip), saved at once: htmx swaps the row and the counts."""
    run = run_or_404(run_id)
    row = db.session.scalar(select(ImportRow).where(ImportRow.run_id == run.id, ImportRow.id == row_id))
    if row is None:
        abort(404)
    if run.status not in EDITABLE:
        return redirect(continue_url(run))
    number = row.number
    action = request.form.get(f"action-{number}") or request.form.get("action", "")
    error = None
    if action not in ROW_ACTIONS:
        error = _("Choose create, update or skip.")
    else:
        try:
            importing.decide(db.session, run, number, action)
            db.session.commit()
        except ServiceError as refused:
            db.session.rollback()
            error = refused.message
    if not htmx or htmx.boosted:
        flash(error or _("Row %(n)s: saved.", n=number), "error" if error else "success")
        return redirect(url_for("imports.preview", run_id=run_id, only=_only() or None, page=request.form.get("page")))
    db.session.refresh(row)
    result = importing.preview(db.session, run, page=1, per_page=1, only=None)
    columns = _shown_columns(run)
    return render(
        "imports/_row_response.html",
        item=_row_view(row, columns, _partner_names([row]), importing.skipped_referrers(db.session, run, [row])),
        counts=result.counts,
        error=error,
        status=422 if error else 200,
        **_row_context(run, columns),
    )


@bp.route("/<int:run_id>/decide-all", methods=["POST"])
def decide_all(run_id):
    run = run_or_404(run_id)
    if run.status not in EDITABLE:
        return redirect(continue_url(run))
    form = DecideAllForm()
    only = form.only.data if form.only.data in FILTERS else ""
    if form.validate_on_submit():
        try:
            changed = importing.decide_all(db.session, run, form.action.data, only=only or None)
            db.session.commit()
        except ServiceError as refused:
            db.session.rollback()
            flash(refused.message, "error")
        else:
            flash(
                ngettext(
                    "%(num)s row set to “%(action)s”.",
                    "%(num)s rows set to “%(action)s”.",
                    changed,
                    action=ACTION_LABELS[form.action.data],
                ),
                "success",
            )
    else:
        flash(_("Choose create, update or skip."), "error")
    return redirect(url_for("imports.preview", run_id=run.id, only=only or None))


@bp.route("/<int:run_id>/run", methods=["POST"])
def run_import(run_id):
    """Start the import as a job and follow its progress. Pressed twice (two tabs, a double click),
    the second press finds the first one's job or its finished run and goes there: one import."""
    run = run_or_404(run_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("imports.preview", run_id=run.id))
    lock_run(run)
    running = unfinished_job(run, "import.execute")
    if running is not None:
        return redirect(url_for("jobs.show", job_id=running.id))
    if run.status != "previewed":
        flash(
            _("This import has already been run.") if run.status not in EDITABLE else _("Map the columns first."),
            "info",
        )
        return redirect(continue_url(run))
    if not run.row_count:
        flash(_("This file has no rows to import."), "info")
        return redirect(url_for("imports.preview", run_id=run.id))
    job_id = queue_job(run, "import.execute")
    return redirect(url_for("jobs.show", job_id=job_id))
