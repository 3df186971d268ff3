"""Source drift: a partner with a referrer counts as source "referral" unless the source was set on
purpose.

What "on purpose" means in the data: the partner form starts every partner at "direct" (its
default), and until this fix a referrer chosen later (on the Referrals tab, through the API, by a
merge) left that default in place. So a partner that has a referrer (`referred_by_id`) and still the
default source "direct" is drift and becomes "referral"; any other source ("content", "event",
"other") was picked by someone and stays, as does "referral" itself. (A "direct" chosen on purpose
together with a referrer cannot be told apart in the stored rows; the form has marked such a choice
since the referrer picker came, and from now on every way of setting a referrer follows the same rule.)

Each partner changed is recorded in `source_fix` with the value it had, and the number of rows
changed is logged; the downgrade puts back exactly those rows (the ones still "referral") and drops
the record.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

DRIFT = "referred_by_id IS NOT NULL AND source = 'direct' AND merged_into_id IS NULL"


def upgrade():
    op.create_table(
        "source_fix",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("old_source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_source_fix_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_source_fix")),
    )
    bind = op.get_bind()
    bind.execute(
        sa.text(f"INSERT INTO source_fix (partner_id, old_source) SELECT id, source FROM partner WHERE {DRIFT}")
    )
    changed = bind.execute(
        sa.text("UPDATE partner SET source = 'referral' WHERE id IN (SELECT partner_id FROM source_fix)")
    ).rowcount
    log.info("source drift: %d partner(s) with a referrer and the default source set to referral", changed)
    _rebuild_outcomes(bind)


def downgrade():
    bind = op.get_bind()
    restored = bind.execute(
        sa.text(
            "UPDATE partner SET source = (SELECT old_source FROM source_fix WHERE source_fix.partner_id = partner.id)"
            " WHERE source = 'referral' AND id IN (SELECT partner_id FROM source_fix)"
        )
    ).rowcount
    log.info("source drift undone: %d partner(s) back to their former source", restored)
    _rebuild_outcomes(bind)
    op.drop_table("source_fix")


def _rebuild_outcomes(bind):
    """The reports' buckets (when their migration has run) follow the sources changed here."""
    if not sa.inspect(bind).has_table("partner_outcome"):
        return
    from sqlalchemy.orm import Session

    from app.summaries import partner_outcomes

    session = Session(bind=bind)
    for (workspace_id,) in bind.execute(sa.text("SELECT id FROM workspace ORDER BY id")).all():
        partner_outcomes.rebuild(session, workspace_id)
    session.flush()
