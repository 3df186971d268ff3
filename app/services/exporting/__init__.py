"""Exports: the app's one CSV writer, .xlsx and vCard 4.0 writers, and the rows of each export
(partners list, contacts, deals, interactions, reminders). Flask-free: the routes pass the session,
the workspace, the list's filters and the user's time zone, and stream what comes back.

    csv_writer      write_csv(rows, headers, dialect=, bom=) -> chunks; the formula-escaping rule
    xlsx_writer     write_xlsx(out, columns, headers, rows, title=)
    vcard_writer    card(contact) / write_vcards(contacts); stable UIDs
    columns         Column, Export, BATCH
    partners_export, contacts_export, deals_export, interactions_export, reminders_export
"""

from app.services.exporting.columns import BATCH, Column, Export
from app.services.exporting.csv_writer import escape_formula, write_csv
from app.services.exporting.vcard_writer import CardContact, card, contact_uid, write_vcards
from app.services.exporting.xlsx_writer import write_xlsx

__all__ = [
    "BATCH",
    "CardContact",
    "Column",
    "Export",
    "card",
    "contact_uid",
    "escape_formula",
    "write_csv",
    "write_vcards",
    "write_xlsx",
]
