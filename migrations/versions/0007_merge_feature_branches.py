"""Merge the feature branches (referrals, deals, interactions, reminders, indexes) into one head

Revision ID: 0007
Revises: 0002, 0003, 0004, 0005, 0006
Create Date: 2026-11-25

"""

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = ("0002", "0003", "0004", "0005", "0006")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
