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


def _statements_of(call, starts_with):
    seen = []

    def keep(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().startswith(starts_with) and "search_item" in statement:
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        result = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return result, seen


def test_the_deals_search_reads_deals_by_id_from_the_matches(app, workspace):
    """The totals and the page of a searched deals list: the matched deals (their own words, or
    their partner's) are read by id, not by testing every deal of the workspace (80 ms → 0.1 ms
    for 12 matches among 63,000 deals)."""
    from decimal import Decimal

    from app.models import Deal
    from app.services import deals as deal_service

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner needs the hint; PostgreSQL weighs the matches by its statistics")
    for n in range(30):
        partner = make_partner(workspace, name=f"Partner {n}")
        db.session.add(Deal(workspace_id=workspace.id, partner_id=partner.id, title=f"Rollout {n}", currency="EUR"))
    quillon = make_partner(workspace, name="Quillon Works")
    db.session.add(
        Deal(workspace_id=workspace.id, partner_id=quillon.id, title="Website", amount=Decimal("100"), currency="EUR")
    )
    db.session.add(
        Deal(workspace_id=workspace.id, partner_id=quillon.id, title="Logo", amount=Decimal("50"), currency="EUR")
    )
    other = make_partner(workspace, name="Brightside")
    db.session.add(
        Deal(
            workspace_id=workspace.id, partner_id=other.id, title="Quillon rebrand", amount=Decimal("7"), currency="EUR"
        )
    )
    db.session.commit()

    (page, totals), seen = _statements_of(
        lambda: deal_service.list_deals(db.session, workspace.id, deal_service.DealFilters(q="quillon")), "SELECT"
    )
    assert sorted(row.Deal.title for row in page.items) == ["Logo", "Quillon rebrand", "Website"]
    assert page.total == 3 and totals["lead"].sums == {"EUR": Decimal("157.00")}
    assert len(seen) == 2  # the totals, then the page
    for statement, params in seen:
        plan = [row[-1] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
        assert plan[0].startswith("SEARCH deal USING INTEGER PRIMARY KEY"), plan


def test_a_search_is_compiled_once_per_shape_and_answers_each_query_rightly(app, workspace):
    """The search conditions are bound parameters, so the second search (other words) reuses the
    compiled statement (4 ms a statement otherwise) and still finds its own matches."""
    from sqlalchemy.engine.default import CACHE_HIT

    for name in ("Quillon Works", "Brightside Studio", "Harbor Media"):
        make_partner(workspace, name=name)
    db.session.commit()
    hits = []

    def keep(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().startswith("SELECT partner.id") and "search_item" in statement:
            hits.append(context.cache_hit == CACHE_HIT)

    found = {}
    event.listen(db.engine, "after_cursor_execute", keep)
    try:
        for word in ("quillon", "brightside", "harbor"):
            page = partner_service.list_partners(db.session, workspace.id, partner_service.PartnerFilters(q=word))
            found[word] = [row.Partner.name for row in page.items]
    finally:
        event.remove(db.engine, "after_cursor_execute", keep)
    assert found == {"quillon": ["Quillon Works"], "brightside": ["Brightside Studio"], "harbor": ["Harbor Media"]}
    assert hits[1:] and all(hits[1:]), hits
