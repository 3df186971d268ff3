"""Merges of duplicates: partner_merge and contact_merge (with their undo snapshots), the pairs
marked "not duplicates", and Partner.merged_into_id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duplicate_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("low_id", sa.Integer(), nullable=False),
        sa.Column("high_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["user.id"],
            name=op.f("fk_duplicate_dismissal_dismissed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["high_id"], ["partner.id"], name=op.f("fk_duplicate_dismissal_high_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["low_id"], ["partner.id"], name=op.f("fk_duplicate_dismissal_low_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_duplicate_dismissal_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_dismissal")),
        sa.UniqueConstraint("workspace_id", "low_id", "high_id", name=op.f("uq_duplicate_dismissal_workspace_id")),
    )
    with op.batch_alter_table("duplicate_dismissal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duplicate_dismissal_high_id"), ["high_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duplicate_dismissal_low_id"), ["low_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duplicate_dismissal_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "partner_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("created", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_partner_merge_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["partner.id"], name=op.f("fk_partner_merge_merged_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["partner.id"], name=op.f("fk_partner_merge_survivor_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"], ["user.id"], name=op.f("fk_partner_merge_undone_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_partner_merge_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_merge")),
    )
    with op.batch_alter_table("partner_merge", schema=None) as batch_op:
        batch_op.create_index("ix_partner_merge_merged", ["merged_id", "merged_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_merge_survivor_id"), ["survivor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_merge_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "contact_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_contact_merge_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["contact.id"], name=op.f("fk_contact_merge_merged_id_contact"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_contact_merge_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["contact.id"], name=op.f("fk_contact_merge_survivor_id_contact"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"], ["user.id"], name=op.f("fk_contact_merge_undone_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_contact_merge_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_merge")),
    )
    with op.batch_alter_table("contact_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_merge_merged_id"), ["merged_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_merge_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_merge_workspace_id"), ["workspace_id"], unique=False)

    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_partner_merged_into_id_partner"), "partner", ["merged_into_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_partner_merged_into_id_partner"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")

    with op.batch_alter_table("contact_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_merge_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_contact_merge_partner_id"))
        batch_op.drop_index(batch_op.f("ix_contact_merge_merged_id"))

    op.drop_table("contact_merge")
    with op.batch_alter_table("partner_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_merge_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_partner_merge_survivor_id"))
        batch_op.drop_index("ix_partner_merge_merged")

    op.drop_table("partner_merge")
    with op.batch_alter_table("duplicate_dismissal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_dismissal_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_dismissal_low_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_dismissal_high_id"))

    op.drop_table("duplicate_dismissal")
