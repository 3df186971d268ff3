"""What a workspace backup holds: every workspace-owned model, in the order a restore inserts them,
with the columns that point at other rows (remapped to the new ids on restore).

A reference names what it points at: another entity of this list, or USERS (users are matched by
email, never created). Every table with a `workspace_id` column is either an entity here, the
memberships (members.json), or in NOT_BACKED_UP with the reason; tests/backup/test_entities.py fails
when a new one is neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models import (
    Commission,
    Contact,
    Deal,
    DuplicateDismissal,
    EmailMessage,
    EmailThreadMute,
    Interaction,
    MailIgnoreRule,
    MailSuggestion,
    Partner,
    Referral,
    ReferralChange,
    Reminder,
    SavedMapping,
    Terms,
    TermsVersion,
    User,
)

USERS = "users"  # users.json: the users the workspace's rows refer to (members and former members)
MEMBERS = "members"  # members.json: the memberships (user, role), no secrets
# What users.json keeps of a user: never the password hash, session version or current workspace.
USER_COLUMNS = ("id", "email", "name", "timezone", "locale")
assert set(USER_COLUMNS) <= {attr.key for attr in User.__mapper__.column_attrs}


@dataclass(frozen=True)
class Entity:
    name: str  # the file is f"{name}.json"
    model: type
    refs: dict[str, str]  # column -> the entity (or USERS) its value is an id of
    # references set once every row of this entity is in (self-references: a referrer may come later)
    later: tuple[str, ...] = field(default=())

    @property
    def file(self) -> str:
        return f"{self.name}.json"

    @property
    def table(self):
        return self.model.__table__

    @property
    def has_own_id(self) -> bool:
        return "id" in self.table.c and self.table.c.id.primary_key


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "partners",
        Partner,
        {"owner_id": USERS, "referred_by_id": "partners", "merged_into_id": "partners"},
        later=("referred_by_id", "merged_into_id"),
    ),
    Entity("contacts", Contact, {"partner_id": "partners"}),
    # root_id has no foreign key (see the model) but is a partner id all the same
    Entity("referrals", Referral, {"partner_id": "partners", "contact_id": "contacts", "root_id": "partners"}),
    Entity(
        "referral_changes",
        ReferralChange,
        {"partner_id": "partners", "from_partner_id": "partners", "to_partner_id": "partners", "changed_by_id": USERS},
    ),
    Entity(
        "terms_versions",
        TermsVersion,
        {"partner_id": "partners", "agreed_by_contact_id": "contacts", "changed_by_id": USERS},
    ),
    Entity("terms", Terms, {"partner_id": "partners"}),
    Entity("deals", Deal, {"partner_id": "partners", "owner_id": USERS}),
    Entity(
        "commissions",
        Commission,
        {"referrer_id": "partners", "deal_id": "deals", "terms_version_id": "terms_versions", "paid_by_id": USERS},
    ),
    Entity("interactions", Interaction, {"partner_id": "partners", "contact_id": "contacts", "created_by_id": USERS}),
    Entity("reminders", Reminder, {"partner_id": "partners", "assignee_id": USERS, "created_by_id": USERS}),
    # pairs marked "Not duplicates" (ids keep their order on restore, so low_id < high_id still holds)
    Entity(
        "duplicate_dismissals",
        DuplicateDismissal,
        {"low_id": "partners", "high_id": "partners", "dismissed_by_id": USERS},
    ),
    Entity("saved_mappings", SavedMapping, {}),  # the import settings saved for the next import
    # email that logged itself: which messages are logged (so a sync after a restore logs none twice),
    # muted threads, the ignore list, the "new contact?" suggestions
    Entity(
        "email_messages",
        EmailMessage,
        {"partner_id": "partners", "interaction_id": "interactions", "user_id": USERS},
    ),
    Entity("email_thread_mutes", EmailThreadMute, {"created_by_id": USERS}),
    Entity("mail_ignore_rules", MailIgnoreRule, {"created_by_id": USERS}),
    Entity("mail_suggestions", MailSuggestion, {"partner_id": "partners", "contact_id": "contacts"}),
)
# the entities other rows point at: a restore keeps their old id -> new id
REFERENCED = frozenset(target for entity in ENTITIES for target in entity.refs.values() if target != USERS)
# every file a backup of this format holds, in the order a restore reads them
FILES = (f"{USERS}.json", f"{MEMBERS}.json", *(entity.file for entity in ENTITIES))

# Workspace-owned tables a backup leaves out, by table name, with the reason (shown in the manifest).
NOT_BACKED_UP = {
    "audit_event": "the audit log names the original rows, members and tokens; a restored workspace starts its own",
    "invite": "invite links carry a secret token; invite people again from the restored workspace",
    "statement_link": "statement links are private token URLs; create new ones for the referrers who need them",
    "digest_log": "the record of digest emails already sent; a restored workspace starts its own",
    "partner_activity": "a summary, rebuilt from partners and interactions on restore",
    "touch_week": "a summary, rebuilt from interactions on restore",
    "deal_total": "a summary, rebuilt from deals on restore",
    "health_week": "weekly health snapshots: the open week is rebuilt on restore, closed weeks are the original's history",
    "owner_month": "a summary, rebuilt from partners and interactions on restore",
    "owner_money": "a summary, rebuilt from partners and deals on restore",
    "commission_total": "a summary, rebuilt from the commission ledger on restore",
    "referral_revenue_month": "a summary, rebuilt from deals and referrals on restore",
    "referral_generation_size": "a summary, rebuilt from referrals on restore",
    "branch_revenue": "a summary, rebuilt from deals and referrals on restore",
    "partner_outcome": "a summary, rebuilt from partners, deals, interactions and referrers on restore",
    "outcome_bucket": "a summary, rebuilt from partners, deals, interactions and referrers on restore",
    "book_bucket": "a summary, rebuilt from the partners' activity rows on restore",
    "search_item": "the search index, rebuilt from the workspace's rows on restore",
    "trash_entry": "the Trash names the original rows and members; restored contacts and touches keep their marks",
    "search_variant": "the search index's vocabulary, rebuilt from the workspace's rows on restore",
    "import_run": "the record of past imports and their undo data, which only applies to the original rows",
    "job": "the record of background work done (imports, backups); a restored workspace starts its own",
    "partner_merge": "the undo data of past merges, which only applies to the original rows",
    "contact_merge": "the undo data of past merges, which only applies to the original rows",
    "api_token": "API tokens are secrets of one user; create new ones in the restored workspace",
    "webhook_endpoint": "webhook endpoints carry a signing secret; add them again in the restored workspace",
    "webhook_event": "events already sent to the endpoints of the original workspace",
    "webhook_delivery": "the delivery log of the original workspace's endpoints",
    "webhook_attempt": "the delivery log of the original workspace's endpoints",
    "webhook_flag_state": "what the webhook scan already sent for the original rows; a restored workspace starts its own",
    "webhook_reminder_state": "what the webhook scan already sent for the original rows; a restored workspace starts its own",
    "mail_account": "a user's mailbox and its password; connect it again in the restored workspace",
    "mail_folder_state": "how far the original workspace's mailbox sync got",
}
# Kept per user, not per workspace (and token-bearing): never in a workspace backup.
PER_USER_NOT_BACKED_UP = {
    "calendar_feed": "a private token URL of one user",
    "digest_preference": "a user's own setting, not the workspace's",
    "two_factor_recovery_code": "a user's own secret (hashed), not the workspace's",
}
