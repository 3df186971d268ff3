"""Health over time: per workspace and week, the flag counts and health-score bands of the book.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COUNTS = (
    "partners",
    "band_0",
    "band_1",
    "band_2",
    "band_3",
    "neglected",
    "due_soon",
    "waiting_on_us",
    "not_answering",
    "burst_then_silence",
    "single_threaded",
)


def upgrade():
    op.create_table(
        "health_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "week_start"),
    )


def downgrade():
    op.drop_table("health_week")
