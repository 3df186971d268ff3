"""Reading uploaded .xlsx workbooks and vCard files as tables."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

from app.services.importing.readers import read_table
from app.services.importing.vcard_reader import HEADERS as VCARD_HEADERS
from tests.importing.reading import FILES, failure, read, rows_of

# --- xlsx ------------------------------------------------------------------------------------------


def test_xlsx_first_filled_sheet_title_row_and_cell_values():
    table = read("partners.xlsx")
    assert (table.format, table.encoding, table.delimiter) == ("xlsx", None, None)
    assert table.headers == [
        "Company",
        "Contact",
        "Email",
        "Phone",
        "Deals",
        "Amount",
        "First contact",
        "Last call",
        "Active",
        "Column 10",
    ]
    rows = rows_of(table)
    assert rows[0] == [
        "Müller & Söhne GmbH",
        "Anna Müller",
        "anna.mueller@mueller-soehne.de",
        "4917612345678",
        "12",
        "1234.5",
        "2024-03-05",
        "2026-11-20 14:30:00",
        "TRUE",
        "",
    ]
    assert rows[1][:7] == ["ООО «Ромашка»", "Иван Петров", "", "+7 916 123-45-67", "3", "800", "2025-01-09"]
    assert rows[2][0] == "Café Crème" and rows[2][9] == "extra"  # the blank row between is skipped
    assert table.row_count() == 3
    assert table.warnings == [
        'Sheet "Partners" was read: the sheets before it are empty.',
        "The header is row 3; the row above it was skipped.",
    ]


def xlsx_bytes(*sheets: list[list]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets):
        sheet = workbook.create_sheet(f"Sheet {number + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_whose_stored_dimensions_are_wrong():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Name", "Email"], ["Anna", "a@x.de"], ["Bob", "b@x.de"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', content)
            archive.writestr(item, content)
    table = read_table(buffer.getvalue(), "written-elsewhere.xlsx")
    assert table.headers == ["Name", "Email"] and rows_of(table) == [["Anna", "a@x.de"], ["Bob", "b@x.de"]]


def test_xlsx_with_nothing_in_it():
    assert failure(xlsx_bytes([], []), "empty.xlsx") == "The workbook is empty: none of its sheets has anything in it."


def test_xlsx_header_only():
    table = read_table(xlsx_bytes([["Name", "Email"]]), "x.xlsx")
    assert table.headers == ["Name", "Email"] and table.row_count() == 0


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert failure(buffer.getvalue(), "x.xlsx").startswith("This is a zip archive, not an Excel workbook.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert failure(buffer.getvalue(), "x.ods") == "This is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV."


def test_truncated_xlsx():
    data = (FILES / "partners.xlsx").read_bytes()
    assert failure(data[: len(data) // 2], "partners.xlsx").startswith("This .xlsx file is damaged")


def test_xlsx_floats_as_excel_shows_them():
    table = read_table(xlsx_bytes([["Amount", "Ratio", "Big"], [0.1 + 0.2, 12.000000000000002, 1e15]]), "x.xlsx")
    assert rows_of(table) == [["0.3", "12", "1000000000000000"]]


# --- vCard ------------------------------------------------------------------------------------------


def test_vcard_3_folded_lines_types_photo_and_escapes():
    table = read("contacts_v3.vcf")
    assert (table.format, table.headers, table.warnings) == ("vcard", list(VCARD_HEADERS), [])
    anna, ivan, francois = rows_of(table)
    assert dict(zip(table.headers, anna, strict=True)) == {
        "Full name": "Anna Müller",
        "First name": "Anna",
        "Last name": "Müller",
        "Organization": "Müller & Söhne GmbH",
        "Title": "Head of Purchasing",
        "Email 1": "anna.mueller@mueller-soehne.de",  # TYPE=pref first
        "Email 2": "anna.m@gmail.com",
        "Email 3": "",
        "Phone 1": "+49 176 1234567",
        "Phone 2": "+49 341 555 0100",
        "Phone 3": "+49 341 222 3344",
        "Website": "https://www.mueller-soehne.de",
        "Note": "Met at the Leipzig fair, spring 2024.\nPrefers email over phone; no calls before 10.",
    }
    assert ivan[0] == "Иван Сергеевич Петров" and ivan[3] == "ООО «Ромашка»"
    assert ivan[12] == "Познакомились на выставке «Open Innovations», Москва."
    assert francois[3] == "Café Crème, Lyon" and francois[11] == "cafe-creme.fr"


def test_vcard_4_pref_order_and_tel_uris():
    sophie, dmitri = rows_of(read("contacts_v4.vcf"))
    assert sophie[:5] == ["Sophie Lefèvre", "Sophie", "Lefèvre", "Atelier Lefèvre", "Art Director"]
    assert sophie[5:7] == ["sophie@atelier-lefevre.fr", "s.lefevre@orange.fr"]  # PREF=1 before PREF=2
    assert sophie[8:10] == ["+33-6-12-34-56-78", "+33-1-44-00-00-00"]
    assert sophie[12] == "Wants a quote for the spring campaign, budget about 8,000 EUR.\nCall after 10:00."
    assert dmitri[0] == "Дмитрий Волков" and dmitri[5] == "d.volkov@volkov-it.ru"


def test_vcard_21_quoted_printable_with_charset_and_soft_breaks():
    table = read("contacts_v21_qp.vcf")
    olga, juergen = rows_of(table)
    assert olga[:4] == ["Ольга Смирнова", "Ольга", "Смирнова", "ИП Смирнова"]
    assert olga[8:10] == ["+79215551234", "+78125550000"]
    assert olga[12] == "Познакомились на конференции, обсудили партнёрство.\nПозвонить в декабре."
    assert juergen[3] == "Weiß & Partner"
    assert juergen[12] == "Old friend, knows everyone in Hamburg"  # 2.1: a comma is not a separator


def test_broken_card_is_skipped_with_a_warning():
    table = read("broken_card.vcf")
    assert table.warnings == ["Card 2 could not be read and was skipped."]
    assert table.row_count() == 1
    assert rows_of(table)[0][:4] == ["Jürgen Weiß", "Jürgen", "Weiß", "Weiß & Partner"]


def test_vcard_without_end_and_with_nothing_readable():
    message = failure(b"BEGIN:VCARD\nVERSION:3.0\nFN:Anna\n", "x.vcf")
    assert message.startswith("No contact card in this file could be read.")
    two = b"BEGIN:VCARD\nFN:Anna\nBEGIN:VCARD\nFN:Bob\nEMAIL:bob@example.com\nEND:VCARD\n"
    table = read_table(two, "x.vcf")
    assert table.warnings == ["Card 1 could not be read and was skipped."]
    assert [row[0] for row in table.rows()] == ["Bob"]


def test_vcf_without_cards():
    message = failure("Anna Müller\nBob\n".encode(), "contacts.vcf")
    assert message == "This .vcf file holds no contact cards (no BEGIN:VCARD line)."


def test_many_broken_cards_give_a_short_warning_list():
    good = "BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nEND:VCARD\n"
    bad = "BEGIN:VCARD\nVERSION:3.0\nnot a property\nEND:VCARD\n"
    table = read_table((good + bad * 25).encode(), "x.vcf")
    assert len(table.warnings) == 11 and table.warnings[-1] == "15 more cards were skipped."


def test_vcard_company_cards_and_nicknames():
    data = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Müller & Söhne GmbH\nORG:Müller & Söhne GmbH\nX-ABShowAs:COMPANY\n"
        "TEL:+49 341 555 0100\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nNICKNAME:Lena\nEMAIL:lena@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n"
    ).encode()
    table = read_table(data, "x.vcf")
    company, lena = rows_of(table)
    assert company[0] == "" and company[3] == "Müller & Söhne GmbH" and company[8] == "+49 341 555 0100"
    assert lena[0] == "Lena" and lena[5] == "lena@example.com"
    assert table.warnings == ["Card 3 is empty and was skipped."]
