"""Running an import: decisions honoured, fill vs overwrite, contacts imports, resuming, summaries."""

from __future__ import annotations

import pytest

from app.models import Contact, Deal, ImportRow, Partner
from app.services import ServiceError, importing
from app.summaries import registry
from tests.conftest import NOW, make_contact, make_partner
from tests.importing.conftest import make_run, rows_of

FIELDS = {
    "Name": "partner.name",
    "Status": "partner.status",
    "Notes": "partner.notes",
    "Contact": "contact.name",
    "Email": "contact.email",
    "Phone": "contact.phone",
    "Contact 2": ("contact.name", 2),
    "Deal": "deal.title",
    "Amount": "deal.amount",
    "Stage": "deal.stage",
    "Referred by": "partner.referred_by",
}


def _partners(session, workspace):
    return {p.name: p for p in session.query(Partner).filter_by(workspace_id=workspace.id)}


def test_creates_partners_contacts_and_deals(session, workspace, user, importer):
    run = importer(
        [
            ["Name", "Contact", "Email", "Contact 2", "Deal", "Amount", "Stage"],
            ["Garden", "Anna", "anna@garden.de", "Max", "Website", "4,800.50", "won"],
        ],
        FIELDS,
    )
    importing.execute(session, run, actor=user, now=NOW)
    partner = _partners(session, workspace)["Garden"]
    contacts = sorted(session.query(Contact).filter_by(partner_id=partner.id), key=lambda c: c.id)
    assert [(c.name, c.email, c.is_primary) for c in contacts] == [
        ("Anna", "anna@garden.de", True),
        ("Max", None, False),
    ]
    deal = session.query(Deal).one()
    assert (deal.title, str(deal.amount), deal.currency, deal.stage, deal.closed_on) == (
        "Website",
        "4800.50",
        "EUR",
        "won",
        NOW.date(),
    )
    assert (run.status, run.created, run.updated, run.skipped, run.failed) == ("done", 1, 0, 0, 0)
    assert partner.created_at == NOW and partner.contact_count == 2


def test_decisions_create_update_skip_are_honoured(session, workspace, user, importer):
    existing = make_partner(workspace, name="Garden Studio", notes=None)
    other = make_partner(workspace, name="Other Studio")
    run = importer(
        [
            ["Name", "Notes"],
            ["Garden Studio", "from file"],
            ["Other Studio", "from file"],
            ["New One", ""],
            ["Skip Me", ""],
        ],
        FIELDS,
    )
    importing.decide(session, run, 2, "create")  # the user says it is a different partner
    importing.decide(session, run, 4, "skip")
    with pytest.raises(ServiceError, match="matches no partner"):
        importing.decide(session, run, 3, "update")
    importing.execute(session, run, actor=user, now=NOW)
    partners = session.query(Partner).filter_by(workspace_id=workspace.id).all()
    assert sorted(p.name for p in partners) == ["Garden Studio", "New One", "Other Studio", "Other Studio"]
    assert existing.notes == "from file" and other.notes is None
    assert {r.number: r.result for r in rows_of(run).values()} == {
        1: "updated",
        2: "created",
        3: "created",
        4: "skipped",
    }
    assert rows_of(run)[1].before["partner"]["notes"] is None


def test_rows_with_problems_cannot_be_forced_and_fail(session, user, importer):
    run = importer([["Name", "Status"], ["A", "weird"]], FIELDS)
    with pytest.raises(ServiceError, match="has problems"):
        importing.decide(session, run, 1, "create")
    assert importing.decide_all(session, run, "create") == 0
    importing.execute(session, run, actor=user, now=NOW)
    assert rows_of(run)[1].result == "failed" and run.failed == 1


@pytest.mark.parametrize(
    ("on_match", "notes", "status"), [("fill", "kept", "prospect"), ("overwrite", "file", "active")]
)
def test_fill_sets_empty_fields_only_overwrite_replaces(session, workspace, user, on_match, notes, status):
    partner = make_partner(workspace, name="Garden", notes="kept", status="prospect", website=None)
    contact = make_contact(partner, name="Anna", email="anna@garden.de", phone=None)
    run = make_run(
        workspace,
        user,
        [
            ["Name", "Notes", "Status", "Email", "Phone", "Contact"],
            ["Garden", "file", "active", "anna@garden.de", "+49 1", "Anna B"],
        ],
        FIELDS,
        on_match=on_match,
    )
    importing.execute(session, run, actor=user, now=NOW)
    session.refresh(partner)
    session.refresh(contact)
    assert (partner.notes, partner.status) == (notes, status)
    assert contact.phone == "+49 1"  # empty before: filled either way
    assert contact.name == ("Anna" if on_match == "fill" else "Anna B")
    assert session.query(Contact).filter_by(partner_id=partner.id).count() == 1


def test_contacts_import_attaches_to_existing_partners(session, workspace, user):
    garden = make_partner(workspace, name="Garden Studio GmbH")
    make_contact(garden, name="Old", email="old@garden.de", is_primary=True)
    run = make_run(
        workspace,
        user,
        [
            ["Company", "Name", "Email"],
            ["garden studio", "Anna", "anna@garden.de"],
            ["Nowhere Inc", "Bob", "bob@x.de"],
            ["Garden Studio", "Old Name", "old@garden.de"],
        ],
        {"Company": "partner.name", "Name": "contact.name", "Email": "contact.email"},
        kind="contacts",
    )
    rows = rows_of(run)
    assert rows[2].problems == {
        "partner.name": "No partner 'Nowhere Inc' — import it as a partner first, or fix the name"
    }
    assert (rows[3].action, rows[3].match_reason) == ("update", "email")
    importing.execute(session, run, actor=user, now=NOW)
    contacts = {c.email: c for c in session.query(Contact).filter_by(partner_id=garden.id)}
    assert set(contacts) == {"anna@garden.de", "old@garden.de"}
    assert contacts["anna@garden.de"].is_primary is False
    assert session.query(Partner).filter_by(workspace_id=workspace.id).count() == 1


def test_a_stopped_run_resumes_without_duplicates(session, workspace, user, importer, monkeypatch):
    monkeypatch.setattr("app.services.importing.execution.CHUNK", 3)
    rows = [["Name", "Referred by"]] + [[f"P{i}", f"P{i + 1}" if i < 9 else ""] for i in range(10)]
    run = importer(rows, FIELDS)

    class Stop(Exception):
        pass

    def stop_after_first_chunk(done, total):
        session.commit()
        raise Stop

    with pytest.raises(Stop):
        importing.execute(session, run, actor=user, now=NOW, progress=stop_after_first_chunk)
    assert session.query(Partner).filter_by(workspace_id=workspace.id).count() == 3
    with pytest.raises(ServiceError, match="already running"):
        importing.execute(session, run, actor=user, now=NOW)
    importing.execute(session, run, actor=user, now=NOW, resume=True)
    partners = _partners(session, workspace)
    assert len(partners) == 10
    assert all(partners[f"P{i}"].referred_by_id == partners[f"P{i + 1}"].id for i in range(9))
    assert run.created == 10 and registry.check(session, workspace.id) == []


def test_execute_twice_is_refused(session, user, importer):
    run = importer([["Name"], ["A"]], FIELDS)
    importing.execute(session, run, actor=user, now=NOW)
    with pytest.raises(ServiceError, match="already run"):
        importing.execute(session, run, actor=user, now=NOW)


def test_summaries_right_after_an_import_incremental_equals_rebuilt(session, workspace, user, importer):
    known = make_partner(workspace, name="Known")
    run = importer(
        [
            ["Name", "Contact", "Contact 2", "Deal", "Amount", "Stage", "Referred by"],
            ["Child", "Anna", "Bob", "Site", "1200", "won", "Parent"],
            ["Grandchild", "Cleo", "", "Logo", "300", "lead", "Child"],
            ["Parent", "Dan", "", "", "", "", "Known"],
            ["Known", "Eve", "", "Retainer", "50", "proposal", ""],
        ],
        FIELDS,
    )
    importing.execute(session, run, actor=user, now=NOW)
    session.commit()
    assert registry.check(session, workspace.id) == []
    stored = {s.name: s.stored(session, workspace.id) for s in registry.all_summaries()}
    registry.rebuild(session, workspace.id)
    assert {s.name: s.stored(session, workspace.id) for s in registry.all_summaries()} == stored
    assert _partners(session, workspace)["Parent"].referred_by_id == known.id


def test_prepare_runs_the_same_queries_for_20_and_200_rows(session, workspace, user, count_queries):
    for n in range(30):
        make_contact(make_partner(workspace, name=f"Book {n}", website=f"https://book{n}.de"))

    def selects(count):
        rows = [["Name", "Email", "Referred by"]] + [
            [f"Row {i}", f"row{i}@firm{i}.de", f"Row {i + 1}" if i + 1 < count else "Book 1"] for i in range(count)
        ]
        run = make_run(
            workspace,
            user,
            rows,
            {"Name": "partner.name", "Email": "contact.email", "Referred by": "partner.referred_by"},
            prepare=False,
        )
        with count_queries() as counter:
            importing.prepare(session, run, now=NOW)
        return [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")], counter.count

    small, large = selects(20), selects(200)
    assert len(small[0]) == len(large[0]) <= 6
    assert small[1] == large[1]
    assert session.query(ImportRow).count() == 220


def test_a_contacts_import_reads_no_partner_field(session, workspace, user):
    garden = make_partner(workspace, name="Garden", status="active")
    run = make_run(
        workspace,
        user,
        [["Company", "Name", "Status"], ["Garden", "Anna", "not a status at all"]],
        {"Company": "partner.name", "Name": "contact.name", "Status": "partner.status"},
        kind="contacts",
    )
    assert rows_of(run)[1].problems == {}
    importing.execute(session, run, actor=user, now=NOW)
    session.refresh(garden)
    assert garden.status == "active" and [c.name for c in garden.contacts] == ["Anna"]


def test_the_progress_counts_the_files_rows(session, user, importer):
    """The job page says "2 of 3 rows": the total is the file's rows, also when referrers are set."""
    run = importer(
        [["Name", "Referred by"], ["A", ""], ["B", "A"], ["C", "B"]],
        {"Name": "partner.name", "Referred by": "partner.referred_by"},
    )
    calls = []
    importing.execute(session, run, actor=user, now=NOW, progress=lambda done, total: calls.append((done, total)))
    assert calls and all(total == 3 for _done, total in calls) and calls[-1] == (3, 3)
