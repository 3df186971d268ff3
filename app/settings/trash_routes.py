"""Settings → Trash: deleted contacts, interactions and reminders, newest first, each restorable in
one click for TRASH_DAYS (members and owners); owners can empty it. The restore button of every
delete message ("Moved to Trash") posts here too, so it keeps working after leaving the page."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.reminders.routes import CHANGED_EVENT
from app.services import trash
from app.settings import bp
from app.tenancy import require_owner
from app.web import page_arg, per_page, render, unit_of_work, wants_fragment


def _item_url(restored: trash.Restored) -> str:
    if restored.kind == "contact":
        return url_for("partners.show", partner_id=restored.partner_id, _anchor="partner-contacts")
    if restored.kind == "interaction":
        return url_for("interactions.timeline", partner_id=restored.partner_id)
    return url_for("reminders.index")


def _trash_page(status=200):
    page = trash.trash_page(db.session, g.workspace.id, page=page_arg(), per_page=per_page())
    return render("settings/trash.html", section="trash", page=page, days=trash.TRASH_DAYS, status=status)


@bp.route("/trash", methods=["GET"])
def trash_page():
    return _trash_page()


@bp.route("/trash/<int:entry_id>/restore", methods=["POST"])
def trash_restore(entry_id):
    in_list = request.form.get("from") == "trash"
    with unit_of_work() as uow:
        restored = trash.restore(db.session, g.workspace.id, entry_id)
    if not uow.ok:  # restored already, emptied, purged, its partner deleted, or another workspace's: 404
        text = _(
            "This item is no longer in the Trash: it was restored already, deleted for good, or its partner was deleted."
        )
        if wants_fragment():
            return render("errors/_problem.html", title=_("Not restored"), message=text, status=404)
        flash(text, "error")
        return _trash_page(status=404)
    message = _("Restored: %(what)s", what=restored.label or _("an interaction"))
    if wants_fragment():
        response = render(
            "settings/_trash_restored.html",
            entry_id=entry_id,
            message=message,
            link=_item_url(restored),
            in_list=in_list,
        )
        response.headers["HX-Trigger"] = CHANGED_EVENT if restored.kind == "reminder" else "trash-restored"
        return response
    flash(message, "success")
    return redirect(url_for("settings.trash_page") if in_list else _item_url(restored))


@bp.route("/trash/empty", methods=["GET", "POST"])
def trash_empty():
    require_owner()
    if request.method == "GET":
        page = trash.trash_page(db.session, g.workspace.id, page=1, per_page=1)
        return render("settings/trash_empty.html", section="trash", total=page.total)
    with unit_of_work():
        count = trash.empty_trash(db.session, g.workspace.id)
    flash(ngettext("%(num)d item deleted for good.", "%(num)d items deleted for good.", count), "success")
    return redirect(url_for("settings.trash_page"))
