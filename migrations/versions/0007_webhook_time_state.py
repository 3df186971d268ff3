"""Webhooks' time-based events: the state of the periodic scan (flag episodes, reminders sent).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "webhook_flag_state",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("flag", sa.String(length=24), nullable=False),
        sa.Column("anchor_s", sa.BigInteger(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_webhook_flag_state_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_webhook_flag_state_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "flag", name=op.f("pk_webhook_flag_state")),
    )
    with op.batch_alter_table("webhook_flag_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_flag_state_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "webhook_reminder_state",
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminder.id"],
            name=op.f("fk_webhook_reminder_state_reminder_id_reminder"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_webhook_reminder_state_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reminder_id", name=op.f("pk_webhook_reminder_state")),
    )
    with op.batch_alter_table("webhook_reminder_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_reminder_state_workspace_id"), ["workspace_id"], unique=False)


def downgrade():
    with op.batch_alter_table("webhook_reminder_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_reminder_state_workspace_id"))
    op.drop_table("webhook_reminder_state")
    with op.batch_alter_table("webhook_flag_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_flag_state_workspace_id"))
    op.drop_table("webhook_flag_state")
