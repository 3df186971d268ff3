"""The index is kept right in the same transaction (incremental equals rebuilt) over creates, edits,
deletes, archiving, contact moves, merges and their undo, imports and bulk inserts; workspaces never
see each other's items; the lists' query counts stay constant."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Contact, Deal, Partner, Reminder
from app.models.search import SearchItem
from app.services import importing
from app.services.search import search
from app.summaries import registry
from tests.conftest import HX, make_contact, make_partner, make_user, workspace_of
from tests.importing.conftest import make_run
from tests.merging.helpers import build_book
from tests.search.book import make_book


def _right(workspace_id):
    index = registry.by_name("search_index")
    differences = registry.check(db.session, workspace_id, [index])
    assert differences == [], differences
    before = index.stored(db.session, workspace_id)
    registry.rebuild(db.session, workspace_id, [index])
    assert index.stored(db.session, workspace_id) == before  # what a rebuild makes


def _ids(workspace_id, text, kind="partner", **kw):
    return [h.id for h in search(db.session, workspace_id, text, limit=50, **kw).groups.get(kind, [])]


def test_kept_right_over_creates_edits_deletes_and_archive(session, workspace, now):
    book = make_book(workspace, now)
    _right(workspace.id)
    garden, contact = book["garden"], book["contact"]
    garden.name = "Orchard Consulting"
    session.commit()
    assert _ids(workspace.id, "orchard") == [garden.id]
    assert search(session, workspace.id, "garden").groups["partner"][0].title == "Gardenia Florists"
    contact.partner_id = book["noted"].id  # the contact moves to another partner
    session.commit()
    assert search(session, workspace.id, "zoe").groups["contact"][0].context == "Birch Studio"
    contact.removed_at = now
    session.commit()
    assert "contact" not in search(session, workspace.id, "zoe").groups
    book["noted"].archived_at = now
    session.commit()
    assert "interaction" not in search(session, workspace.id, "rebrand").groups
    assert search(session, workspace.id, "rebrand", include_archived=True).groups["interaction"][0].archived
    _right(workspace.id)
    book["noted"].archived_at = None
    book["interaction"].deleted_at = now
    book["reminder"].completed_at = now
    session.delete(book["deal"])
    session.commit()
    assert search(session, workspace.id, "rebrand").groups == {}
    assert search(session, workspace.id, "warehouse").groups == {}
    assert "reminder" not in search(session, workspace.id, "quarterly").groups
    _right(workspace.id)
    session.delete(session.get(Partner, book["mueller"].id))
    session.commit()
    assert _ids(workspace.id, "mueller") == [book["muller"].id, book["plain_muller"].id] or set(
        _ids(workspace.id, "mueller")
    ) == {book["muller"].id, book["plain_muller"].id}
    _right(workspace.id)


def test_kept_right_over_a_merge_and_its_undo(session, workspace, user, now):
    from app.services.merging import merge_partners, undo_partner_merge

    book = build_book(workspace, user, now)
    _right(workspace.id)
    record = merge_partners(
        session, workspace, user, survivor_id=book.survivor.id, merged_id=book.merged.id, choices={}, now=now
    )
    session.commit()
    _right(workspace.id)
    assert book.merged.id not in _ids(workspace.id, book.merged.name)
    assert book.merged.id in _ids(workspace.id, book.merged.name, include_archived=True)
    undo_partner_merge(session, workspace, user, record.id, now=now + timedelta(minutes=5))
    session.commit()
    _right(workspace.id)


def test_kept_right_over_an_import_and_bulk_inserts(session, workspace, user, now):
    run = make_run(
        workspace,
        user,
        [["Name", "Contact", "Phone"], ["Kestrel Works", "Ilse Würth", "030 555 1234"]],
        {"Name": "partner.name", "Contact": "contact.name", "Phone": "contact.phone"},
    )
    importing.execute(session, run, actor=user, now=now)
    session.commit()
    assert search(session, workspace.id, "wurth").groups["contact"][0].context == "Kestrel Works"
    assert search(session, workspace.id, "+49 30 555").groups["contact"]
    session.execute(
        insert(Partner), [{"workspace_id": workspace.id, "name": f"Bulk Kite {i}", "name_key": ""} for i in range(3)]
    )
    session.commit()
    assert len(_ids(workspace.id, "kite")) == 3
    _right(workspace.id)


@pytest.fixture
def other(now):
    other_user = make_user(name="Otto Other", email="otto@example.com")
    other_ws = workspace_of(other_user)
    make_partner(other_ws, name="Garden Outsider")
    make_contact(make_partner(other_ws, name="Hidden Firm"), name="Zoe Outsider", email="zoe@outsider.example")
    return other_ws


def test_workspaces_never_see_each_other(session, workspace, now, other, logged_in):
    make_book(workspace, now)
    mine = search(session, workspace.id, "garden outsider zoe")
    assert mine.groups == {}
    assert all(h.title != "Garden Outsider" for h in search(session, workspace.id, "garden").hits)
    assert [h.title for h in search(session, other.id, "garden").hits] == ["Garden Outsider"]
    assert "Outsider" not in logged_in.get("/partners/?q=outsider", headers=HX).get_data(as_text=True)
    assert "Outsider" not in logged_in.get("/deals/list?q=outsider").get_data(as_text=True)
    # the typo vocabulary is the workspace's own: another's words give no candidates here
    assert search(session, workspace.id, "outsidr").groups == {}


def _fill(session, workspace, n):
    rows = [{"workspace_id": workspace.id, "name": f"Bulk Firm {i}", "name_key": f"bulk firm {i}"} for i in range(n)]
    session.execute(insert(Partner), rows)
    ids = session.scalars(select(Partner.id).where(Partner.workspace_id == workspace.id)).all()
    session.execute(
        insert(Deal),
        [
            {
                "workspace_id": workspace.id,
                "partner_id": pid,
                "title": f"Bulk job {pid}",
                "amount": 1,
                "currency": "EUR",
            }
            for pid in ids
        ],
    )
    session.execute(
        insert(Contact),
        [
            {"workspace_id": workspace.id, "partner_id": pid, "name": f"Person {pid}", "email": f"p{pid}@x.test"}
            for pid in ids
        ],
    )
    session.commit()


@pytest.mark.parametrize(
    "url", ["/partners/?q=firm", "/partners/?q=fimr+bulk", "/deals/list?q=bulk+job", "/deals/list?q=jbo"]
)
def test_list_searches_run_a_constant_number_of_queries(session, workspace, logged_in, count_queries, url):
    _fill(session, workspace, 5)
    logged_in.get(url, headers=HX)
    with count_queries() as small:
        assert logged_in.get(url, headers=HX).status_code == 200
    _fill(session, workspace, 60)
    with count_queries() as large:
        assert logged_in.get(url, headers=HX).status_code == 200
    assert large.count == small.count


def test_search_runs_two_queries_whatever_the_kinds(session, workspace, now, count_queries):
    make_book(workspace, now)
    workspace_id = workspace.id
    with count_queries() as typed:
        search(session, workspace_id, "garden consulting")
    with count_queries() as short:
        search(session, workspace_id, "gar")
    assert typed.count == 2 and short.count == 1, typed.statements
    assert session.scalar(select(func.count()).select_from(SearchItem)) > 0


def test_reminder_without_partner_is_found(session, workspace, user, now):
    session.add(Reminder(workspace_id=workspace.id, title="Renew the insurance", due_on=date(2026, 12, 1)))
    session.commit()
    hit = search(session, workspace.id, "insurance").groups["reminder"][0]
    assert hit.partner_id is None and hit.context is None
    _right(workspace.id)
