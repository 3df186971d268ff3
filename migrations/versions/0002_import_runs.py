"""Imports: the import run, its rows (parsed values, problems, match, action, result, undo snapshots)
and the saved mappings; an index on terms_version.agreed_by_contact_id (deleting contacts in bulk,
as an import's undo does, read the whole table for each contact without it).

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


def upgrade():
    op.create_table(
        "saved_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_saved_mapping_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_mapping")),
        sa.UniqueConstraint("workspace_id", "name", name="uq_saved_mapping_ws_name"),
    )
    with op.batch_alter_table("saved_mapping", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_mapping_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("recognised", sa.String(length=16), nullable=True),
        sa.Column("file_data", sa.LargeBinary(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_import_run_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_import_run_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_import_run_ws_created", ["workspace_id", "created_at"], unique=False)

    op.create_table(
        "import_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("match_partner_id", sa.Integer(), nullable=True),
        sa.Column("match_reason", sa.String(length=8), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("same_as", sa.Integer(), nullable=True),
        sa.Column("referrer_row", sa.Integer(), nullable=True),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("referrer_pending", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("result", sa.String(length=8), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.JSON(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["match_partner_id"],
            ["partner.id"],
            name=op.f("fk_import_row_match_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_import_row_partner_id_partner"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"], ["partner.id"], name=op.f("fk_import_row_referrer_id_partner"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["import_run.id"], name=op.f("fk_import_row_run_id_import_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_row")),
        sa.UniqueConstraint("run_id", "number", name="uq_import_row_run_number"),
    )
    with op.batch_alter_table("import_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_row_match_partner_id"), ["match_partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_row_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_row_referrer_id"), ["referrer_id"], unique=False)
        batch_op.create_index("ix_import_row_run_referrer", ["run_id", "referrer_pending", "number"], unique=False)
        batch_op.create_index("ix_import_row_run_result", ["run_id", "result", "number"], unique=False)

    with op.batch_alter_table("terms_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terms_version_agreed_by_contact_id"), ["agreed_by_contact_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("terms_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_version_agreed_by_contact_id"))

    with op.batch_alter_table("import_row", schema=None) as batch_op:
        batch_op.drop_index("ix_import_row_run_result")
        batch_op.drop_index("ix_import_row_run_referrer")
        batch_op.drop_index(batch_op.f("ix_import_row_referrer_id"))
        batch_op.drop_index(batch_op.f("ix_import_row_partner_id"))
        batch_op.drop_index(batch_op.f("ix_import_row_match_partner_id"))

    op.drop_table("import_row")
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index("ix_import_run_ws_created")
        batch_op.drop_index(batch_op.f("ix_import_run_workspace_id"))

    op.drop_table("import_run")
    with op.batch_alter_table("saved_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_mapping_workspace_id"))

    op.drop_table("saved_mapping")
