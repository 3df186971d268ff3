"""referral genealogy: referral details and tree stats, referrer change history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referral",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("direct_count", sa.Integer(), nullable=False),
        sa.Column("subtree_size", sa.Integer(), nullable=False),
        sa.Column("subtree_depth", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_referral_contact_id_contact"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_referral_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_referral_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_referral_ws_direct", ["workspace_id", "direct_count"], unique=False)
        batch_op.create_index("ix_referral_ws_generation", ["workspace_id", "generation"], unique=False)
        batch_op.create_index("ix_referral_ws_root", ["workspace_id", "root_id", "referred_on"], unique=False)
        batch_op.create_index("ix_referral_ws_referred_on", ["workspace_id", "referred_on", "root_id"], unique=False)
        batch_op.create_index(
            "ix_referral_ws_size", ["workspace_id", "subtree_size", "subtree_depth", "root_id"], unique=False
        )

    op.create_table(
        "referral_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("from_partner_id", sa.Integer(), nullable=True),
        sa.Column("from_name", sa.String(length=200), nullable=True),
        sa.Column("to_partner_id", sa.Integer(), nullable=True),
        sa.Column("to_name", sa.String(length=200), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_referral_change_changed_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["from_partner_id"],
            ["partner.id"],
            name=op.f("fk_referral_change_from_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_referral_change_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["to_partner_id"],
            ["partner.id"],
            name=op.f("fk_referral_change_to_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_referral_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_change")),
    )
    with op.batch_alter_table("referral_change", schema=None) as batch_op:
        batch_op.create_index("ix_referral_change_partner_at", ["partner_id", "changed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_change_workspace_id"), ["workspace_id"], unique=False)


def downgrade():
    with op.batch_alter_table("referral_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_change_workspace_id"))
        batch_op.drop_index("ix_referral_change_partner_at")

    op.drop_table("referral_change")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_ws_size")
        batch_op.drop_index("ix_referral_ws_referred_on")
        batch_op.drop_index("ix_referral_ws_root")
        batch_op.drop_index("ix_referral_ws_generation")
        batch_op.drop_index("ix_referral_ws_direct")
        batch_op.drop_index(batch_op.f("ix_referral_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_referral_contact_id"))

    op.drop_table("referral")
