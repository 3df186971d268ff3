"""Indexes PostgreSQL can page from as SQLite does: they end with the key, and the forest's roots.

Every SQLite index ends with the row id (for these tables, the primary key), so an index on the sort
column also serves the lists' tie-breaker and answers queries that need the key from the index alone.
PostgreSQL's indexes hold only the columns named: without the key it sorts every row of a tied value
(all active partners, say) and reads the table for the ids. So the list indexes of partners,
reminders, deals and commissions, the dashboard's neglect index and the branch index of referrals
name the key last. The referral forest and its count get a partial index of the roots (both engines
use it: the forest query says `root_id = partner_id`).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (table, index, its columns before this revision, the key this revision adds at the end)
WITH_KEY = [
    ("partner", "ix_partner_ws_archived_name", ["workspace_id", "archived_at", "name_key"], "id"),
    ("partner", "ix_partner_ws_archived_updated", ["workspace_id", "archived_at", "updated_at"], "id"),
    ("partner", "ix_partner_ws_archived_created", ["workspace_id", "archived_at", "created_at"], "id"),
    ("partner", "ix_partner_ws_archived_status", ["workspace_id", "archived_at", "status"], "id"),
    ("partner", "ix_partner_ws_archived_tier", ["workspace_id", "archived_at", "tier"], "id"),
    ("partner", "ix_partner_ws_archived_source", ["workspace_id", "archived_at", "source"], "id"),
    ("partner", "ix_partner_ws_archived_owner", ["workspace_id", "archived_at", "owner_id"], "id"),
    ("partner", "ix_partner_ws_archived_contacts", ["workspace_id", "archived_at", "contact_count"], "id"),
    ("reminder", "ix_reminder_ws_open_due", ["workspace_id", "completed_at", "due_on"], "id"),
    (
        "reminder",
        "ix_reminder_ws_assignee_open_due",
        ["workspace_id", "assignee_id", "completed_at", "due_on", "due_time"],
        "id",
    ),
    ("reminder", "ix_reminder_ws_open_due_time", ["workspace_id", "completed_at", "due_on", "due_time"], "id"),
    ("reminder", "ix_reminder_assignee_open_due", ["assignee_id", "completed_at", "due_on"], "id"),
    ("deal", "ix_deal_ws_stage_updated", ["workspace_id", "stage", "updated_at"], "id"),
    ("deal", "ix_deal_ws_updated", ["workspace_id", "updated_at"], "id"),
    ("deal", "ix_deal_ws_amount", ["workspace_id", "amount"], "id"),
    ("deal", "ix_deal_ws_expected", ["workspace_id", "expected_close_on"], "id"),
    ("deal", "ix_deal_ws_closed", ["workspace_id", "closed_on"], "id"),
    ("commission", "ix_commission_ws_status_earned", ["workspace_id", "status", "earned_on"], "id"),
    ("commission", "ix_commission_ws_earned", ["workspace_id", "earned_on"], "id"),
    ("commission", "ix_commission_referrer_earned", ["referrer_id", "earned_on"], "id"),
    (
        "partner_activity",
        "ix_partner_activity_ws_due",
        [
            "workspace_id",
            "eligible",
            "due_s",
            "soon_s",
            "burst",
            "last_touch_s",
            "created_s",
            "cadence_days",
            "contact_count",
            "thread_from_s",
            "thread_until_s",
            "owner_id",
        ],
        "partner_id",
    ),
    ("referral", "ix_referral_ws_root", ["workspace_id", "root_id", "referred_on"], "partner_id"),
]
ROOTS = sa.text("root_id = partner_id")


def _rebuild(with_key: bool) -> None:
    for table, name, columns, key in WITH_KEY:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns + ([key] if with_key else []), unique=False)


def upgrade():
    _rebuild(with_key=True)
    op.create_index(
        "ix_referral_ws_roots",
        "referral",
        ["workspace_id", "subtree_size", "subtree_depth"],
        unique=False,
        sqlite_where=ROOTS,
        postgresql_where=ROOTS,
    )


def downgrade():
    op.drop_index("ix_referral_ws_roots", table_name="referral")
    _rebuild(with_key=False)
