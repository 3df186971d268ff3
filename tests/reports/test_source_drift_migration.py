"""Migration 0014: a partner with a referrer and the default source "direct" becomes "referral"; a
source picked otherwise stays; the count is logged, and the downgrade puts back exactly those rows."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import Partner, Workspace
from app.summaries.registry import by_name


def _partner(connection, workspace_id, name, source, referred_by_id=None, merged_into_id=None):
    return connection.execute(
        Partner.__table__.insert().values(
            workspace_id=workspace_id,
            name=name,
            name_key=name.lower(),
            source=source,
            tier="B",
            status="active",
            kind="company",
            no_prospects=False,
            referred_by_id=referred_by_id,
            merged_into_id=merged_into_id,
        )
    ).inserted_primary_key[0]


def _book():
    """As the book stood before the fix (no flush hooks): which partner has which source."""
    with db.engine.begin() as connection:
        ws = connection.execute(Workspace.__table__.insert().values(name="Old book")).inserted_primary_key[0]
        anna = _partner(connection, ws, "Anna", "direct")
        _partner(connection, ws, "Drifted", "direct", anna)
        _partner(connection, ws, "Drifted too", "direct", anna)
        _partner(connection, ws, "Met at a fair", "event", anna)
        _partner(connection, ws, "Already referral", "referral", anna)
        _partner(connection, ws, "Walked in", "direct")
    return ws


def _sources():
    db.session.rollback()
    return dict(db.session.execute(select(Partner.name, Partner.source)).all())


BEFORE = {
    "Anna": "direct",
    "Drifted": "direct",
    "Drifted too": "direct",
    "Met at a fair": "event",
    "Already referral": "referral",
    "Walked in": "direct",
}


@pytest.mark.usefixtures("migration_app")
def test_the_fix_changes_the_drifted_rows_logs_how_many_and_its_downgrade_restores_exactly_those(capfd):
    db.drop_all()
    upgrade(revision="0013")
    _book()
    upgrade(revision="0014")
    assert _sources() == BEFORE | {"Drifted": "referral", "Drifted too": "referral"}
    assert "source drift: 2 partner(s) with a referrer and the default source set to referral" in capfd.readouterr().err
    db.session.remove()
    downgrade(revision="0013")
    assert _sources() == BEFORE
    assert "source drift undone: 2 partner(s) back to their former source" in capfd.readouterr().err
    db.session.remove()


@pytest.mark.usefixtures("migration_app")
def test_after_both_migrations_the_report_buckets_count_the_fixed_sources():
    db.drop_all()
    upgrade(revision="0013")
    workspace_id = _book()
    upgrade(revision="heads")
    db.session.rollback()
    # (the other summaries were never built for rows inserted without the flush hooks)
    assert summaries.check(db.session, workspace_id, [by_name("partner_outcomes")]) == []
    from app.models.report import OutcomeBucket

    gained = dict(
        db.session.execute(
            select(OutcomeBucket.source, OutcomeBucket.gained).where(
                OutcomeBucket.grain == "m", OutcomeBucket.currency == ""
            )
        ).all()
    )
    assert gained == {"direct": 2, "referral": 3, "event": 1}
    db.session.remove()
