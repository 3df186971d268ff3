"""Upgrading a database that already has partners gives each one a correct activity row."""

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app.extensions import db
from app.models import PartnerActivity
from app.services import interactions, neglect


def test_existing_partners_get_rows_equal_to_a_recompute(migration_app, now):
    db.drop_all()
    upgrade(revision="0001")
    created = (now - timedelta(days=45)).strftime("%Y-%m-%d %H:%M:%S.%f")
    db.session.execute(
        text(
            "INSERT INTO workspace (id, name, default_currency, cadence_a_days, cadence_b_days, cadence_c_days, "
            "response_time_days, created_at, updated_at) VALUES (1, 'W', 'EUR', 14, 30, 60, 2, :c, :c)"
        ),
        {"c": created},
    )
    for pid, tier, status in ((1, "A", "active"), (2, "C", "active"), (3, "B", "ended")):
        db.session.execute(
            text(
                "INSERT INTO partner (id, workspace_id, name, name_key, kind, status, tier, source, no_prospects, "
                "created_at, updated_at) VALUES (:id, 1, 'P', 'p', 'company', :status, :tier, 'direct', FALSE, :c, :c)"
            ),
            {"id": pid, "tier": tier, "status": status, "c": created},
        )
    db.session.execute(
        text(
            "INSERT INTO contact (workspace_id, partner_id, name, is_primary, created_at, updated_at) "
            "VALUES (1, 1, 'Ann', TRUE, :c, :c)"
        ),
        {"c": created},
    )
    db.session.commit()
    upgrade(revision="heads")
    fields = ["partner_id", "created_s", "eligible", "tier", "contact_count", *neglect.DERIVED_FIELDS]

    def rows():
        db.session.expire_all()
        return [
            tuple(getattr(r, f) for f in fields)
            for r in db.session.scalars(select(PartnerActivity).order_by(PartnerActivity.partner_id))
        ]

    migrated = rows()
    interactions.recompute(db.session, 1)
    db.session.commit()
    assert migrated == rows() and len(migrated) == 3
    assert neglect.flag_counts(db.session, 1, now)["neglected"] == 1  # tier A (14 days); C is 60; B ended
    # end the session's read transaction: dropping the tables waits for it on PostgreSQL
    db.session.rollback()
    downgrade(revision="base")
