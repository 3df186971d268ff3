"""Reading uploaded files as tables: CSV. The fixtures in files/ are real-world exports written by hand
(files/make_binary_fixtures.py makes the ones that are not UTF-8 text); .xlsx and vCard are in
test_readers_xlsx_vcard.py."""

from __future__ import annotations

import tracemalloc

import pytest

from app.services.importing.readers import read_table
from tests.importing.reading import FILES, column, failure, read, rows_of

# --- CSV fixtures ----------------------------------------------------------------------------------


def test_google_contacts_csv():
    table = read("google_contacts.csv")
    assert (table.format, table.encoding, table.delimiter, table.warnings) == ("csv", "utf_8", ",", [])
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
    assert table.warnings == ["The header is row 4; the 2 rows above it were skipped."]
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


# --- what spreadsheet programs also write -------------------------------------------------------


def test_excel_sep_line_names_the_delimiter():
    table = read_table(b"sep=;\r\nName;Notes\r\nAnna;a, b\r\n", "x.csv")
    assert (table.delimiter, table.headers) == (";", ["Name", "Notes"])
    assert rows_of(table) == [["Anna", "a, b"]]


def test_koi8_r():
    text = "Имя,Компания\nИван Петров,Ромашка\nОльга Смирнова,Рога и копыта\nПётр Ёлкин,Ёлки-палки\n"
    table = read_table(text.encode("koi8_r"), "old-unix.csv")
    assert table.encoding == "koi8_r"
    assert rows_of(table)[0] == ["Иван Петров", "Ромашка"]


def test_mac_roman_from_excel_for_mac():
    text = "Name,Company\rJürgen Müller,Café Crème\rFrançois Côté,Weiß & Partner\r"
    table = read_table(text.encode("mac_roman"), "mac.csv")
    assert table.encoding == "mac_roman"
    assert rows_of(table) == [["Jürgen Müller", "Café Crème"], ["François Côté", "Weiß & Partner"]]


def test_utf8_with_a_few_broken_bytes_keeps_the_rest():
    data = "Name,Company\nJürgen Weiß,Weiß & Partner\nZoë Müller,Café Crème\n".encode() + b"Bad \xff byte,X\n"
    table = read_table(data, "x.csv")
    assert rows_of(table)[0] == ["Jürgen Weiß", "Weiß & Partner"]
    assert rows_of(table)[2][0] == "Bad \ufffd byte"


def test_html_saved_as_xls():
    data = b"<html><body><table><tr><td>Name</td></tr><tr><td>Anna</td></tr></table></body></html>"
    assert failure(data, "report.xls").startswith("This is a web page or an XML spreadsheet")


@pytest.mark.parametrize(
    ("text", "delimiter", "rows"),
    [
        ("Name;Amount;Rate\nAnna;1,5;2,25\nBob;3,75;0,5\n", ";", [["Anna", "1,5", "2,25"], ["Bob", "3,75", "0,5"]]),
        ('Name,Notes\nAnna,"a; b; c; d"\nBob,x;y\n', ",", [["Anna", "a; b; c; d"], ["Bob", "x;y"]]),
        ("Name\tNotes\nAnna\tBerlin, Germany, Europe\n", "\t", [["Anna", "Berlin, Germany, Europe"]]),
        ("Name;Notes\nAnna;a, b, c\nBob;d, e\n", ";", [["Anna", "a, b, c"], ["Bob", "d, e"]]),
        ("Name|Company\nAnna|Müller, GmbH\n", "|", [["Anna", "Müller, GmbH"]]),
        ("Name,Email,\nAnna,a@x.de,\nBob,b@x.de,,\n", ",", [["Anna", "a@x.de"], ["Bob", "b@x.de"]]),
        ("Clients 2026\n\nName,Email\nAnna,a@x.de\n", ",", [["Anna", "a@x.de"]]),
    ],
)
def test_delimiter_is_the_one_that_fits(text, delimiter, rows):
    table = read_table(text.encode(), "x.csv")
    assert table.delimiter == delimiter and rows_of(table) == rows


def test_cells_a_spreadsheet_export_escaped_against_formulas_read_as_they_were_written():
    """Orchard's CSV (like most) puts an apostrophe before a text cell starting with = + - @ so that
    Excel shows it instead of computing it; reading the file back gives the value itself."""
    data = b"Name,Phone,Note\nGarden,'+49 30 1234,'=not a formula\nO'Brien,'-,it's fine\n"
    rows = list(read_table(data, "partners.csv").rows())
    assert rows == [["Garden", "+49 30 1234", "=not a formula"], ["O'Brien", "-", "it's fine"]]


def test_a_file_with_thousands_of_columns_is_refused_with_the_limit():
    header = ",".join(f"C{n}" for n in range(3001))
    message = failure(f"{header}\n{','.join('x' * 3001)}\n".encode(), "wide.csv")
    assert (
        message == "This file has 3001 columns; Orchard reads files of up to 300. Remove the columns you do not need."
    )
