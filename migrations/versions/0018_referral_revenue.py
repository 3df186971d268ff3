"""Won revenue along the referral trees: per generation, month won and currency; partners per
generation; per partner its own, its referrals' and its branch's revenue per currency (the
referral_revenue summary), built for the workspaces already there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referral_revenue_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("deal_count", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("referral_revenue_month", schema=None) as batch_op:
        batch_op.create_index(
            "ux_referral_revenue_month_key", ["workspace_id", "generation", "month", "currency"], unique=True
        )
        batch_op.create_index("ix_referral_revenue_month_ws_month", ["workspace_id", "month"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_revenue_month_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "referral_generation_size",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("partner_count", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("referral_generation_size", schema=None) as batch_op:
        batch_op.create_index("ux_referral_generation_size_key", ["workspace_id", "generation"], unique=True)
        batch_op.create_index(batch_op.f("ix_referral_generation_size_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "branch_revenue",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("own_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("referred_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("branch_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("tree_root", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("partner_id", "currency"),
    )
    with op.batch_alter_table("branch_revenue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_branch_revenue_ws_referred", ["workspace_id", "currency", "referred_amount", "partner_id"], unique=False
        )
        batch_op.create_index(
            "ix_branch_revenue_ws_roots",
            ["workspace_id", "currency", "tree_root", "branch_amount", "partner_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_branch_revenue_workspace_id"), ["workspace_id"], unique=False)

    _build_for_the_books_already_there()


def _build_for_the_books_already_there():
    """Existing workspaces get their revenue at once, not after someone thinks of a rebuild."""
    from sqlalchemy.orm import Session

    from app.summaries import referral_revenue

    bind = op.get_bind()
    session = Session(bind=bind)
    for (workspace_id,) in bind.execute(sa.text("SELECT id FROM workspace ORDER BY id")).all():
        referral_revenue.rebuild(session, workspace_id)
    session.flush()


def downgrade():
    op.drop_table("branch_revenue")
    op.drop_table("referral_generation_size")
    op.drop_table("referral_revenue_month")
