"""Texts written while no one is looking — an import's row problems, a background job's failure —
reach each reader in the reader's language: they are kept as their template and params
(app/messages.py `to_data`), not as the English of the moment they were written."""

from __future__ import annotations

from decimal import Decimal

import flask_babel
import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs.runner import TASKS, UNEXPECTED, run_job
from app.messages import N_plural, Text, from_data, to_data
from app.models import Deal, Job, User
from app.services import Gone
from app.services import deals as deal_service
from app.services import jobs as job_service
from app.services.commissions import notes
from tests.conftest import NOW
from tests.deals.helpers import deal_data, make_deal, referral_pair
from tests.imports.helpers import previewed

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOT_AN_EMAIL = "Not an email address"


def _russian(app, text: str) -> str:
    with app.test_request_context(), flask_babel.force_locale("ru"):
        translated = flask_babel.gettext(text)
    assert translated != text, f"the Russian catalog has no translation of {text!r}"
    return translated


def _speaks_russian(user) -> None:
    db.session.get(User, user.id).locale = "ru"
    db.session.commit()


def test_a_text_survives_the_round_trip_through_json():
    plural = Text(N_plural("Longer than %(num)s character", "Longer than %(num)s characters", 254))
    stored = to_data({"a": Text("No member '%(name)s'", name="Ivan"), "b": [plural], "c": "plain"})
    back = from_data(stored)
    assert back == {"a": "No member 'Ivan'", "b": ["Longer than 254 characters"], "c": "plain"}
    assert isinstance(back["a"], Text) and back["b"][0].template.num == 254


def test_import_problems_are_shown_in_the_language_of_whoever_reads_them(app, logged_in, user):
    run_id = previewed(logged_in)  # prepared while the user spoke English
    _speaks_russian(user)
    page = logged_in.get(f"/imports/{run_id}/preview?only=problems").get_data(as_text=True)
    assert _russian(app, NOT_AN_EMAIL) in page
    assert NOT_AN_EMAIL not in page


def test_the_failed_rows_file_says_its_problems_in_the_readers_language(app, logged_in, user):
    run_id = previewed(logged_in)
    assert logged_in.post(f"/imports/{run_id}/run").status_code == 302
    _speaks_russian(user)
    body = logged_in.get(f"/imports/{run_id}/failed-rows.csv").get_data(as_text=True)
    assert "Epsilon Events" in body and _russian(app, NOT_AN_EMAIL) in body and NOT_AN_EMAIL not in body


@pytest.mark.parametrize("refusal", ["service", "unexpected"])
def test_a_job_that_failed_in_the_worker_tells_a_russian_reader_in_russian(
    app, logged_in, workspace, user, monkeypatch, refusal
):
    def fails(session, job, *, progress, now):
        if refusal == "service":
            raise Gone()
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(TASKS, "test.fails", fails)
    job = job_service.start_job(db.session, workspace, user, "test.fails", now=NOW, params={})
    job_id = job.id
    db.session.commit()
    run_job(app, job_id, clock=lambda: NOW)  # no request, no locale: the worker
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "failed"
    _speaks_russian(user)
    page = logged_in.get(f"/jobs/{job_id}").get_data(as_text=True)
    english = Gone().english if refusal == "service" else UNEXPECTED
    assert _russian(app, english) in page and english not in page


def test_the_ledgers_notes_read_back_as_the_events_they_record():
    note = notes.appended(notes.changed(notes.moved("lost"), Decimal("100.00"), Decimal("0.00")), notes.WON)
    note = notes.appended(notes.amount_changed(Decimal("1000.00"), "EUR", Decimal("3000"), "EUR"), note)
    assert notes.read(note) == [
        notes.Event(),
        notes.Event(stage="lost", old=Decimal("100.00"), new=Decimal("0.00")),
        notes.Event(deal_was=(Decimal("1000.00"), "EUR"), deal_now=(Decimal("3000"), "EUR")),
    ]
    assert notes.read("paid by hand") == [notes.Event(words="paid by hand")]  # kept as written
    assert notes.read(None) == []


def test_a_commission_note_is_worded_in_the_readers_language(app, logged_in, user, workspace, factories, now):
    _referrer, client = referral_pair(factories, workspace, rate="10", now=now)
    deal = make_deal(client, now=now, stage="won", amount="1000", title="Site")
    changed = deal_data(deal, amount=Decimal("3000"))
    deal_service.update_deal(db.session, deal, changed, now)
    db.session.commit()
    _speaks_russian(user)
    page = logged_in.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "deal amount changed" not in page and "deal won" not in page
    assert _russian(app, "deal amount changed from %(was)s to %(now)s").split("%")[0] in page
    assert "100,00 → 300,00" in page  # the amounts owed, written the Russian way


def test_what_an_import_job_writes_into_a_field_is_in_its_users_language(app, logged_in, user, workspace):
    _speaks_russian(user)
    run_id = previewed(
        logged_in,
        "Company,Deal,Stage,Amount\nGarden Studio,Logo,lost,100\n",
        fields={0: "partner.name", 1: "deal.title", 2: "deal.stage", 3: "deal.amount"},
    )
    assert logged_in.post(f"/imports/{run_id}/run").status_code == 302  # the job runs in the worker
    db.session.expire_all()
    reason = db.session.scalar(select(Deal.lost_reason).where(Deal.workspace_id == workspace.id))
    assert reason == _russian(app, "Lost before the import of %(file)s") % {"file": "book.csv"}


def test_a_long_note_gives_up_its_oldest_events_whole():
    note = None
    for n in range(30):
        note = notes.appended(notes.changed(notes.WON, Decimal(n), Decimal(n + 1)), note)
    events = notes.read(note)
    assert len(note) <= notes.LIMIT and all(event.words is None for event in events)  # no half an event
    assert events[-1] == notes.Event(old=Decimal(29), new=Decimal(30))
