"""What the reader skipped in a file — an unreadable contact card, the rows above a header — is said
on the mapping page, in the user's language (it was worked out, then never shown)."""

from __future__ import annotations

from pathlib import Path

from app.extensions import db
from tests.html import parse
from tests.imports.helpers import upload

FILES = Path(__file__).resolve().parents[1] / "importing" / "files"


def _notes(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)
    page = parse(client.get(response.headers["Location"]).get_data(as_text=True))
    return [note.text for note in page.find_all(class_="file-note")]


def test_a_skipped_card_is_said_on_the_mapping_page(logged_in, user):
    data = (FILES / "broken_card.vcf").read_bytes()
    notes = _notes(logged_in, upload(logged_in, data, name="phone.vcf", kind="contacts"))
    assert notes == ["Card 2 could not be read and was skipped."]
    user.locale = "ru"
    db.session.commit()
    notes = _notes(logged_in, upload(logged_in, data, name="phone.vcf", kind="contacts"))
    assert len(notes) == 1 and "Card" not in notes[0] and "2" in notes[0], notes


def test_rows_above_the_header_are_said_in_russian(logged_in, user):
    user.locale = "ru"
    db.session.commit()
    data = (FILES / "linkedin_connections.csv").read_bytes()
    (note,) = _notes(logged_in, upload(logged_in, data, name="Connections.csv", kind="contacts"))
    assert "header" not in note and "4" in note and "2" in note, note
