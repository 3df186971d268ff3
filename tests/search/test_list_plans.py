"""A searched partners list is read from its matches, not by walking every partner of the workspace
in the list's index and testing each one (flat as the book grows: bench/, docs/PERFORMANCE.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.extensions import db
from app.services import partners as partner_service
from tests.conftest import make_partner


def test_the_search_reads_partners_by_id_from_the_matches(app, workspace):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner needs the hint; PostgreSQL weighs the matches by its statistics")
    for n in range(30):
        make_partner(workspace, name=f"Partner {n}")
    make_partner(workspace, name="Quillon Works")
    seen = []

    def keep(conn, cursor, statement, params, context, executemany):
        if "search_item.partner_id" in statement and statement.lstrip().startswith("SELECT partner.id"):
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        page = partner_service.list_partners(db.session, workspace.id, partner_service.PartnerFilters(q="quillon"))
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert [row.Partner.name for row in page.items] == ["Quillon Works"]
    ((statement, params),) = seen
    plan = [row[-1] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert plan[0].startswith("SEARCH partner USING INTEGER PRIMARY KEY"), plan
