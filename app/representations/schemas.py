"""The output shape of each object (read-only fields: programs send input to the API's own schemas)."""

from __future__ import annotations

from marshmallow import Schema, fields
from marshmallow.validate import OneOf

from app.models.commission import KINDS as COMMISSION_KINDS
from app.models.commission import STATUSES as COMMISSION_STATUSES
from app.models.deal import STAGES, VALUE_SCALE
from app.models.interaction import DIRECTIONS
from app.models.interaction import KINDS as INTERACTION_KINDS
from app.models.partner import KINDS, SOURCES, STATUSES, TIERS


def _decimal(description: str, **kwargs):
    """A decimal sent as text ("4800.00"), so no program rounds it through a float on the way."""
    metadata = {"type": "string", "format": "decimal", "description": description}
    return fields.Decimal(as_string=True, places=2, metadata=metadata, **kwargs)


def _money(**kwargs):
    return _decimal('Decimal text, e.g. "4800.00"', **kwargs)


def _choice(values, **kwargs):
    return fields.String(validate=OneOf(values), **kwargs)


class _Dumped(Schema):
    class Meta:
        ordered = True


class PartnerSchema(_Dumped):
    id = fields.Integer()
    name = fields.String()
    kind = _choice(KINDS)
    status = _choice(STATUSES)
    tier = _choice(TIERS)
    owner_id = fields.Integer(allow_none=True)
    source = _choice(SOURCES)
    website = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    no_prospects = fields.Boolean()
    no_prospects_reason = fields.String(allow_none=True)
    referred_by_id = fields.Integer(allow_none=True)
    contact_count = fields.Integer()
    archived = fields.Function(lambda partner: partner.archived_at is not None, metadata={"type": "boolean"})
    archived_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContactSchema(_Dumped):
    id = fields.Integer()
    partner_id = fields.Integer()
    name = fields.String()
    role = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    is_primary = fields.Boolean()
    removed = fields.Function(lambda contact: contact.removed_at is not None, metadata={"type": "boolean"})
    removed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DealSchema(_Dumped):
    id = fields.Integer()
    partner_id = fields.Integer()
    title = fields.String()
    amount = _money()
    currency = fields.String()
    stage = _choice(STAGES)
    expected_close_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    notes = fields.String(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    value_to_us = fields.Integer(allow_none=True, validate=OneOf(VALUE_SCALE))
    value_to_us_note = fields.String(allow_none=True)
    value_to_partner = fields.Integer(allow_none=True, validate=OneOf(VALUE_SCALE))
    value_to_partner_note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class TermsVersionSchema(_Dumped):
    id = fields.Integer()
    partner_id = fields.Integer()
    version = fields.Integer()
    commission_rate = _decimal('Percent, e.g. "10.00"', allow_none=True)
    payment_terms_days = fields.Integer(allow_none=True)
    response_time_days = fields.Integer(allow_none=True)
    cadence_days = fields.Integer(allow_none=True)
    review_on = fields.Date(allow_none=True)
    agreed_by_contact_id = fields.Integer(allow_none=True)
    agreed_on = fields.Date(allow_none=True)
    clauses = fields.String(allow_none=True)
    changed_by_id = fields.Integer(allow_none=True)
    changed_at = fields.DateTime()


class CommissionSchema(_Dumped):
    id = fields.Integer()
    referrer_id = fields.Integer()
    deal_id = fields.Integer()
    terms_version_id = fields.Integer(allow_none=True)
    kind = _choice(COMMISSION_KINDS)
    status = _choice(COMMISSION_STATUSES)
    amount = _money()
    currency = fields.String()
    rate = _decimal("Percent used")
    base_amount = _money()
    earned_on = fields.Date()
    note = fields.String(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    payment_reference = fields.String(allow_none=True)
    paid_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class InteractionSchema(_Dumped):
    id = fields.Integer()
    partner_id = fields.Integer()
    contact_id = fields.Integer(allow_none=True)
    kind = _choice(INTERACTION_KINDS)
    direction = _choice(DIRECTIONS, allow_none=True)
    occurred_at = fields.DateTime()
    summary = fields.String(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    deleted = fields.Function(lambda interaction: interaction.deleted_at is not None, metadata={"type": "boolean"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ReminderSchema(_Dumped):
    id = fields.Integer()
    title = fields.String()
    partner_id = fields.Integer(allow_none=True)
    due_on = fields.Date()
    due_time = fields.Time(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    notes = fields.String(allow_none=True)
    done = fields.Function(lambda reminder: reminder.completed_at is not None, metadata={"type": "boolean"})
    completed_at = fields.DateTime(allow_none=True)
    snooze_count = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RaisedFlagSchema(_Dumped):
    """The payload of the flag.raised webhook: which flag, since when it holds, and the partner."""

    flag = _choice(("neglected", "waiting_on_us"))
    since = fields.DateTime(metadata={"description": "When the flag started to hold"})
    partner = fields.Nested(PartnerSchema)
