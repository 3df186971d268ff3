"""Email that logs itself: the logged messages (de-duplicated by Message-ID), the threads marked
"not a touch", the ignore list and the "new contact?" suggestions.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_thread_mute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_key", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_email_thread_mute_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_email_thread_mute_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_thread_mute")),
        sa.UniqueConstraint("workspace_id", "thread_key", name="uq_email_thread_mute"),
    )
    with op.batch_alter_table("email_thread_mute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_thread_mute_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "mail_ignore_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=254), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_mail_ignore_rule_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_mail_ignore_rule_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_ignore_rule")),
        sa.UniqueConstraint("workspace_id", "pattern", name="uq_mail_ignore_rule"),
    )
    with op.batch_alter_table("mail_ignore_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_ignore_rule_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "mail_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_mail_suggestion_contact_id_contact"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_mail_suggestion_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_mail_suggestion_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_suggestion")),
        sa.UniqueConstraint("workspace_id", "email", name="uq_mail_suggestion_email"),
    )
    with op.batch_alter_table("mail_suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_suggestion_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_suggestion_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "email_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("thread_key", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("snippet", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_email_message_interaction_id_interaction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_email_message_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_email_message_user_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_email_message_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_message")),
        sa.UniqueConstraint("workspace_id", "message_key", "partner_id", name="uq_email_message_key"),
    )
    with op.batch_alter_table("email_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_message_interaction_id"), ["interaction_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_email_message_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_email_message_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_email_message_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_email_message_ws_thread", ["workspace_id", "thread_key"], unique=False)


def downgrade():
    with op.batch_alter_table("email_message", schema=None) as batch_op:
        batch_op.drop_index("ix_email_message_ws_thread")
        batch_op.drop_index(batch_op.f("ix_email_message_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_email_message_user_id"))
        batch_op.drop_index(batch_op.f("ix_email_message_partner_id"))
        batch_op.drop_index(batch_op.f("ix_email_message_interaction_id"))

    op.drop_table("email_message")
    with op.batch_alter_table("mail_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_suggestion_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_mail_suggestion_partner_id"))

    op.drop_table("mail_suggestion")
    with op.batch_alter_table("mail_ignore_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_ignore_rule_workspace_id"))

    op.drop_table("mail_ignore_rule")
    with op.batch_alter_table("email_thread_mute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_thread_mute_workspace_id"))

    op.drop_table("email_thread_mute")
