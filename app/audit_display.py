"""The audit log for people: object types, actions and field changes in words, values formatted by
the app's helpers ("Amount: €1,000.00 → €1,500.00"), stored enum values by their labels, ids of
users, partners and contacts by their names. Used by the History tab, the Audit log page and its CSV."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Numeric

from app.deals.forms import STAGE_LABELS
from app.formatting import fmt_date, fmt_datetime, fmt_money, fmt_number
from app.interactions.forms import DIRECTION_LABELS
from app.interactions.forms import KIND_LABELS as INTERACTION_KIND_LABELS
from app.messages import from_data
from app.models.base import UTCDateTime
from app.partners.forms import KIND_LABELS, SOURCE_LABELS, STATUS_LABELS, TIER_LABELS
from app.services.audit.queries import REFERENCES
from app.services.audit.registry import BY_TYPE

TYPE_LABELS = {
    "partner": _l("Partner"),
    "contact": _l("Contact"),
    "referral": _l("Referral"),
    "deal": _l("Deal"),
    "terms": _l("Terms"),
    "commission": _l("Commission"),
    "reminder": _l("Reminder"),
    "interaction": _l("Interaction"),
    "member": _l("Member"),
    "invite": _l("Invite"),
    "api_token": _l("API token"),
    "webhook": _l("Webhook endpoint"),
    "workspace": _l("Workspace settings"),
}
ACTION_LABELS = {
    "created": _l("created"),
    "updated": _l("changed"),
    "deleted": _l("deleted"),
    "archived": _l("archived"),
    "restored": _l("restored"),
    "removed": _l("removed"),
    "referral_set": _l("referrer set"),
    "referral_cleared": _l("referrer cleared"),
    "stage_changed": _l("moved to another stage"),
    "paid": _l("marked paid"),
    "unpaid": _l("marked unpaid"),
    "completed": _l("done"),
    "reopened": _l("reopened"),
    "revoked": _l("revoked"),
    "accepted": _l("accepted"),
    "disabled": _l("disabled"),
    "enabled": _l("enabled"),
}
FIELD_LABELS = {
    "name": _l("Name"),
    "partners": _l("Partners"),
    "title": _l("Title"),
    "amount": _l("Amount"),
    "base_amount": _l("Base amount"),
    "currency": _l("Currency"),
    "stage": _l("Stage"),
    "status": _l("Status"),
    "kind": _l("Kind"),
    "tier": _l("Tier"),
    "source": _l("Source"),
    "owner_id": _l("Owner"),
    "assignee_id": _l("Assignee"),
    "referred_by_id": _l("Referred by"),
    "contact_id": _l("Contact"),
    "user_id": _l("User"),
    "role": _l("Role"),
    "notes": _l("Notes"),
    "note": _l("Note"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "website": _l("Website"),
    "archived_at": _l("Archived"),
    "removed_at": _l("Removed"),
    "deleted_at": _l("Deleted"),
    "completed_at": _l("Done"),
    "revoked_at": _l("Revoked"),
    "expected_close_on": _l("Expected close"),
    "closed_on": _l("Closed on"),
    "due_on": _l("Due"),
    "due_time": _l("Time"),
    "commission_rate": _l("Commission rate"),
    "rate": _l("Rate"),
    "paid_on": _l("Paid on"),
    "payment_reference": _l("Payment reference"),
    "review_on": _l("Review on"),
    "occurred_at": _l("When"),
    "summary": _l("Summary"),
    "url": _l("URL"),
    "event_types": _l("Event types"),
    "enabled": _l("Enabled"),
    "default_currency": _l("Default currency"),
    "cadence_a_days": _l("Contact every (tier A, days)"),
    "cadence_b_days": _l("Contact every (tier B, days)"),
    "cadence_c_days": _l("Contact every (tier C, days)"),
    "response_time_days": _l("Answer within (days)"),
    "require_two_factor": _l("Two-factor required"),
    "scope": _l("Access"),
    "expires_on": _l("Expires on"),
    "expires_at": _l("Expires"),
    "accepted_at": _l("Accepted"),
    "accepted_by_id": _l("Accepted by"),
    "created_by_id": _l("Created by"),
    "changed_by_id": _l("Changed by"),
    "paid_by_id": _l("Paid by"),
    "deal_id": _l("Deal"),
    "partner_id": _l("Partner"),
    "referrer_id": _l("Referrer"),
    "merged_into_id": _l("Merged into"),
    "terms_version_id": _l("Terms version"),
    "agreed_by_contact_id": _l("Agreed by"),
    "earned_on": _l("Earned on"),
    "agreed_on": _l("Agreed on"),
    "referred_on": _l("Referred on"),
    "is_primary": _l("Main contact"),
    "lost_reason": _l("Why it was lost"),
    "value_to_partner": _l("Value to the partner"),
    "value_to_partner_note": _l("Value to the partner (note)"),
    "value_to_us": _l("Value to us"),
    "value_to_us_note": _l("Value to us (note)"),
    "direction": _l("Direction"),
    "cadence_days": _l("Contact every (days)"),
    "no_prospects": _l("No prospects"),
    "no_prospects_reason": _l("Why no prospects"),
    "snooze_count": _l("Times snoozed"),
    "clauses": _l("Clauses"),
    "payment_terms_days": _l("Payment within (days)"),
    "version": _l("Version"),
    "description": _l("Description"),
    "disabled_at": _l("Disabled"),
    "disabled_reason": _l("Why it was disabled"),
}
# (object type or "*", field) -> the labels of its stored values
VALUE_LABELS = {
    ("partner", "status"): STATUS_LABELS,
    ("partner", "source"): SOURCE_LABELS,
    ("partner", "kind"): KIND_LABELS,
    ("partner", "tier"): TIER_LABELS,
    ("deal", "stage"): STAGE_LABELS,
    ("interaction", "kind"): INTERACTION_KIND_LABELS,
    ("interaction", "direction"): DIRECTION_LABELS,
    ("commission", "kind"): {"earned": _l("Earned"), "adjustment": _l("Adjustment"), "reversal": _l("Reversal")},
    ("commission", "status"): {"owed": _l("Owed"), "paid": _l("Paid")},
    ("*", "role"): {"owner": _l("Owner"), "member": _l("Member")},
    ("*", "scope"): {"read": _l("Read"), "write": _l("Read and write")},
}
PERCENT_FIELDS = {"commission_rate", "rate"}
EMPTY = "—"


def type_label(object_type: str) -> str:
    return str(TYPE_LABELS.get(object_type, object_type))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    if label is not None:
        return str(label)
    return name.removesuffix("_id").replace("_", " ").capitalize()


def _column_type(object_type: str, name: str):
    spec = BY_TYPE.get(object_type)
    column = spec.model.__table__.c.get(name) if spec is not None else None
    return column.type if column is not None else None


def value_text(object_type: str, name: str, value, names: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dict):  # a text for the user (app.messages.to_data)
        return str(from_data(value))
    labels = VALUE_LABELS.get((object_type, name)) or VALUE_LABELS.get(("*", name))
    if labels is not None:
        return str(labels.get(value, value))
    model = REFERENCES.get(name)
    if model is not None:
        return names.get((model, value)) or f"#{value}"
    kind = _column_type(object_type, name)
    try:
        if isinstance(kind, Numeric) and isinstance(value, str):
            amount, _sep, currency = value.partition(" ")
            if currency:
                return fmt_money(Decimal(amount), currency)
            return fmt_number(Decimal(amount)) + (" %" if name in PERCENT_FIELDS else "")
        if isinstance(kind, UTCDateTime):
            return fmt_datetime(datetime.fromisoformat(value))
        if isinstance(kind, Date):
            return fmt_date(date.fromisoformat(value))
        if name == "due_time":
            return time.fromisoformat(value).strftime("%H:%M")
    except (ValueError, InvalidOperation):
        return str(value)
    if isinstance(kind, Boolean) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def changes_of(event, names: dict) -> list[tuple[str, str, str]]:
    """(field, from, to) in words, in the order the model declares its columns."""
    changes = event.changes or {}
    spec = BY_TYPE.get(event.object_type)
    order = {name: i for i, name in enumerate(spec.fields)} if spec else {}
    rows = []
    for name in sorted(changes, key=lambda n: order.get(n, len(order))):
        old, new = changes[name]
        rows.append(
            (
                field_label(name),
                value_text(event.object_type, name, old, names),
                value_text(event.object_type, name, new, names),
            )
        )
    return rows


def change_line(event, names: dict) -> str:
    """All of an event's changes on one line (the CSV)."""
    return "; ".join(f"{label}: {old} → {new}" for label, old, new in changes_of(event, names))
