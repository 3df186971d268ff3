"""Reading uploaded files as tables: the fixtures in files/ are real-world exports written by hand
(files/make_binary_fixtures.py makes the ones that are not UTF-8 text)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.services.importing.readers import ImportFileError, Table, read_table
from app.services.importing.vcard_reader import HEADERS as VCARD_HEADERS

FILES = Path(__file__).parent / "files"


def read(name: str, as_name: str | None = None) -> Table:
    return read_table((FILES / name).read_bytes(), as_name or name)


def rows_of(table: Table) -> list[list[str]]:
    return list(table.rows())


def column(table: Table, header: str) -> list[str]:
    index = table.headers.index(header)
    return [row[index] for row in table.rows()]


def failure(data: bytes, name: str) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_table(data, name)
    assert caught.value.field == "file"
    return caught.value.message


# --- CSV fixtures ----------------------------------------------------------------------------------


def test_google_contacts_csv():
    table = read("google_contacts.csv")
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf_8", ",")
    assert len(table.headers) == 36 and table.headers[17:19] == ["E-mail 1 - Label", "E-mail 1 - Value"]
    assert table.row_count() == 3
    assert column(table, "Organization Name") == ["Müller & Söhne GmbH", "ООО «Ромашка»", "Café Crème, Lyon"]
    assert column(table, "Last Name") == ["Müller", "Петров", "Côté"]
    assert column(table, "Notes")[0] == "Met at the Leipzig fair, spring 2024.\nPrefers email over phone."
    assert column(table, "Address 1 - Formatted")[0] == "Hauptstraße 5\n04109 Leipzig\nGermany"
    assert column(table, "E-mail 2 - Value") == ["anna.m@gmail.com", "", ""]


def test_google_contacts_old_layout():
    table = read("google_contacts_old.csv")
    assert column(table, "Name") == ["Jürgen Weiß", "Ольга Смирнова"]
    assert column(table, "Organization 1 - Name") == ["Weiß & Partner", "ИП Смирнова О. А."]
    assert column(table, "Phone 1 - Value")[1] == "+7 921 555-12-34 ::: +7 812 555-00-00"


def test_outlook_csv_quotes_everything_and_keeps_newlines_and_doubled_quotes():
    table = read("outlook.csv")
    assert table.row_count() == 2
    assert column(table, "Notes")[0] == 'Wants a quote for the spring campaign.\nCall after 10:00, "not before".'
    assert column(table, "Company") == ["Atelier Lefèvre", "Волков ИТ"]
    assert column(table, "Referred By") == ["", "Sophie Lefèvre"]


def test_linkedin_connections_header_below_the_notes_preamble():
    table = read("linkedin_connections.csv")
    assert table.headers == ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    assert table.row_count() == 3
    rows = rows_of(table)
    assert rows[0][:2] == ["Anna", "Müller"]
    assert rows[1][4] == "Kuznetsov, Orlov & Partners"
    assert rows[2] == [
        "Zoë",
        "O'Brien",
        "https://www.linkedin.com/in/zoe-obrien",
        "zoe@brightside.ie",
        "Brightside Studio",
        "Founder, Creative Director",
        "28 Nov 2025",
    ]


def test_orchard_export():
    table = read("orchard_partners.csv")
    assert table.headers[:3] == ["Orchard ID", "Name", "Kind"] and len(table.headers) == 18
    assert column(table, "Name") == ["Müller & Söhne GmbH", "Иван Петров", "Café Crème, Lyon"]
    assert column(table, "Referrer ID") == ["", "101", "102"]
    assert column(table, "Notes")[0] == 'Key account.\nRenewal talks in January, budget "tight".'


def test_russian_excel_export_in_cp1251_with_semicolons():
    table = read("excel_ru_cp1251_semicolon.csv")
    assert (table.encoding, table.delimiter) == ("cp1251", ";")
    assert table.headers == ["Имя", "Компания", "Должность", "Телефон", "Эл. почта", "Сумма", "Примечание"]
    rows = rows_of(table)
    assert rows[0][:2] == ["Иван Петров", "ООО «Ромашка»"] and rows[0][5] == "1 250,50"
    assert rows[1][1] == 'ООО "Рога и копыта"'
    assert rows[1][6] == "Звонить после обеда;\nпо пятницам не беспокоить"
    assert rows[2][:2] == ["Пётр Ёлкин", "ИП Ёлкин П. Н."]


def test_utf8_with_bom():
    table = read("utf8_bom.csv")
    assert table.encoding == "utf_8_sig"
    assert table.headers == ["Name", "Company", "Email", "Phone"]  # no "\ufeffName"
    assert rows_of(table)[1][:2] == ["Zoë O'Brien", "Brightside Studio, Dublin"]


def test_utf16_unicode_text_from_excel():
    table = read("utf16_tab.txt")
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf_16", "\t")
    assert rows_of(table) == [
        ["Müller & Söhne GmbH", "Anna Müller", "+49 176 1234567", "Key account"],
        ["ООО «Ромашка»", "Иван Петров", "+7 916 123-45-67", "Two lines:\nsecond line"],
    ]


def test_tab_separated():
    table = read("tab_separated.tsv")
    assert table.delimiter == "\t"
    assert column(table, "Company") == ["Nordlicht Design", 'Studio "Luna"']
    assert column(table, "Notes") == ["Likes short calls; no emails on Fridays", "Spanish, English"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Jürgen Müller;Café Crème;Größe\nFrançois Côté;Weiß;Ænima\n", "cp1252"), ("Zoë;José;Ångström\n", "latin-1")],
)
def test_western_single_byte_encodings(text, encoding):
    table = read_table(("Name;Company;Notes\n" + text).encode(encoding), "export.csv")
    assert table.encoding == "cp1252"
    assert rows_of(table)[0][:2] == text.split("\n")[0].split(";")[:2]


def test_pipe_delimiter_and_sniffer_fallback():
    assert read_table(b"Name|Email\nAnna|anna@example.com\n", "x.csv").delimiter == "|"
    # one header line, cells full of commas: counting outside the quotes finds ";"
    table = read_table(b'Name;Notes\n"Anna, Berlin";"a, b, c, d"\n', "x.csv")
    assert table.delimiter == ";"
    assert rows_of(table) == [["Anna, Berlin", "a, b, c, d"]]


def test_ragged_rows_blank_rows_and_whitespace():
    data = b"Name , Email,Email, ,Phone\n  Anna  ,a@x.de\n\n,,,,\nBob,b@x.de,b2@x.de,,+1,extra\n"
    table = read_table(data, "x.csv")
    assert table.headers == ["Name", "Email", "Email (2)", "Column 4", "Phone", "Column 6"]
    assert rows_of(table) == [
        ["Anna", "a@x.de", "", "", "", ""],
        ["Bob", "b@x.de", "b2@x.de", "", "+1", "extra"],
    ]
    assert table.row_count() == 2


def test_header_only_file_has_no_rows():
    table = read("header_only.csv")
    assert table.headers == ["Name", "Company", "Email", "Phone"]
    assert table.row_count() == 0 and rows_of(table) == []


def test_single_column_file():
    table = read_table(b"Name\nAnna\nBob\n", "names.csv")
    assert table.headers == ["Name"] and rows_of(table) == [["Anna"], ["Bob"]]


# --- format by content ------------------------------------------------------------------------------


def test_format_is_chosen_by_content_not_extension():
    assert read("partners.xlsx", "partners.csv").format == "xlsx"
    assert read("tab_separated.tsv", "clients.txt").format == "csv"
    assert read("contacts_v3.vcf", "phone-export.txt").format == "vcard"
    assert read("google_contacts.csv", "contacts.vcf").format == "csv"


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
    assert len(table.warnings) == 11 and table.warnings[-1] == "15 more cards could not be read and were skipped."


# --- malformed files ----------------------------------------------------------------------------


def test_unterminated_quote_names_its_line():
    assert failure((FILES / "broken_quotes.csv").read_bytes(), "broken_quotes.csv") == (
        'Line 3: a quote (") opens a cell that is never closed, so the rest of the file would be read as '
        "one cell. Fix the quote and upload the file again."
    )


def test_runaway_quote_in_a_large_file_is_named_too():
    data = b'Name,Notes\nAnna,"never closed\n' + b"Bob,a line of text\n" * 10_000
    assert failure(data, "big.csv").startswith("Line 2: a cell is longer than 128 KB.")


def test_closed_quotes_spanning_lines_at_the_end_are_fine():
    table = read_table(b'Name,Notes\nAnna,"two\nlines"', "x.csv")
    assert rows_of(table) == [["Anna", "two\nlines"]]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "The file is empty."),
        ("not_really.xlsx", "This .xlsx file is damaged and cannot be opened."),
        ("old_excel.xls", "This looks like an old .xls file; save it as .xlsx or CSV."),
        ("binary.bin", "This file is not one Orchard can read."),
    ],
)
def test_malformed_files(name, message):
    assert failure((FILES / name).read_bytes(), name).startswith(message)


def test_blank_file_and_blank_lines_only():
    assert failure(b"\xef\xbb\xbf\r\n\r\n", "x.csv") == "The file is empty."
    assert failure(b" ,, \n,,\n", "x.csv") == "The file is empty."


# --- streaming ----------------------------------------------------------------------------------


def test_rows_is_a_new_iterator_each_call():
    table = read("tab_separated.tsv")
    first, second = table.rows(), table.rows()
    assert first is not second
    assert next(first)[0] == "Nordlicht Design"
    assert [row[0] for row in second] == ["Nordlicht Design", 'Studio "Luna"']  # not disturbed by `first`
    assert next(first)[0] == 'Studio "Luna"'


def test_a_large_csv_is_streamed():
    line = 'Müller & Söhne GmbH {n},Anna Müller,anna{n}@mueller-soehne.de,+49 176 {n},"Notes, with a comma"\n'
    data = ("Company,Contact,Email,Phone,Notes\n" + "".join(line.format(n=n) for n in range(50_000))).encode()
    tracemalloc.start()
    try:
        table = read_table(data, "big.csv")
        _, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        count = sum(1 for _ in table.rows())
        _, rows_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == table.row_count() == 50_000
    assert read_peak < len(data) // 10 and rows_peak < len(data) // 10  # nothing near a copy of the file


# --- what spreadsheet programs and phones also write ---------------------------------------------


def test_excel_sep_line_names_the_delimiter():
    table = read_table(b"sep=;\r\nName;Notes\r\nAnna;a, b\r\n", "x.csv")
    assert (table.delimiter, table.headers) == (";", ["Name", "Notes"])
    assert rows_of(table) == [["Anna", "a, b"]]


def test_koi8_r():
    text = "Имя,Компания\nИван Петров,Ромашка\nОльга Смирнова,Рога и копыта\nПётр Ёлкин,Ёлки-палки\n"
    table = read_table(text.encode("koi8_r"), "old-unix.csv")
    assert table.encoding == "koi8_r"
    assert rows_of(table)[0] == ["Иван Петров", "Ромашка"]


def test_utf8_with_a_few_broken_bytes_keeps_the_rest():
    data = "Name,Company\nJürgen Weiß,Weiß & Partner\nZoë Müller,Café Crème\n".encode() + b"Bad \xff byte,X\n"
    table = read_table(data, "x.csv")
    assert rows_of(table)[0] == ["Jürgen Weiß", "Weiß & Partner"]
    assert rows_of(table)[2][0] == "Bad \ufffd byte"


def test_html_saved_as_xls():
    data = b"<html><body><table><tr><td>Name</td></tr><tr><td>Anna</td></tr></table></body></html>"
    assert failure(data, "report.xls").startswith("This is a web page or an XML spreadsheet")


def test_xlsx_floats_as_excel_shows_them():
    table = read_table(xlsx_bytes([["Amount", "Ratio", "Big"], [0.1 + 0.2, 12.000000000000002, 1e15]]), "x.xlsx")
    assert rows_of(table) == [["0.3", "12", "1000000000000000"]]


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
