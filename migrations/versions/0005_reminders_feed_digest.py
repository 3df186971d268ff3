"""Reminders: snooze count and indexes for "my due reminders"; calendar feeds; digest preference and log.

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-25 00:06:49.958064

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_calendar_feed_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feed_user_id"), ["user_id"], unique=False)

    op.create_table(
        "digest_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("reminder_count", sa.Integer(), nullable=False),
        sa.Column("partner_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_digest_log_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_digest_log_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_log")),
        sa.UniqueConstraint("user_id", "workspace_id", "sent_on", name=op.f("uq_digest_log_user_id")),
    )
    with op.batch_alter_table("digest_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_log_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_digest_log_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "digest_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_digest_preference_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_digest_preference")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snooze_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(
            "ix_reminder_ws_assignee_open_due",
            ["workspace_id", "assignee_id", "completed_at", "due_on", "due_time"],
            unique=False,
        )
        batch_op.create_index(
            "ix_reminder_ws_open_due_time", ["workspace_id", "completed_at", "due_on", "due_time"], unique=False
        )
        batch_op.create_index("ix_reminder_assignee_open_due", ["assignee_id", "completed_at", "due_on"], unique=False)


def downgrade():
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_assignee_open_due")
        batch_op.drop_index("ix_reminder_ws_open_due_time")
        batch_op.drop_index("ix_reminder_ws_assignee_open_due")
        batch_op.drop_column("snooze_count")

    op.drop_table("digest_preference")
    with op.batch_alter_table("digest_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_log_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_digest_log_user_id"))

    op.drop_table("digest_log")
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feed_user_id"))

    op.drop_table("calendar_feed")
