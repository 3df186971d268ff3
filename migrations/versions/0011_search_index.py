"""The search index: one row per findable item (folded words, full-text indexed per engine) and the
vocabulary of its typo tolerance. The books already there are indexed by the upgrade itself
(the same rebuild as `flask summaries rebuild --only search_index`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

from app.services.search.engine import create_ddl, drop_ddl

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("title_words", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("partner_archived", sa.Boolean(), nullable=False),
        sa.Column("activity_s", sa.BigInteger(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "kind", name="uq_search_item_item_kind"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("search_item", schema=None) as batch_op:
        batch_op.create_index("ix_search_item_partner", ["partner_id"], unique=False)
    op.create_table(
        "search_variant",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=48), nullable=False),
        sa.Column("word", sa.String(length=48), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "variant", "word"),
    )
    for statement in create_ddl(op.get_bind().dialect.name):
        op.execute(statement)

    _index_the_books_already_there()


def _index_the_books_already_there():
    """Existing workspaces become findable at once, not after someone thinks of a rebuild."""
    from sqlalchemy.orm import Session

    from app.summaries import search_index

    bind = op.get_bind()
    session = Session(bind=bind)
    for (workspace_id,) in bind.execute(sa.text("SELECT id FROM workspace ORDER BY id")).all():
        search_index.rebuild(session, workspace_id)
    session.flush()


def downgrade():
    for statement in drop_ddl(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("search_variant")
    with op.batch_alter_table("search_item", schema=None) as batch_op:
        batch_op.drop_index("ix_search_item_partner")
    op.drop_table("search_item")
