"""Account managers: per owner and month, touches, waiting-on-us episodes and an answer-time
histogram; per owner, month and currency, won deals and their win-win assessment.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

MONTH_COUNTS = ("touches", "episodes", "answered", *(f"answer_{n}" for n in range(8)))


def upgrade():
    op.create_table(
        "owner_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in MONTH_COUNTS),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "owner_id", "month"),
    )
    op.create_table(
        "owner_money",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("won_deals", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("assessed", sa.Integer(), nullable=False),
        sa.Column("winwin", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "owner_id", "month", "currency"),
    )


def downgrade():
    op.drop_table("owner_money")
    op.drop_table("owner_month")
