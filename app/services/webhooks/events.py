"""The event types a webhook endpoint can subscribe to, grouped for the settings page.

The descriptions and group names are English source strings (services stay Flask-free): a page
shows them through `_()`, and N_ marks them for the message catalog."""

from __future__ import annotations


def N_(text: str) -> str:
    """Marks a string for the catalog; translated where it is shown."""
    return text


ALL = "*"  # an endpoint subscribed to every type stores ["*"]

DESCRIPTIONS = {
    "partner.created": N_("A partner was created."),
    "partner.updated": N_("A partner's details changed."),
    "partner.archived": N_("A partner was archived."),
    "partner.restored": N_("An archived partner was restored."),
    "contact.created": N_("A contact was added to a partner."),
    "contact.updated": N_("A contact's details changed."),
    "contact.removed": N_("A contact was removed."),
    "referral.set": N_("A partner's referrer was set or changed."),
    "referral.cleared": N_("A partner's referrer was cleared."),
    "deal.created": N_("A deal was created."),
    "deal.updated": N_("A deal's details changed."),
    "deal.stage_changed": N_("A deal moved to another stage."),
    "deal.won": N_("A deal was won."),
    "deal.lost": N_("A deal was lost."),
    "terms.changed": N_("A partner's terms changed (a new version)."),
    "commission.owed": N_("A commission is owed."),
    "commission.paid": N_("A commission was marked paid."),
    "interaction.logged": N_("An interaction was logged."),
    "reminder.due": N_("A reminder became due."),
    "flag.raised": N_("A partner became neglected or is waiting on us."),
}
EVENT_TYPES: tuple[str, ...] = tuple(DESCRIPTIONS)

EVENT_GROUPS: tuple[tuple[object, tuple[str, ...]], ...] = (
    (N_("Partners"), ("partner.created", "partner.updated", "partner.archived", "partner.restored")),
    (N_("Contacts"), ("contact.created", "contact.updated", "contact.removed")),
    (N_("Referrals"), ("referral.set", "referral.cleared")),
    (N_("Deals"), ("deal.created", "deal.updated", "deal.stage_changed", "deal.won", "deal.lost")),
    (N_("Terms and commissions"), ("terms.changed", "commission.owed", "commission.paid")),
    (N_("Activity"), ("interaction.logged", "reminder.due", "flag.raised")),
)


def describe(event_type: str):
    """The description of a type, or the type itself for one not in the list (a test ping)."""
    return DESCRIPTIONS.get(event_type, event_type)
