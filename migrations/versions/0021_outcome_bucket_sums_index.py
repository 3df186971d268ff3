"""An index over the outcome buckets' key and every measure, so the Sources and Tiers reports read
their sums from the index alone.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

KEY = ["workspace_id", "grain", "day", "source", "tier", "owner_id", "currency"]
MEASURES = [
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
    "won_amount",
]


def upgrade():
    op.create_index("ix_outcome_bucket_sums", "outcome_bucket", KEY + MEASURES)


def downgrade():
    op.drop_index("ix_outcome_bucket_sums", table_name="outcome_bucket")
