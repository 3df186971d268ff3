"""Settings → Data: download a full backup of the workspace, restore one into a new workspace
(owners only; members see what the page is for and that only owners can use it)."""

from __future__ import annotations

import re

from flask import Response, g, redirect, session, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.extensions import db
from app.forms_base import Form as FlaskForm
from app.services import backup
from app.services.backup.restore import NAME_LENGTH
from app.settings import bp
from app.tenancy import require_owner
from app.web import now_utc as _now
from app.web import render, unit_of_work

RESULT_KEY = "restore_result"
MAX_LISTED_MEMBERS = 30  # unknown members shown on the result (the rest are counted)

# what each part of a backup is called on the result
LABELS = {
    "members": _l("Members"),
    "partners": _l("Partners"),
    "contacts": _l("Contacts"),
    "referrals": _l("Referrals"),
    "referral_changes": _l("Referrer changes (history)"),
    "terms_versions": _l("Terms versions"),
    "terms": _l("Current terms"),
    "deals": _l("Deals"),
    "commissions": _l("Commission entries"),
    "interactions": _l("Interactions"),
    "reminders": _l("Reminders"),
    "duplicate_dismissals": _l("Pairs marked “not duplicates”"),
    "saved_mappings": _l("Saved import settings"),
}


class RestoreForm(FlaskForm):
    file = FileField(_l("Backup file (.zip)"), validators=[FileRequired(_l("Choose the backup file to restore."))])
    name = StringField(_l("Name of the new workspace"), validators=[Optional(), Length(max=NAME_LENGTH)])


def _page(form: RestoreForm | None = None, status: int = 200):
    return render(
        "settings/data.html",
        section="data",
        form=form or RestoreForm(formdata=None),
        result=session.pop(RESULT_KEY, None),
        labels=LABELS,
        status=status,
    )


@bp.route("/data")
def data():
    return _page()


@bp.route("/data/backup")
def download_backup():
    """The backup as a download, streamed while it is written (a GET: it changes nothing)."""
    require_owner()
    workspace_id, name, now = g.workspace.id, g.workspace.name, _now()
    db.session.rollback()  # the backup reads one snapshot, in a transaction of its own
    backup.consistent_snapshot(db.session)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "workspace"
    filename = f"orchard-backup-{slug}-{now:%Y-%m-%d}.zip"
    chunks = stream_with_context(backup.stream_backup(db.session, workspace_id, now=now))
    return Response(
        chunks,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/data/restore", methods=["POST"])
def restore_backup():
    require_owner()
    form = RestoreForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    with unit_of_work(form) as uow:
        result = backup.restore_backup(
            db.session, form.file.data.stream, actor=current_user, name=form.name.data, now=_now()
        )
        outcome = {
            "workspace_id": result.workspace.id,
            "name": result.workspace.name,
            "counts": result.counts,
            "unknown": result.unknown_members[:MAX_LISTED_MEMBERS],
            "unknown_more": max(0, len(result.unknown_members) - MAX_LISTED_MEMBERS),
        }
    if not uow.ok:
        return _page(form, status=422)
    session[RESULT_KEY] = outcome
    return redirect(url_for("settings.data"))
