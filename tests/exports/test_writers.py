"""The writers on their own: CSV dialects and formula escaping, .xlsx cells, vCard 4.0 cards."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import vobject

from app.services.exporting import CardContact, Column, card, contact_uid, escape_formula, write_csv, write_xlsx
from app.services.exporting.vcard_writer import split_name

HEADERS = ["Name", "Amount", "Notes"]


def _csv(rows, **options) -> str:
    return "".join(write_csv(rows, HEADERS, **options))


def test_comma_dialect_reads_back_with_the_csv_module():
    text = _csv([("Garden; Co", Decimal("12.50"), 'two\nlines, "quoted"')])
    assert not text.startswith("\ufeff")
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        HEADERS,
        ["Garden; Co", "12.50", 'two\nlines, "quoted"'],
    ]


def test_excel_dialect_has_a_bom_semicolons_and_quotes_cells_that_need_it():
    text = _csv([("Garden; Co", Decimal("-5"), "line one\nline two")], dialect="semicolon", bom=True)
    raw = text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    body = raw.decode("utf-8-sig")
    assert body.splitlines()[0] == "Name;Amount;Notes"
    assert '"Garden; Co"' in body and '"line one\nline two"' in body
    assert list(csv.reader(io.StringIO(body, newline=""), delimiter=";")) == [
        HEADERS,
        ["Garden; Co", "-5", "line one\nline two"],
    ]


def test_unknown_dialect_is_refused():
    with pytest.raises(ValueError):
        _csv([], dialect="tab")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+7 999 123", "'+7 999 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Garden", "Garden"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_cells_that_would_run_as_formulas_get_an_apostrophe(value, written):
    rows = list(csv.reader(io.StringIO(_csv([(value, None, None)]), newline="")))
    assert rows[1][0] == written
    assert escape_formula(value) == written


def test_numbers_dates_and_empty_cells_are_not_escaped():
    when = datetime(2026, 11, 24, 13, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    rows = [(-5, Decimal("-10.50"), None), (date(2026, 1, 2), when, time(9, 30)), (True, False, 0)]
    text = "".join(write_csv(rows, ["a", "b", "c"]))
    assert list(csv.reader(io.StringIO(text, newline="")))[1:] == [
        ["-5", "-10.50", ""],
        ["2026-01-02", "2026-11-24T13:05:00+01:00", "09:30"],
        ["true", "false", "0"],
    ]


def test_a_big_csv_comes_in_several_chunks():
    chunks = list(write_csv(((f"Partner {i}", i, "x" * 50) for i in range(5000)), HEADERS))
    assert len(chunks) > 2
    assert len(list(csv.reader(io.StringIO("".join(chunks), newline="")))) == 5001


# --- xlsx ---------------------------------------------------------------------------------------

COLUMNS = (
    Column("name", "text", 30),
    Column("amount", "amount", 12),
    Column("currency", "text", 8),
    Column("created", "date", 12),
    Column("when", "datetime", 17),
    Column("count", "integer", 8),
)


def _workbook(rows):
    out = io.BytesIO()
    write_xlsx(out, COLUMNS, ["Name", "Amount", "Currency", "Created", "When", "Count"], rows, title="Partners")
    out.seek(0)
    return openpyxl.load_workbook(out)


def test_xlsx_has_a_bold_header_real_dates_numbers_and_text_that_never_runs():
    when = datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo("Europe/Moscow"))
    book = _workbook(
        [
            ('=HYPERLINK("http://x")', Decimal("-5.00"), "EUR", date(2026, 11, 24), when, 3),
            ("Иван Петров\x07", None, "RUB", None, None, None),
        ]
    )
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    assert header == ["Name", "Amount", "Currency", "Created", "When", "Count"]
    assert all(c.font.bold for c in sheet[1])
    name, amount, currency, created, moment, count = sheet[2]
    assert name.value == '=HYPERLINK("http://x")' and name.data_type == "s"  # text, not a formula
    assert amount.value == -5 and amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert currency.value == "EUR"
    assert created.is_date and created.value.date() == date(2026, 11, 24)
    assert moment.is_date and moment.value == datetime(2026, 11, 24, 15, 30)  # the user's wall clock
    assert count.value == 3
    assert sheet["A3"].value == "Иван Петров"  # a control character Excel refuses is dropped
    assert sheet["B3"].value is None
    assert sheet.column_dimensions["A"].width == 30


def test_xlsx_with_no_rows_is_a_header_only_sheet():
    sheet = _workbook([])["Partners"]
    assert sheet.max_row == 1 and sheet["A1"].value == "Name"


# --- vCard ----------------------------------------------------------------------------------------


def _contact(**overrides) -> CardContact:
    values = {
        "workspace_id": 3,
        "contact_id": 42,
        "name": "Иван Петров",
        "role": "Директор",
        "email": "ivan@example.ru",
        "phone": "+7 495 123-45-67",
        "notes": "Met at the fair; likes tea, not coffee.\nCall after 10. " + "Длинная заметка " * 10,
        "updated_at": datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        "partner_name": "ООО Ромашка",
        "partner_kind": "company",
    }
    values.update(overrides)
    return CardContact(**values)


def test_vcard_is_valid_4_0_with_crlf_and_folded_lines():
    text = card(_contact())
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:4.0"
    assert lines[-2] == "END:VCARD" and lines[-1] == ""
    assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long note is folded


def test_vcard_parses_back_with_vobject():
    parsed = vobject.readOne(card(_contact()))
    assert parsed.version.value == "4.0"
    assert parsed.fn.value == "Иван Петров"
    assert (parsed.n.value.given, parsed.n.value.family) == ("Иван", "Петров")
    assert parsed.org.value == ["ООО Ромашка"]
    assert parsed.title.value == "Директор"
    assert parsed.email.value == "ivan@example.ru"
    assert parsed.tel.value == "+7 495 123-45-67"
    assert parsed.note.value.startswith("Met at the fair; likes tea, not coffee.\nCall after 10.")
    assert parsed.uid.value == contact_uid(3, 42)
    assert parsed.rev.value == "20261120T091500Z"


def test_vcard_uid_is_stable_per_workspace_and_contact():
    assert contact_uid(3, 42) == contact_uid(3, 42)
    assert contact_uid(3, 42).startswith("urn:uuid:")
    assert len({contact_uid(3, 42), contact_uid(4, 42), contact_uid(3, 43)}) == 3


def test_vcard_leaves_out_what_is_empty_and_the_org_of_a_person_partner():
    parsed = vobject.readOne(
        card(
            _contact(
                name="Anna", role=None, email=None, phone=None, notes=None, partner_name="anna", partner_kind="person"
            )
        )
    )
    assert parsed.fn.value == "Anna"
    for prop in ("org", "title", "email", "tel", "note"):
        assert prop not in parsed.contents


def test_split_name():
    assert split_name("Anna Maria Berg") == ("Anna Maria", "Berg")
    assert split_name("Cher") == ("Cher", "")


def test_xlsx_text_that_looks_like_an_error_or_a_formula_stays_text():
    sheet = _workbook([("#N/A", None, "=A1", None, None, None), ("plain", None, "-5", None, None, None)])["Partners"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("#N/A", "s")
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("=A1", "s")
    assert (sheet["C3"].value, sheet["C3"].data_type) == ("-5", "s")  # text stays text, not a number
