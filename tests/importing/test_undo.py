"""Undo: deletes exactly what the import created, puts back what it updated; refused after edits,
after 30 days, twice; two undos (and two runs) at once: one wins, the other is told."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Contact, Deal, ImportRun, Interaction, Partner, User
from app.models.referral import Referral, ReferralChange
from app.services import ServiceError, importing
from app.services.row_values import column_values
from app.summaries import registry
from tests.conftest import NOW, make_contact, make_partner

FIELDS = {
    "Name": "partner.name",
    "Notes": "partner.notes",
    "Website": "partner.website",
    "Contact": "contact.name",
    "Email": "contact.email",
    "Phone": "contact.phone",
    "Deal": "deal.title",
    "Amount": "deal.amount",
    "Referred by": "partner.referred_by",
}
LATER = NOW + timedelta(hours=1)


def _snapshot(session, workspace):
    def of(model):
        rows = session.query(model).filter_by(workspace_id=workspace.id).all()
        return {column_values(r)["id" if hasattr(r, "id") else "partner_id"]: column_values(r) for r in rows}

    session.expire_all()
    return {m.__name__: of(m) for m in (Partner, Contact, Deal, Referral, ReferralChange)}


@pytest.fixture
def book(session, workspace):
    garden = make_partner(
        workspace,
        name="Garden Studio",
        notes=None,
        website=None,
        created_at=NOW - timedelta(days=9),
        updated_at=NOW - timedelta(days=9),
    )
    make_contact(garden, name="Anna", email="anna@garden.de", phone=None, is_primary=True)
    make_partner(workspace, name="Known Referrer")
    return garden


def _import(importer, session, user):
    run = importer(
        [
            ["Name", "Notes", "Website", "Contact", "Email", "Phone", "Deal", "Amount", "Referred by"],
            ["Garden Studio", "from the file", "garden.de", "Anna", "anna@garden.de", "+49 30 1", "", "", ""],
            ["Garden Studio", "", "", "Max", "max@garden.de", "", "", "", ""],
            ["New Firm", "", "", "Bob", "bob@newfirm.de", "", "Site", "900", "Known Referrer"],
            ["Newer Firm", "", "", "Cleo", "", "", "", "", "New Firm"],
        ],
        FIELDS,
    )
    importing.execute(session, run, actor=user, now=NOW)
    session.commit()
    return run


def test_undo_deletes_what_it_created_and_restores_what_it_updated(session, workspace, user, book, importer):
    before = _snapshot(session, workspace)
    run = _import(importer, session, user)
    assert session.query(Partner).filter_by(workspace_id=workspace.id).count() == 4
    importing.undo(session, run, actor=user, now=LATER)
    session.commit()
    after = _snapshot(session, workspace)
    for model in ("Partner", "Contact", "Deal", "ReferralChange"):
        assert after[model] == before[model], model
    assert run.status == "undone" and run.undone_at == LATER
    assert registry.check(session, workspace.id) == []


def test_undo_is_refused_after_an_edit(session, workspace, user, book, importer):
    run = _import(importer, session, user)
    new_firm = session.query(Partner).filter_by(name="New Firm").one()
    new_firm.notes = "called them"
    new_firm.updated_at = NOW + timedelta(minutes=5)
    session.commit()
    with pytest.raises(ServiceError) as refused:
        importing.undo(session, run, actor=user, now=LATER)
    assert refused.value.message == (
        "These partners were changed after the import: New Firm. Undoing it would lose that work, so nothing was undone."
    )
    session.rollback()
    assert session.get(ImportRun, run.id).status == "done"
    assert session.query(Partner).filter_by(workspace_id=workspace.id).count() == 4


def test_undo_is_refused_when_someone_worked_on_an_imported_partner(session, workspace, user, book, importer):
    run = _import(importer, session, user)
    newer = session.query(Partner).filter_by(name="Newer Firm").one()
    session.add(
        Interaction(
            workspace_id=workspace.id,
            partner_id=newer.id,
            kind="call",
            direction="ours",
            occurred_at=NOW + timedelta(minutes=3),
            created_by_id=user.id,
        )
    )
    session.commit()
    with pytest.raises(ServiceError, match="Newer Firm"):
        importing.undo(session, run, actor=user, now=LATER)


def test_undo_is_refused_after_30_days_and_twice(session, user, book, importer):
    run = _import(importer, session, user)
    with pytest.raises(ServiceError) as old:
        importing.undo(session, run, actor=user, now=NOW + timedelta(days=31))
    assert old.value.message == "This import is older than 30 days and can no longer be undone."
    importing.undo(session, run, actor=user, now=NOW + timedelta(days=29))
    session.commit()
    with pytest.raises(ServiceError, match="This import was already undone."):
        importing.undo(session, run, actor=user, now=LATER)


def _at_once(work, parties=2):
    """Run work(session) in `parties` threads with sessions of their own; their outcomes."""
    db.session.rollback()
    engine = db.engine
    barrier = threading.Barrier(parties)
    outcomes = [None] * parties

    def fire(index):
        with Session(engine) as session:
            barrier.wait()
            try:
                work(session)
                session.commit()
                outcomes[index] = "ok"
            except ServiceError as error:
                session.rollback()
                outcomes[index] = error.message

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(parties)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)


def test_two_undos_at_once_one_wins(session, user, book, importer):
    run_id, user_id = _import(importer, session, user).id, user.id

    def undo(s):
        importing.undo(s, s.get(ImportRun, run_id), actor=s.get(User, user_id), now=LATER)

    assert _at_once(undo) == ["This import was already undone.", "ok"]


def test_two_runs_at_once_one_runs(session, workspace, user, importer):
    run = importer([["Name"], ["Only Once"]], FIELDS)
    run_id, user_id = run.id, user.id

    def execute(s):
        importing.execute(s, s.get(ImportRun, run_id), actor=s.get(User, user_id), now=NOW)

    outcomes = _at_once(execute)
    assert outcomes[1] == "ok" and outcomes[0] in ("This import was already run.", "This import is already running.")
    assert session.query(Partner).filter_by(name="Only Once").count() == 1
