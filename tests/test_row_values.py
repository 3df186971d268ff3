"""app/services/row_values.py: a row's column values as JSON and back (what import undo, merge undo
and the backup keep of a row)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.models import Deal, Partner, Reminder
from app.services.row_values import column_values, decode_values, encode, restore


def _deal(**overrides) -> Deal:
    values = {
        "id": 7,
        "workspace_id": 1,
        "partner_id": 2,
        "title": "Website",
        "amount": Decimal("1234567890.05"),
        "currency": "EUR",
        "stage": "won",
        "closed_on": date(2026, 2, 28),
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    values.update(overrides)
    return Deal(**values)


def test_encode_of_each_kind():
    plus_three = timezone(timedelta(hours=3))
    assert encode(datetime(2026, 11, 24, 15, 0, tzinfo=plus_three)) == "2026-11-24T15:00:00+03:00"
    assert encode(date(2026, 11, 24)) == "2026-11-24"
    assert encode(Decimal("0.10")) == "0.10"  # a string: exact, trailing zero kept
    assert encode(None) is None
    assert encode(5) == 5 and encode("text") == "text" and encode(True) is True


def test_column_values_are_json_and_cover_every_column():
    deal = _deal()
    values = column_values(deal)
    assert json.loads(json.dumps(values)) == values
    assert set(values) == {attr.key for attr in Deal.__mapper__.column_attrs}
    assert values["amount"] == "1234567890.05"
    assert values["closed_on"] == "2026-02-28"
    assert values["created_at"] == "2026-01-02T03:04:05.678901+00:00"
    assert values["expected_close_on"] is None and values["notes"] is None


def test_only_the_named_columns():
    assert column_values(_deal(), only=["title", "amount"]) == {"title": "Website", "amount": "1234567890.05"}


def test_decode_round_trips_exactly():
    deal = _deal(notes="Line one\nline two", value_to_us=-2)
    decoded = decode_values(Deal, json.loads(json.dumps(column_values(deal))))
    assert decoded["amount"] == Decimal("1234567890.05") and isinstance(decoded["amount"], Decimal)
    assert decoded["closed_on"] == date(2026, 2, 28) and not isinstance(decoded["closed_on"], datetime)
    assert decoded["created_at"] == deal.created_at and decoded["created_at"].tzinfo is not None
    assert decoded["value_to_us"] == -2 and decoded["notes"] == "Line one\nline two"
    assert decoded["expected_close_on"] is None


def test_a_datetime_with_an_offset_is_the_same_instant():
    decoded = decode_values(Partner, {"archived_at": "2026-11-24T15:00:00+03:00"})["archived_at"]
    assert decoded == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_a_datetime_without_offset_is_read_as_utc():
    decoded = decode_values(Partner, {"archived_at": "2026-11-24T12:00:00"})["archived_at"]
    assert decoded == datetime(2026, 11, 24, 12, 0, tzinfo=UTC) and decoded.utcoffset() == timedelta(0)


def test_none_stays_none_for_every_type():
    decoded = decode_values(Deal, {"amount": None, "closed_on": None, "created_at": None, "title": None})
    assert set(decoded.values()) == {None}


def test_an_unknown_key_raises_key_error():
    with pytest.raises(KeyError):
        decode_values(Partner, {"name": "Garden", "colour": "green"})


def test_restore_puts_values_back_except_the_skipped():
    original = _deal()
    saved = column_values(original)
    changed = _deal(id=99, title="Changed", amount=Decimal("1.00"), closed_on=None)
    restore(changed, saved)
    assert changed.id == 99  # "id" is skipped by default
    assert changed.title == "Website" and changed.amount == Decimal("1234567890.05")
    assert changed.closed_on == date(2026, 2, 28)
    restore(changed, saved, skip=())
    assert changed.id == 7


def test_restore_with_more_skipped_and_a_time_column():
    from datetime import time

    reminder = Reminder(id=1, title="Call", due_on=date(2026, 12, 1), due_time=time(9, 30))
    saved = column_values(reminder, only=["id", "title", "due_on"])
    target = Reminder(id=2, title="Other", due_on=date(2027, 1, 1))
    restore(target, saved, skip=("id", "title"))
    assert (target.id, target.title, target.due_on) == (2, "Other", date(2026, 12, 1))


def test_a_time_column_round_trips_through_json():
    """Reminder.due_time is a Time column: it must be JSON-safe too (the backup keeps reminders)."""
    from datetime import time

    reminder = Reminder(id=1, title="Call", due_on=date(2026, 12, 1), due_time=time(9, 30))
    saved = json.loads(json.dumps(column_values(reminder)))
    assert saved["due_time"] == "09:30:00"
    assert decode_values(Reminder, {"due_time": saved["due_time"]})["due_time"] == time(9, 30)


def test_a_value_that_is_not_a_number_is_a_value_error():
    """What a hand-edited backup may hold: refused as a bad value (the restore says which file), not
    an arithmetic error nobody catches."""
    with pytest.raises(ValueError, match="lots"):
        decode_values(Deal, {"amount": "lots"})
