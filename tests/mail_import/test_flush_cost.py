"""What one batch of an import costs in its flush: the summaries' hooks run the same statements for
five partners and for twenty-five, and read the touched partners' rows through the partners'
indexes, not every row of the workspace (bench/mail_import_bench.py, docs/PERFORMANCE.md)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.services.mail_log import RawMessage, record_messages
from app.services.reports.health import close_weeks
from app.summaries import check
from tests.flush_statements import statements_in_flushes
from tests.mail_import.mail import message

TABLES = ("partner", "interaction", "deal", "contact", "partner_activity", "partner_outcome")
_STEP = re.compile(r"^(SCAN|SEARCH) (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX \w+ \((.*)\))?")


def _walks_the_workspace(step: str) -> bool:
    """A plan step that reads every row of the workspace in one of these tables: a scan, or a
    search of an index by the workspace (and perhaps more of its columns) but not by partner or id."""
    found = _STEP.match(step)
    if not found or found.group(2) not in TABLES:
        return False
    kind, _, constraint = found.groups()
    if kind == "SCAN":
        return True
    return constraint is not None and not re.search(r"\b(rowid|id|partner_id|referred_by_id)[=>< ]", constraint)


@pytest.fixture
def book(factories, workspace, user, now):
    """Thirty partners with a contact each, a deal on some, a touch on each, and an open health week."""
    partners = []
    for n in range(30):
        partner = factories.partner(workspace, name=f"Partner {n}", website=f"https://p{n}.test")
        factories.contact(partner, name=f"Contact {n}", email=f"c{n}@p{n}.test")
        partners.append(partner)
    _import(user, workspace, now, range(30), hours=500)
    close_weeks(db.session, now, workspace.id)
    db.session.commit()
    return partners


def _import(user, workspace, now, numbers, *, hours=1):
    mails = [
        message(sender=f"c{n}@p{n}.test", to=user.email, subject=f"Mail {n}", when=now - timedelta(hours=hours + n))
        for n in numbers
    ]
    outcome = record_messages(
        db.session, workspace_id=workspace.id, user_id=user.id, messages=[RawMessage(m) for m in mails], now=now
    )
    db.session.commit()
    return outcome


def _summaries(statements):
    """The statements of the summaries' hooks: all but the ORM's own INSERT of each new touch (on
    SQLite one per row: its RETURNING gives no order to match a batch's ids with)."""
    return [s for s, *_ in statements if not s.startswith("INSERT INTO interaction ")]


def test_a_batch_flush_runs_as_many_statements_for_25_partners_as_for_5(book, user, workspace, now):
    _import(user, workspace, now, range(30), hours=2)  # statements compiled, nothing new to cache
    with statements_in_flushes() as five:
        assert _import(user, workspace, now, range(5), hours=3).logged == 5
    with statements_in_flushes() as twenty_five:
        assert _import(user, workspace, now, range(5, 30), hours=3).logged == 25
    assert len(_summaries(twenty_five)) == len(_summaries(five)), _summaries(twenty_five)
    assert check(db.session, workspace.id) == []


def test_a_batch_flush_reads_the_touched_partners_not_the_whole_workspace(book, user, workspace, now):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner needs the hint; PostgreSQL weighs the conditions by its statistics")
    with statements_in_flushes() as seen:
        assert _import(user, workspace, now, range(5), hours=3).logged == 5
    walks = []
    connection = db.session.connection()
    for statement, params, executemany in seen:
        if executemany or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
        walks.extend((step, statement[:200]) for step in plan if _walks_the_workspace(step))
    db.session.rollback()
    assert walks == []
    assert check(db.session, workspace.id) == []
