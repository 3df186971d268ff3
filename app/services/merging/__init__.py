"""Merging duplicates, with undo. Free of Flask.

partners.py  merge two partners (plan_merge for the confirmation page, merge_partners)
contacts.py  merge two contacts of one partner
undo.py      undo either, from the merge's snapshot
snapshot.py  what a merge keeps of the rows it touches (app/services/row_values.py's encoding)
"""

from app.services.merging.contacts import FIELDS as CONTACT_FIELDS
from app.services.merging.contacts import merge_contacts
from app.services.merging.partners import FIELDS, SIDES, MergePlan, default_choices, merge_partners, plan_merge
from app.services.merging.undo import UNDO_DAYS, undo_contact_merge, undo_partner_merge

__all__ = [
    "CONTACT_FIELDS",
    "FIELDS",
    "SIDES",
    "UNDO_DAYS",
    "MergePlan",
    "default_choices",
    "merge_contacts",
    "merge_partners",
    "plan_merge",
    "undo_contact_merge",
    "undo_partner_merge",
]
