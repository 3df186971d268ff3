"""How Orchard shows its objects to programs: the API's responses and the webhooks' payloads.

One marshmallow schema per kind of object, free of Flask, so the API (app/api/) documents and dumps
them and the webhook outbox (app/services/webhooks/) snapshots the very same shape into an event.
`represent(obj)` dumps any model that has a schema here.
"""

from __future__ import annotations

from app.representations.schemas import (
    CommissionSchema,
    ContactSchema,
    DealSchema,
    InteractionSchema,
    PartnerSchema,
    RaisedFlagSchema,
    ReminderSchema,
    TermsVersionSchema,
)

SCHEMAS = {
    "Partner": PartnerSchema(),
    "Contact": ContactSchema(),
    "Deal": DealSchema(),
    "TermsVersion": TermsVersionSchema(),
    "Commission": CommissionSchema(),
    "Interaction": InteractionSchema(),
    "Reminder": ReminderSchema(),
    "RaisedFlag": RaisedFlagSchema(),
}


def represent(obj) -> dict:
    """The object as the API shows it (JSON-ready: dates as ISO text, amounts as decimal text)."""
    return SCHEMAS[type(obj).__name__].dump(obj)


__all__ = [
    "SCHEMAS",
    "CommissionSchema",
    "ContactSchema",
    "DealSchema",
    "InteractionSchema",
    "PartnerSchema",
    "RaisedFlagSchema",
    "ReminderSchema",
    "TermsVersionSchema",
    "represent",
]
