"""Import wizard, steps 1–2: the imports list, the upload, the column mapping. The preview and run
are in preview_routes.py, the result and undo in result_routes.py; the work itself is done by the
import service (app/services/importing) and, for big files, by jobs (app/jobs)."""

from __future__ import annotations

import os
from dataclasses import replace

from flask import current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.imports import bp
from app.imports.common import (
    EDITABLE,
    FORMAT_LABELS,
    RECOGNISED_LABELS,
    STATUS_LABELS,
    continue_url,
    inline_limit,
    queue_job,
    run_or_404,
)
from app.imports.forms import ACCEPT, KIND_LABELS, MappingForm, UploadForm
from app.imports.mapping import (
    CHOICE_LABELS,
    MAX_DISTINCT,
    field_groups,
    field_label,
    guess_choice,
    read_posted,
    summarise,
)
from app.models import User
from app.models.importing import ImportRun, SavedMapping
from app.services import ServiceError, importing
from app.services import jobs as job_service
from app.services.importing.fields import FIELD_BY_KEY, MAX_CONTACT_SLOTS, Mapping
from app.services.importing.readers import read_table
from app.tenancy import scoped
from app.web import blueprint_nav_section, now_utc, page_arg, render, unit_of_work

blueprint_nav_section(bp, "partners")
LIST_PER_PAGE = 25

from app.imports import preview_routes, result_routes  # noqa: E402,F401  (the other steps' views)


@bp.route("/")
def index():
    page = page_arg()
    rows = db.session.execute(
        scoped(ImportRun, ImportRun, User.name)
        .outerjoin(User, User.id == ImportRun.created_by_id)
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        .limit(LIST_PER_PAGE + 1)
        .offset((page - 1) * LIST_PER_PAGE)
    ).all()
    has_next = len(rows) > LIST_PER_PAGE
    rows = rows[:LIST_PER_PAGE]
    jobs = job_service.latest_jobs(db.session, g.workspace, "import.", [run.id for run, _name in rows])
    items = [(run, name, jobs.get(run.id), continue_url(run, jobs.get(run.id))) for run, name in rows]
    return render(
        "imports/index.html",
        items=items,
        page=page,
        has_next=has_next,
        status_labels=STATUS_LABELS,
        format_labels=FORMAT_LABELS,
    )


# --- step 1: upload ------------------------------------------------------------------------------


def _upload_form(*, from_request: bool = True):
    form = UploadForm() if from_request else UploadForm(formdata=None)
    form.set_saved_choices(importing.saved_mappings(db.session, g.workspace))
    return form


def _upload_page(form, status=200):
    limit_mb = current_app.config["IMPORT_MAX_FILE_BYTES"] // (1024 * 1024)
    return render(
        "imports/upload.html", form=form, accept=ACCEPT, limit_mb=limit_mb, kind_labels=KIND_LABELS, status=status
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A body over MAX_CONTENT_LENGTH never reaches the view (nothing of the form can be read): the
    upload page again, with the limit next to the file field."""
    form = _upload_form(from_request=False)
    limit_mb = current_app.config["IMPORT_MAX_FILE_BYTES"] // (1024 * 1024)
    form.file.errors = [
        _(
            "The file is larger than %(mb)s MB. Split it into smaller files, or save only the columns you need.",
            mb=limit_mb,
        )
    ]
    return _upload_page(form, status=413)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _upload_form()
    like = run_or_404(request.args.get("like")) if request.args.get("like") and request.method == "GET" else None
    if like is not None:
        form.kind.data, form.like.data = like.kind, str(like.id)
    chosen = request.args.get("saved", "")
    if request.method == "GET" and chosen.isdigit() and int(chosen) in {c[0] for c in form.saved.choices}:
        form.saved.data = int(chosen)
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(current_app.config["IMPORT_MAX_FILE_BYTES"] + 1)
        if len(data) > current_app.config["IMPORT_MAX_FILE_BYTES"]:
            limit_mb = current_app.config["IMPORT_MAX_FILE_BYTES"] // (1024 * 1024)
            form.file.errors = [_("The file is larger than %(mb)s MB. Split it into smaller files.", mb=limit_mb)]
        else:
            try:
                run = importing.start_import(
                    db.session,
                    g.workspace,
                    current_user,
                    file_name=os.path.basename(upload.filename or "upload")[:255],
                    data=data,
                    kind=form.kind.data,
                    now=now_utc(),
                )
                db.session.flush()
                run_id = run.id
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                target = form.kind if error.field == "kind" else form.file
                target.errors = [*target.errors, error.message]
            else:
                args = {"run_id": run_id}
                if form.saved.data:
                    args["saved"] = form.saved.data
                elif form.like.data and form.like.data.isdigit():
                    args["like"] = form.like.data
                return redirect(url_for("imports.map_columns", **args))
    status = 422 if form.errors else 200
    return _upload_page(form, status=status)


@bp.route("/saved")
def saved():
    """The saved settings of this workspace, each a start for a new import."""
    mappings = importing.saved_mappings(db.session, g.workspace)
    summaries = [(m, sum(1 for c in (m.mapping or {}).get("columns", []) if c.get("field"))) for m in mappings]
    return render("imports/saved.html", summaries=summaries)


@bp.route("/saved/<int:saved_id>/delete", methods=["POST"])
def delete_saved(saved_id):
    with unit_of_work():  # deleted a moment ago (another tab) or another workspace's: 404
        name = importing.delete_saved_mapping(db.session, g.workspace, saved_id)
    flash(_("“%(name)s” deleted.", name=name), "success")
    return redirect(url_for("imports.saved"))


# --- step 2: map columns -------------------------------------------------------------------------


def _starting_mapping(run) -> tuple[Mapping, str | None]:
    """The mapping the page starts from: a saved one or an earlier run's when asked, else the run's
    own (the guess, or what the user chose before going back). Returns it and where it came from."""
    saved_id, like_id = request.args.get("saved", ""), request.args.get("like", "")
    source = None  # (its mapping's JSON, its name)
    if saved_id.isdigit():
        saved = db.session.scalar(scoped(SavedMapping).where(SavedMapping.id == int(saved_id)))
        source = (saved.mapping, saved.name) if saved is not None else None
    if source is None and like_id.isdigit():
        earlier = db.session.scalar(scoped(ImportRun).where(ImportRun.id == int(like_id)))
        source = (earlier.mapping, earlier.file_name) if earlier is not None else None
    try:
        if source is not None:
            fitted = Mapping.from_json(source[0]).applied_to(run.headers)
            return replace(fitted, kind=run.kind), source[1]
    except ServiceError:
        pass  # a saved mapping this version cannot read: start from the run's own
    return Mapping.from_json(run.mapping), None


def _value_maps(mapping: Mapping, summary) -> list[dict]:
    """For each mapped choice field: the file's distinct values with counts and the choice each maps to."""
    sections = []
    for key, f in FIELD_BY_KEY.items():
        if not f.choices:
            continue
        columns = [c for c in mapping.columns if c.field == key and c.index < len(summary)]
        if not columns:
            continue
        counts: dict[str, int] = {}
        more = False
        for column in columns:
            values = summary[column.index]
            more = more or values.more or len(values.counts) > MAX_DISTINCT
            for value, n in values.top():
                counts[value] = counts.get(value, 0) + n
        known = mapping.values.get(key, {})
        items = [
            (value, n, guess_choice(key, value, known)) for value, n in sorted(counts.items(), key=lambda i: -i[1])
        ]
        labels = CHOICE_LABELS.get(key, {})
        choices = [(choice, str(labels.get(choice, choice))) for choice in f.choices]
        sections.append(
            {"key": key, "label": field_label(key), "items": items[:MAX_DISTINCT], "choices": choices, "more": more}
        )
    return sections


def _mapping_page(run, form, mapping, *, source=None, errors=None, status=200):
    table = read_table(run.file_data, run.file_name)
    summary = summarise(table, run.headers)
    return render(
        "imports/map.html",
        "imports/_value_maps.html",
        run=run,
        form=form,
        mapping=mapping,
        columns=list(zip(run.headers, summary, mapping.columns, strict=False)),
        groups=field_groups(),
        repeatable={key for key, f in FIELD_BY_KEY.items() if f.repeatable},
        slots=range(1, MAX_CONTACT_SLOTS + 1),
        value_maps=_value_maps(mapping, summary),
        recognised=RECOGNISED_LABELS.get(run.recognised or ""),
        file_notes=table.warnings,
        source=source,
        errors=errors or {},
        status=status,
    )


def _not_editable(run):
    return redirect(continue_url(run))


@bp.route("/<int:run_id>/map", methods=["GET", "POST"])
def map_columns(run_id):
    run = run_or_404(run_id)
    if run.status not in EDITABLE:
        return _not_editable(run)
    form = MappingForm()
    if request.method == "GET":
        mapping, source = _starting_mapping(run)
        form.on_match.data = mapping.on_match
        job = job_service.latest_jobs(db.session, g.workspace, "import.", [run.id]).get(run.id)
        if job is not None and job.kind == "import.prepare" and job.status == "failed":
            form.form_errors.append(_("Building the preview stopped: %(message)s", message=job.message or ""))
        return _mapping_page(run, form, mapping, source=source)
    posted = read_posted(request.form, run.headers, run.kind, form.on_match.data)
    errors = dict(posted.errors)
    if form.validate_on_submit() and not errors:
        try:
            importing.set_mapping(db.session, run, posted.mapping, now=now_utc())
            if form.save_as.data and form.save_as.data.strip():
                importing.save_mapping(db.session, g.workspace, form.save_as.data.strip(), posted.mapping)
            db.session.flush()
        except ServiceError as error:
            db.session.rollback()
            _place_error(error, posted.mapping, form, errors)
        else:
            return _prepare(run)
    return _mapping_page(run, form, posted.mapping, errors=errors, status=422)


def _place_error(error, mapping, form, errors) -> None:
    """A mapping refusal next to what it names: the columns it quotes ('Company') or of its field, the
    name to save, or else the top of the form."""
    columns = [c.index for c in mapping.columns if f"'{c.header}'" in error.english]
    columns = columns or [c.index for c in mapping.columns if error.field and c.field == error.field]
    if columns:
        for index in columns:
            errors[index] = error.message
    elif error.field in ("name", "save_as"):
        form.save_as.errors = [*form.save_as.errors, error.message]
    elif error.field == "on_match":
        form.on_match.errors = [*form.on_match.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _prepare(run):
    """Build the preview: inline for a small file, as a job for a big one (the job page follows it)."""
    if run.row_count > inline_limit():
        job_id = queue_job(run, "import.prepare")
        return redirect(url_for("jobs.show", job_id=job_id))
    importing.prepare(db.session, run, now=now_utc())
    run_id = run.id
    db.session.commit()
    return redirect(url_for("imports.preview", run_id=run_id))


@bp.route("/<int:run_id>/map/values", methods=["POST"])
def map_values(run_id):
    """The value-mapping section again for the columns as they are now chosen (htmx, on change);
    nothing is saved."""
    run = run_or_404(run_id)
    if run.status not in EDITABLE:
        return _not_editable(run)
    form = MappingForm()
    posted = read_posted(request.form, run.headers, run.kind, form.on_match.data)
    return _mapping_page(run, form, posted.mapping, errors=posted.errors)
