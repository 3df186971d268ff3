"""Mailbox sync: a user's IMAP account per workspace (the password encrypted) and how far the sync of
each of its folders got (UIDVALIDITY, the last UID).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(length=10), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("password_encrypted", sa.Text(), nullable=False),
        sa.Column("folders", sa.Text(), nullable=False),
        sa.Column("inbox_folder", sa.String(length=255), nullable=True),
        sa.Column("sent_folder", sa.String(length=255), nullable=True),
        sa.Column("keep_body", sa.Boolean(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen", sa.Integer(), nullable=False),
        sa.Column("last_logged", sa.Integer(), nullable=False),
        sa.Column("total_logged", sa.Integer(), nullable=False),
        sa.Column("last_error_kind", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_mail_account_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_mail_account_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_account")),
        sa.UniqueConstraint("workspace_id", "user_id", name=op.f("uq_mail_account_workspace_id")),
    )
    with op.batch_alter_table("mail_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_account_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_account_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "mail_folder_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_account.id"],
            name=op.f("fk_mail_folder_state_account_id_mail_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_mail_folder_state_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_folder_state")),
        sa.UniqueConstraint("account_id", "folder", name=op.f("uq_mail_folder_state_account_id")),
    )
    with op.batch_alter_table("mail_folder_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_folder_state_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_folder_state_workspace_id"), ["workspace_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_folder_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_folder_state_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_mail_folder_state_account_id"))

    op.drop_table("mail_folder_state")
    with op.batch_alter_table("mail_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_account_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_mail_account_user_id"))

    op.drop_table("mail_account")
