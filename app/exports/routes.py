"""Export downloads: the partners list ("export what you see": its filters, search and sort, every
page), contacts (of the listed partners, of one partner, one contact; as a table or vCard 4.0),
deals, the Activity feed and reminders, each as the list the user is looking at.

Formats (the `format` argument): csv (comma, UTF-8), csv-excel (semicolon, UTF-8 with a BOM: what
Excel opens right in European locales), xlsx, and vcf for contacts. CSV and vCard stream (rows are
read in batches while the response is sent); .xlsx is written to a temporary file, then sent.
All are GET, login-required and scoped to the workspace (another workspace's ids answer 404)."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from urllib.parse import quote

from flask import Response, abort, g, request, send_file, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from app.deals.routes import list_filters as deal_filters
from app.exports import bp
from app.exports.labels import (
    contact_headers,
    deal_headers,
    format_labels,
    interaction_headers,
    reminder_headers,
    sheet_titles,
)
from app.extensions import db
from app.interactions.routes import feed_filters
from app.models import Contact, Partner
from app.partners.routes import filters_from_args as partner_filters
from app.reminders.routes import list_args as reminder_args
from app.services.clock import local_today, zone
from app.services.exporting import Export, write_csv, write_vcards, write_xlsx
from app.services.exporting import contacts_export as contacts
from app.services.exporting.deals_export import deals_export
from app.services.exporting.interactions_export import interactions_export
from app.services.exporting.partners_export import PARTNER_HEADER, partners_export
from app.services.exporting.reminders_export import reminders_export
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc as _now

TABLE_FORMATS = ("csv", "csv-excel", "xlsx")
CONTACT_FORMATS = (*TABLE_FORMATS, "vcf")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_format(allowed=TABLE_FORMATS) -> str:
    """The `format` asked for (csv when none); anything else answers 400 naming the choices."""
    chosen = request.args.get("format", "csv")
    if chosen not in allowed:
        labels = format_labels()
        abort(400, description=_("Choose one of: %(formats)s.", formats=", ".join(labels[f] for f in allowed)))
    return chosen


def _tz():
    return zone(current_user.timezone)


def _file_name(name: str, extension: str) -> str:
    """orchard-partners-2026-12-01.csv: the date is today where the user is."""
    return f"orchard-{name}-{local_today(current_user.timezone, _now()).isoformat()}.{extension}"


def _disposition(file_name: str) -> str:
    """An attachment header: an ASCII file name for every browser, the exact one (RFC 6266) when
    it has letters outside ASCII."""
    stem, _dot, extension = file_name.rpartition(".")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-.") or "orchard-export"
    ascii_name = f"{ascii_stem}.{extension}"
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != file_name:
        header += f"; filename*=UTF-8''{quote(file_name)}"
    return header


def table_download(
    export: Export, headers: list[str], fmt: str, file_name: str | None = None, title: str | None = None
):
    """The response for a table export in `fmt`: streamed CSV, or an .xlsx from a temporary file
    (its sheet named `title`, or after the export). The reports' tables download through it too."""
    if fmt == "xlsx":
        out = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it after sending; closing removes it)
        try:
            write_xlsx(out, export.columns, headers, export.rows, title=title or sheet_titles()[export.name])
        except BaseException:
            out.close()
            raise
        out.seek(0)
        response = send_file(
            out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=file_name or _file_name(export.name, "xlsx")
        )
        return _private(response)
    excel = fmt == "csv-excel"
    chunks = write_csv(export.rows, headers, dialect="semicolon" if excel else "comma", bom=excel)
    return _private(
        Response(
            stream_with_context(chunks),
            mimetype="text/csv",
            headers={"Content-Disposition": _disposition(file_name or _file_name(export.name, "csv"))},
        )
    )


def _labelled(export: Export, labels: dict[str, str]) -> list[str]:
    return [labels[column.key] for column in export.columns]


def _vcards(statement, file_name: str):
    return _private(
        Response(
            stream_with_context(write_vcards(contacts.card_contacts(db.session, statement))),
            mimetype="text/vcard",
            headers={"Content-Disposition": _disposition(file_name)},
        )
    )


def _private(response):
    """A download holds the book's people: no cache on the way keeps a copy."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _contacts(statement, fmt: str, name: str):
    if fmt == "vcf":
        return _vcards(statement, _file_name(name, "vcf"))
    export = contacts.contacts_export(db.session, statement)
    extension = "xlsx" if fmt == "xlsx" else "csv"
    return table_download(export, _labelled(export, contact_headers()), fmt, _file_name(name, extension))


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_").lower()[:60]


# --- the partners list ------------------------------------------------------------------------


@bp.route("/partners")
def partners():
    fmt = download_format()
    export = partners_export(db.session, g.workspace.id, partner_filters(), _tz())
    return table_download(export, list(PARTNER_HEADER), fmt)


@bp.route("/contacts")
def filtered_contacts():
    """The contacts of the partners the list shows for its filters and search (all pages)."""
    fmt = download_format(CONTACT_FORMATS)
    return _contacts(contacts.filtered_statement(db.session, g.workspace.id, partner_filters()), fmt, "contacts")


@bp.route("/partners/<int:partner_id>/contacts")
def partner_contacts(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    fmt = download_format(CONTACT_FORMATS)
    return _contacts(contacts.partner_statement(partner.id), fmt, f"contacts-{_slug(partner.name) or partner.id}")


@bp.route("/partners/<int:partner_id>/contacts/<int:contact_id>.vcf")
def contact_card(partner_id, contact_id):
    partner = get_or_404_in_workspace(Partner, partner_id)
    contact = get_or_404_in_workspace(Contact, contact_id)
    if contact.partner_id != partner.id or contact.removed_at is not None:
        abort(404)
    cards = "".join(write_vcards(contacts.card_contacts(db.session, contacts.contact_statement(contact.id))))
    file_name = f"{_slug(contact.name) or f'contact-{contact.id}'}.vcf"
    return _private(Response(cards, mimetype="text/vcard", headers={"Content-Disposition": _disposition(file_name)}))


# --- deals, activity, reminders ---------------------------------------------------------------


@bp.route("/deals")
def deals():
    fmt = download_format()
    export = deals_export(db.session, g.workspace.id, deal_filters(), _tz())
    return table_download(export, _labelled(export, deal_headers()), fmt)


@bp.route("/interactions")
def interactions():
    fmt = download_format()
    member_id, kind = feed_filters()
    export = interactions_export(db.session, g.workspace.id, member_id=member_id, kind=kind, tz=_tz())
    return table_download(export, _labelled(export, interaction_headers()), fmt)


@bp.route("/reminders")
def reminders():
    fmt = download_format()
    _who, view, assignee_id = reminder_args()
    export = reminders_export(db.session, g.workspace.id, view=view, assignee_id=assignee_id, tz=_tz())
    return table_download(export, _labelled(export, reminder_headers()), fmt)


@bp.app_template_global()
def export_format_labels() -> dict[str, str]:
    """The Export menus' choices (templates/exports/_macros.html), translated once per request."""
    labels = g.get("_export_format_labels")
    if labels is None:
        labels = g._export_format_labels = format_labels()
    return labels
