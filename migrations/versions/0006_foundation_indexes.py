"""Partners list at scale: contact count kept on the partner, an index per sortable column, a covering
index for searching contacts

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-25 00:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None

PARTNER_INDEXES = {
    "ix_partner_ws_archived_updated": ["workspace_id", "archived_at", "updated_at"],
    "ix_partner_ws_archived_created": ["workspace_id", "archived_at", "created_at"],
    "ix_partner_ws_archived_status": ["workspace_id", "archived_at", "status"],
    "ix_partner_ws_archived_tier": ["workspace_id", "archived_at", "tier"],
    "ix_partner_ws_archived_source": ["workspace_id", "archived_at", "source"],
    "ix_partner_ws_archived_owner": ["workspace_id", "archived_at", "owner_id"],
    "ix_partner_ws_archived_contacts": ["workspace_id", "archived_at", "contact_count"],
    "ix_partner_ws_filters": ["workspace_id", "archived_at", "status", "tier", "source", "owner_id"],
}


def upgrade():
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_count", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE partner SET contact_count = (SELECT count(*) FROM contact "
        "WHERE contact.partner_id = partner.id AND contact.removed_at IS NULL)"
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        for name, columns in PARTNER_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_ws_search", ["workspace_id", "removed_at", "partner_id", "name", "email"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_ws_search")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        for name in reversed(list(PARTNER_INDEXES)):
            batch_op.drop_index(name)
        batch_op.drop_column("contact_count")
