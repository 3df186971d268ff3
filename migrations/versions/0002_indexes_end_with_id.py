"""List indexes end with id, the lists' tie-breaker, so PostgreSQL pages from them as SQLite does.

The partners list's sort indexes and the reminders' indexes: SQLite's indexes end with the row id
anyway, PostgreSQL's do not, and without it PostgreSQL sorts every row of a tied value (all active
partners, say) and reads the table for the ids.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (table, index, its columns before this revision); afterwards each ends with "id"
INDEXES = [
    ("partner", "ix_partner_ws_archived_name", ["workspace_id", "archived_at", "name_key"]),
    ("partner", "ix_partner_ws_archived_updated", ["workspace_id", "archived_at", "updated_at"]),
    ("partner", "ix_partner_ws_archived_created", ["workspace_id", "archived_at", "created_at"]),
    ("partner", "ix_partner_ws_archived_status", ["workspace_id", "archived_at", "status"]),
    ("partner", "ix_partner_ws_archived_tier", ["workspace_id", "archived_at", "tier"]),
    ("partner", "ix_partner_ws_archived_source", ["workspace_id", "archived_at", "source"]),
    ("partner", "ix_partner_ws_archived_owner", ["workspace_id", "archived_at", "owner_id"]),
    ("partner", "ix_partner_ws_archived_contacts", ["workspace_id", "archived_at", "contact_count"]),
    ("reminder", "ix_reminder_ws_open_due", ["workspace_id", "completed_at", "due_on"]),
    (
        "reminder",
        "ix_reminder_ws_assignee_open_due",
        ["workspace_id", "assignee_id", "completed_at", "due_on", "due_time"],
    ),
    ("reminder", "ix_reminder_ws_open_due_time", ["workspace_id", "completed_at", "due_on", "due_time"]),
    ("reminder", "ix_reminder_assignee_open_due", ["assignee_id", "completed_at", "due_on"]),
]


def _rebuild(with_id: bool) -> None:
    for table, name, columns in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns + (["id"] if with_id else []), unique=False)


def upgrade():
    _rebuild(with_id=True)


def downgrade():
    _rebuild(with_id=False)
