"""The audit log: one row per recorded change (who, when, which object, which fields from what to what).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor_kind", sa.String(length=8), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=300), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("object_label", sa.String(length=300), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["user.id"], name=op.f("fk_audit_event_actor_user_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_audit_event_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_ws_actor", ["workspace_id", "actor_user_id", "id"], unique=False)
        batch_op.create_index("ix_audit_event_ws_id", ["workspace_id", "id"], unique=False)
        batch_op.create_index("ix_audit_event_ws_occurred", ["workspace_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_audit_event_ws_partner", ["workspace_id", "partner_id", "id"], unique=False)
        batch_op.create_index("ix_audit_event_ws_type", ["workspace_id", "object_type", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_ws_type")
        batch_op.drop_index("ix_audit_event_ws_partner")
        batch_op.drop_index("ix_audit_event_ws_occurred")
        batch_op.drop_index("ix_audit_event_ws_id")
        batch_op.drop_index("ix_audit_event_ws_actor")

    op.drop_table("audit_event")
