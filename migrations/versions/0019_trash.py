"""Trash: deleted contacts, interactions and reminders, restorable for 30 days.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trash_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trash_entry_ws_deleted", "trash_entry", ["workspace_id", "deleted_at", "id"])
    op.create_index("ix_trash_entry_deleted", "trash_entry", ["deleted_at"])
    op.create_index("ix_trash_entry_item", "trash_entry", ["kind", "item_id"])
    op.create_index("ix_trash_entry_partner_id", "trash_entry", ["partner_id"])


def downgrade():
    op.drop_index("ix_trash_entry_partner_id", table_name="trash_entry")
    op.drop_index("ix_trash_entry_item", table_name="trash_entry")
    op.drop_index("ix_trash_entry_deleted", table_name="trash_entry")
    op.drop_index("ix_trash_entry_ws_deleted", table_name="trash_entry")
    op.drop_table("trash_entry")
