"""The Sources and Tiers reports' derived data: each partner's contribution (partner_outcome) and
their sums per day and month, source, tier, owner and currency (outcome_bucket), kept by
app/summaries/partner_outcomes.py; filled here for the workspaces already there. And an index on
partner_activity for the Tiers report's cadence kept (eligible partners per tier, and those not due).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _measures():
    counts = [
        "gained",
        "active",
        "won_partners",
        "days_to_won",
        "assessed",
        "to_us",
        "to_partner",
        "win_win",
        "retained",
        "referrals",
        "won_deals",
    ]
    return [sa.Column(name, sa.Integer(), nullable=False) for name in counts] + [
        sa.Column("won_amount", sa.Numeric(precision=16, scale=2), nullable=False)
    ]


def upgrade():
    op.create_table(
        "partner_outcome",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("gained_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        *_measures(),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_partner_outcome_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "currency", name=op.f("pk_partner_outcome")),
    )
    with op.batch_alter_table("partner_outcome", schema=None) as batch_op:
        batch_op.create_index("ix_partner_outcome_ws", ["workspace_id", "partner_id"], unique=False)
    op.create_table(
        "outcome_bucket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *_measures(),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_outcome_bucket_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_bucket")),
        sa.UniqueConstraint(
            "workspace_id",
            "grain",
            "day",
            "source",
            "tier",
            "owner_id",
            "currency",
            name=op.f("uq_outcome_bucket_workspace_id"),
        ),
    )
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_activity_ws_tier_due", ["workspace_id", "eligible", "tier", "due_s", "owner_id"], unique=False
        )
    _fill_the_books_already_there()


def _fill_the_books_already_there():
    from sqlalchemy.orm import Session

    from app.summaries import partner_outcomes

    bind = op.get_bind()
    session = Session(bind=bind)
    for (workspace_id,) in bind.execute(sa.text("SELECT id FROM workspace ORDER BY id")).all():
        partner_outcomes.rebuild(session, workspace_id)
    session.flush()


def downgrade():
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_activity_ws_tier_due")
    op.drop_table("outcome_bucket")
    with op.batch_alter_table("partner_outcome", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_outcome_ws")
    op.drop_table("partner_outcome")
