"""The ignore list (a section of Settings → Mail: templates/settings/_mail_ignore.html): add a
pattern, remove one. The section reads its own data (`mail_ignore_section()`), so any settings
page can include it; it is also a page of its own."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.mail_import import bp
from app.mail_import.forms import ConfirmForm, IgnoreForm
from app.models import Contact
from app.services import ServiceError
from app.services.mail_log import ignore, threads
from app.web import nav_section, now_utc, render, safe_next_url, unit_of_work, wants_fragment


@bp.app_template_global()
def mail_ignore_section(form=None, warning=None, confirm=None) -> dict:
    """What the ignore-list section shows: the defaults, the workspace's own patterns, the form;
    `warning` and `confirm` when a new pattern matches contacts and waits for a second submit."""
    return {
        "warning": warning,
        "confirm": confirm,
        "defaults": ignore.DEFAULT_PATTERNS,
        "rules": ignore.workspace_rules(db.session, g.workspace.id),
        "form": form or IgnoreForm(formdata=None),
        "remove_form": ConfirmForm(formdata=None),
        "muted": threads.muted_threads(db.session, g.workspace.id),
    }


def _section(form=None, status=200, **ask):
    """The section alone for htmx, else the page holding it."""
    section = mail_ignore_section(form, **ask)
    if wants_fragment():
        return render("settings/_mail_ignore.html", mail_ignore=section, status=status)
    return render("mail_import/ignore.html", mail_ignore=section, status=status)


def _back():
    return redirect(safe_next_url(request.form.get("next")) or url_for("mail_import.ignore_list"))


def _normalised(pattern: str | None) -> str | None:
    try:
        return ignore.normalise(pattern or "")
    except ServiceError:
        return None  # add_rule says what is wrong with it


def _contacts_matched(pattern: str | None) -> int:
    """How many of the workspace's current contacts have an address the pattern matches."""
    text = _normalised(pattern)
    if text is None:
        return 0
    addresses = db.session.scalars(
        select(Contact.email).where(
            Contact.workspace_id == g.workspace.id, Contact.email.is_not(None), Contact.removed_at.is_(None)
        )
    )
    return sum(1 for address in addresses if ignore.matches(address.strip().lower(), [text]))


@bp.route("/ignore")
@nav_section("settings")
def ignore_list():
    return _section()


@bp.route("/ignore", methods=["POST"])
@nav_section("settings")
def add_ignore():
    form = IgnoreForm()
    if form.validate_on_submit():
        matched = _contacts_matched(form.pattern.data)
        if matched and request.form.get("confirm") != _normalised(form.pattern.data):
            warning = ngettext(
                "This matches %(num)s of your contacts' addresses: their emails will no longer be logged.",
                "This matches %(num)s of your contacts' addresses: their emails will no longer be logged.",
                matched,
            )
            return _section(form, status=422, warning=warning, confirm=_normalised(form.pattern.data))
        with unit_of_work(form) as uow:
            pattern = ignore.add_rule(
                db.session, g.workspace.id, form.pattern.data, actor_id=current_user.id, now=now_utc()
            )
        if uow.ok:
            if wants_fragment():
                return _section()
            flash(_("Mail from %(pattern)s is not logged any more.", pattern=pattern), "success")
            return _back()
    return _section(form, status=422)


@bp.route("/ignore/<int:rule_id>/delete", methods=["POST"])
@nav_section("settings")
def remove_ignore(rule_id):
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():
            pattern = ignore.remove_rule(db.session, g.workspace.id, rule_id)
        if pattern is None:  # removed meanwhile, or another workspace's: as a later try, not found
            abort(404)
        if not wants_fragment():
            flash(_("%(pattern)s removed from the ignore list.", pattern=pattern), "success")
    if wants_fragment():
        return _section()
    return _back()


@bp.route("/threads/<int:mute_id>/count-again", methods=["POST"])
@nav_section("settings")
def count_thread_again(mute_id):
    """Undo "not a touch" for a thread (its removed touches come back)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():  # undone meanwhile, or another workspace's: 404
            restored = threads.count_again(db.session, g.workspace.id, mute_id)
        if not wants_fragment():
            flash(
                ngettext(
                    "The thread counts again: %(num)s email is back on the timeline.",
                    "The thread counts again: %(num)s emails are back on the timeline.",
                    restored,
                ),
                "success",
            )
    if wants_fragment():
        return _section()
    return _back()
