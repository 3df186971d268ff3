"""The event types a webhook endpoint can subscribe to, grouped for the settings page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ALL = "*"  # an endpoint subscribed to every type stores ["*"]

DESCRIPTIONS = {
    "partner.created": _l("A partner was created."),
    "partner.updated": _l("A partner's details changed."),
    "partner.archived": _l("A partner was archived."),
    "partner.restored": _l("An archived partner was restored."),
    "contact.created": _l("A contact was added to a partner."),
    "contact.updated": _l("A contact's details changed."),
    "contact.removed": _l("A contact was removed."),
    "referral.set": _l("A partner's referrer was set or changed."),
    "referral.cleared": _l("A partner's referrer was cleared."),
    "deal.created": _l("A deal was created."),
    "deal.updated": _l("A deal's details changed."),
    "deal.stage_changed": _l("A deal moved to another stage."),
    "deal.won": _l("A deal was won."),
    "deal.lost": _l("A deal was lost."),
    "terms.changed": _l("A partner's terms changed (a new version)."),
    "commission.owed": _l("A commission is owed."),
    "commission.paid": _l("A commission was marked paid."),
    "interaction.logged": _l("An interaction was logged."),
    "reminder.due": _l("A reminder became due."),
    "flag.raised": _l("A partner became neglected or is waiting on us."),
}
EVENT_TYPES: tuple[str, ...] = tuple(DESCRIPTIONS)

EVENT_GROUPS: tuple[tuple[object, tuple[str, ...]], ...] = (
    (_l("Partners"), ("partner.created", "partner.updated", "partner.archived", "partner.restored")),
    (_l("Contacts"), ("contact.created", "contact.updated", "contact.removed")),
    (_l("Referrals"), ("referral.set", "referral.cleared")),
    (_l("Deals"), ("deal.created", "deal.updated", "deal.stage_changed", "deal.won", "deal.lost")),
    (_l("Terms and commissions"), ("terms.changed", "commission.owed", "commission.paid")),
    (_l("Activity"), ("interaction.logged", "reminder.due", "flag.raised")),
)


def describe(event_type: str):
    """The (lazy) description of a type, or the type itself for one not in the list (a test ping)."""
    return DESCRIPTIONS.get(event_type, event_type)
