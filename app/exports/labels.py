"""The translated column headers of the exports (the Orchard partners export excepted: its header
is a fixed machine contract, kept in English in app/services/exporting/partners_export.py)."""

from flask_babel import gettext as _


def contact_headers() -> dict[str, str]:
    return {
        "partner_name": _("Partner"),
        "partner_id": _("Partner ID"),
        "name": _("Name"),
        "role": _("Role"),
        "email": _("Email"),
        "phone": _("Phone"),
        "notes": _("Notes"),
        "primary": _("Primary"),
    }


def deal_headers() -> dict[str, str]:
    return {
        "id": _("Deal ID"),
        "title": _("Title"),
        "partner": _("Partner"),
        "partner_id": _("Partner ID"),
        "stage": _("Stage"),
        "amount": _("Amount"),
        "currency": _("Currency"),
        "owner": _("Owner"),
        "expected_close_on": _("Expected close"),
        "closed_on": _("Closed on"),
        "value_to_us": _("Value to us"),
        "value_to_us_note": _("Value to us: note"),
        "value_to_partner": _("Value to partner"),
        "value_to_partner_note": _("Value to partner: note"),
        "lost_reason": _("Lost reason"),
        "notes": _("Notes"),
        "created": _("Created"),
    }


def interaction_headers() -> dict[str, str]:
    return {
        "occurred_at": _("When"),
        "partner": _("Partner"),
        "partner_id": _("Partner ID"),
        "kind": _("Kind"),
        "direction": _("Direction"),
        "contact": _("Contact"),
        "summary": _("Summary"),
        "logged_by": _("Logged by"),
    }


def reminder_headers() -> dict[str, str]:
    return {
        "title": _("Title"),
        "due_on": _("Due on"),
        "due_time": _("Due time"),
        "partner": _("Partner"),
        "partner_id": _("Partner ID"),
        "assignee": _("Assigned to"),
        "notes": _("Notes"),
        "completed_at": _("Completed"),
    }


def sheet_titles() -> dict[str, str]:
    return {
        "partners": _("Partners"),
        "contacts": _("Contacts"),
        "deals": _("Deals"),
        "interactions": _("Activity"),
        "reminders": _("Reminders"),
    }


def format_labels() -> dict[str, str]:
    """The choices of the Export menus, by the `format` argument's value."""
    return {
        "csv": _("CSV (comma, UTF-8)"),
        "csv-excel": _("CSV for Excel (semicolon, UTF-8 with BOM)"),
        "xlsx": _("Excel (.xlsx)"),
        "vcf": _("vCard (.vcf)"),
    }
