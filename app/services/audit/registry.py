"""Which models the audit log records, and how: the object type, its label, the partner it belongs
to, the fields recorded and the actions its transitions are.

Every mapped column is recorded except the model's bookkeeping (ids, timestamps, summary columns
kept by app/summaries) and secrets — EXCLUDED_NAMES plus any column whose name says it is a hash or
a secret, so a column added later (a TOTP secret, a session key hash) is never stored by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import inspect

from app.models import (
    ApiToken,
    Commission,
    Contact,
    Deal,
    Interaction,
    Invite,
    Membership,
    Partner,
    Referral,
    Reminder,
    TermsVersion,
    WebhookEndpoint,
    Workspace,
)

# Secrets, never stored whatever the model (and any column named *_hash or *secret*)
EXCLUDED_NAMES = frozenset({"password_hash", "token_hash", "key_hash", "secret", "totp_secret", "code_hash"})
ALWAYS_SKIPPED = frozenset({"id", "workspace_id", "created_at", "updated_at"})


def is_secret(name: str) -> bool:
    return name in EXCLUDED_NAMES or name.endswith("_hash") or "secret" in name


@dataclass(frozen=True)
class Spec:
    model: type
    object_type: str
    label: Callable[[dict], str]  # from the object's loaded values (no query)
    partner_of: Callable[[dict], int | None] = lambda values: None
    workspace_of: Callable[[dict], int | None] = lambda values: values.get("workspace_id")
    skipped: frozenset[str] = frozenset()  # bookkeeping columns of this model
    # column -> (action when it becomes set, action when it is cleared); the first changed one wins
    transitions: tuple[tuple[str, str, str], ...] = ()
    money: dict[str, str] = field(default_factory=dict)  # amount column -> its currency column
    # a row that only exists for bookkeeping until it holds details: no event while it has none
    quiet_when_empty: bool = False
    fields: tuple[str, ...] = ()

    def action(self, changes: dict) -> str:
        for name, when_set, when_cleared in self.transitions:
            if name in changes:
                old, new = changes[name]
                if (old is None) != (new is None):
                    return when_set if new is not None else when_cleared
                if when_set == when_cleared:  # a move between values (a deal's stage)
                    return when_set
        return "updated"


def _partner_id(values):
    return values.get("partner_id")


SPECS_LIST = [
    Spec(
        Partner,
        "partner",
        label=lambda v: v.get("name") or "",
        partner_of=lambda v: v.get("id"),
        skipped=frozenset({"name_key", "contact_count"}),
        transitions=(("archived_at", "archived", "restored"), ("referred_by_id", "referral_set", "referral_cleared")),
    ),
    Spec(
        Contact,
        "contact",
        label=lambda v: v.get("name") or "",
        partner_of=_partner_id,
        transitions=(("removed_at", "removed", "restored"),),
    ),
    Spec(
        Referral,
        "referral",
        label=lambda v: "",
        partner_of=_partner_id,
        skipped=frozenset({"partner_id", "root_id", "generation", "direct_count", "subtree_size", "subtree_depth"}),
        quiet_when_empty=True,  # the referral_stats summary adds a row for every partner in a tree
    ),
    Spec(
        Deal,
        "deal",
        label=lambda v: v.get("title") or "",
        partner_of=_partner_id,
        transitions=(("stage", "stage_changed", "stage_changed"),),
        money={"amount": "currency"},
    ),
    Spec(
        TermsVersion,
        "terms",
        label=lambda v: f"v{v.get('version')}",
        partner_of=_partner_id,
        skipped=frozenset({"changed_at"}),
    ),
    Spec(
        Commission,
        "commission",
        label=lambda v: v.get("kind") or "",
        partner_of=lambda v: v.get("referrer_id"),
        transitions=(("paid_on", "paid", "unpaid"),),
        money={"amount": "currency", "base_amount": "currency"},
    ),
    Spec(
        Reminder,
        "reminder",
        label=lambda v: v.get("title") or "",
        partner_of=_partner_id,
        transitions=(("completed_at", "completed", "reopened"),),
    ),
    Spec(
        Interaction,
        "interaction",
        label=lambda v: v.get("kind") or "",
        partner_of=_partner_id,
        transitions=(("deleted_at", "deleted", "restored"),),
    ),
    Spec(Membership, "member", label=lambda v: ""),  # the member's name is looked up (recording.py)
    Spec(
        Invite,
        "invite",
        label=lambda v: v.get("role") or "",
        transitions=(("revoked_at", "revoked", "restored"), ("accepted_at", "accepted", "updated")),
    ),
    Spec(
        ApiToken,
        "api_token",
        label=lambda v: v.get("name") or "",
        skipped=frozenset({"last_used_at", "prefix"}),
        transitions=(("revoked_at", "revoked", "restored"),),
    ),
    Spec(
        WebhookEndpoint,
        "webhook",
        label=lambda v: v.get("url") or "",
        skipped=frozenset({"consecutive_failures", "failing_since"}),
        transitions=(("disabled_at", "disabled", "enabled"),),
    ),
    Spec(Workspace, "workspace", label=lambda v: v.get("name") or "", workspace_of=lambda v: v.get("id")),
]


def _fields(spec: Spec) -> tuple[str, ...]:
    names = [attr.key for attr in inspect(spec.model).column_attrs]
    return tuple(n for n in names if n not in ALWAYS_SKIPPED and n not in spec.skipped and not is_secret(n))


SPECS: dict[type, Spec] = {}
for _spec in SPECS_LIST:
    SPECS[_spec.model] = Spec(**{**_spec.__dict__, "fields": _fields(_spec)})
BY_TYPE: dict[str, Spec] = {spec.object_type: spec for spec in SPECS.values()}
OBJECT_TYPES = tuple(BY_TYPE)
