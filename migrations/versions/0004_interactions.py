"""interactions and the per-partner activity summary

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-25 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_interaction_contact_id_contact"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_interaction_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_interaction_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_interaction_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction")),
    )
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interaction_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_interaction_partner_occurred", ["partner_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_interaction_ws_occurred", ["workspace_id", "occurred_at"], unique=False)

    op.create_table(
        "partner_activity",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_s", sa.BigInteger(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("cadence_override", sa.Integer(), nullable=True),
        sa.Column("response_override", sa.Integer(), nullable=True),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("touch_count", sa.Integer(), nullable=False),
        sa.Column("our_count", sa.Integer(), nullable=False),
        sa.Column("their_count", sa.Integer(), nullable=False),
        sa.Column("last_touch_at", sa.DateTime(), nullable=True),
        sa.Column("last_touch_s", sa.BigInteger(), nullable=True),
        sa.Column("last_touch_direction", sa.String(length=8), nullable=True),
        sa.Column("third_touch_s", sa.BigInteger(), nullable=True),
        sa.Column("last_our_s", sa.BigInteger(), nullable=True),
        sa.Column("last_their_s", sa.BigInteger(), nullable=True),
        sa.Column("ours_since_theirs", sa.Integer(), nullable=False),
        sa.Column("third_our_s", sa.BigInteger(), nullable=True),
        sa.Column("run_contact_id", sa.Integer(), nullable=True),
        sa.Column("run_length", sa.Integer(), nullable=False),
        sa.Column("run_break_s", sa.BigInteger(), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("response_days", sa.Integer(), nullable=False),
        sa.Column("due_s", sa.BigInteger(), nullable=False),
        sa.Column("soon_s", sa.BigInteger(), nullable=False),
        sa.Column("waiting_s", sa.BigInteger(), nullable=True),
        sa.Column("chase_s", sa.BigInteger(), nullable=True),
        sa.Column("burst", sa.Boolean(), nullable=False),
        sa.Column("thread_from_s", sa.BigInteger(), nullable=True),
        sa.Column("thread_until_s", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_partner_activity_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_partner_activity_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_partner_activity")),
    )
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_activity_ws_chase", ["workspace_id", "eligible", "chase_s", "owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_activity_ws_contacts", ["workspace_id", "eligible", "contact_count", "owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_activity_ws_due",
            [
                "workspace_id",
                "eligible",
                "due_s",
                "soon_s",
                "burst",
                "last_touch_s",
                "created_s",
                "cadence_days",
                "contact_count",
                "thread_from_s",
                "thread_until_s",
                "owner_id",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_partner_activity_ws_thread",
            ["workspace_id", "eligible", "thread_until_s", "thread_from_s", "contact_count", "owner_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_partner_activity_ws_waiting", ["workspace_id", "eligible", "waiting_s", "owner_id"], unique=False
        )
    op.create_table(
        "touch_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("touches", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_touch_week_author_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_touch_week_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touch_week")),
    )
    with op.batch_alter_table("touch_week", schema=None) as batch_op:
        batch_op.create_index("ix_touch_week_ws_week", ["workspace_id", "week_start"], unique=False)

    # Existing partners get their rows: contacts counted, no interactions yet, so a partner is
    # neglected `cadence` days after it was added (the rules of app/services/neglect.py).
    bind = op.get_bind()
    epoch = (
        "CAST(strftime('%s', p.created_at) AS INTEGER)"
        if bind.dialect.name == "sqlite"
        else "CAST(floor(extract(epoch from p.created_at)) AS BIGINT)"
    )
    cadence = (
        "COALESCE(p.cadence_days, CASE p.tier WHEN 'A' THEN w.cadence_a_days "
        "WHEN 'B' THEN w.cadence_b_days ELSE w.cadence_c_days END)"
    )
    window = f"CASE WHEN {cadence} * 17280 > 172800 THEN {cadence} * 17280 ELSE 172800 END"
    op.execute(
        "INSERT INTO partner_activity (partner_id, workspace_id, created_s, eligible, owner_id, tier, "
        "cadence_override, response_override, contact_count, touch_count, our_count, their_count, "
        "ours_since_theirs, run_length, cadence_days, response_days, due_s, soon_s, burst) "
        f"SELECT p.id, p.workspace_id, {epoch}, "
        "(p.archived_at IS NULL AND p.status NOT IN ('ended') AND NOT p.no_prospects), "
        "p.owner_id, p.tier, p.cadence_days, p.response_time_days, "
        "(SELECT COUNT(*) FROM contact c WHERE c.partner_id = p.id AND c.removed_at IS NULL), 0, 0, 0, 0, 0, "
        f"{cadence}, COALESCE(p.response_time_days, w.response_time_days), "
        f"{epoch} + {cadence} * 86400, {epoch} + {cadence} * 86400 - {window}, (1 = 0) "
        "FROM partner p JOIN workspace w ON w.id = p.workspace_id"
    )


def downgrade():
    with op.batch_alter_table("touch_week", schema=None) as batch_op:
        batch_op.drop_index("ix_touch_week_ws_week")

    op.drop_table("touch_week")
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_activity_ws_waiting")
        batch_op.drop_index("ix_partner_activity_ws_thread")
        batch_op.drop_index("ix_partner_activity_ws_due")
        batch_op.drop_index("ix_partner_activity_ws_contacts")
        batch_op.drop_index("ix_partner_activity_ws_chase")

    op.drop_table("partner_activity")
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_ws_occurred")
        batch_op.drop_index("ix_interaction_partner_occurred")
        batch_op.drop_index(batch_op.f("ix_interaction_contact_id"))

    op.drop_table("interaction")
