"""The partners the neglect rules apply to, by due month and day, owner, tier, source and cadence
(the book_buckets summary, for the Tiers and Account managers reports), built for the workspaces
already there.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "book_bucket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("partners", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "grain", "day", "owner_id", "tier", "source", "cadence_days"),
    )
    _build_for_the_books_already_there()


def _build_for_the_books_already_there():
    """Existing workspaces get their counts at once, not after someone thinks of a rebuild."""
    from sqlalchemy.orm import Session

    from app.summaries import book_buckets

    bind = op.get_bind()
    session = Session(bind=bind)
    for (workspace_id,) in bind.execute(sa.text("SELECT id FROM workspace ORDER BY id")).all():
        book_buckets.rebuild(session, workspace_id)
    session.flush()


def downgrade():
    op.drop_table("book_bucket")
