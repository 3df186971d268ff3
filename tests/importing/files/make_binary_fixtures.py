"""(Re)creates the fixtures that are not plain UTF-8 text: run `python tests/importing/files/make_binary_fixtures.py`.
The files are committed; this script documents how each was made."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def cp1251_semicolon() -> None:
    """A Russian Excel "CSV (разделители — точки с запятой)" export: cp1251, ";", CRLF, decimal commas."""
    text = (
        "Имя;Компания;Должность;Телефон;Эл. почта;Сумма;Примечание\r\n"
        "Иван Петров;ООО «Ромашка»;Генеральный директор;+7 916 123-45-67;ivan.petrov@romashka.ru;1 250,50;\r\n"
        'Ольга Смирнова;"ООО ""Рога и копыта""";Главный бухгалтер;+7 921 555-12-34;olga@roga.ru;;"Звонить после обеда;\r\n'
        'по пятницам не беспокоить"\r\n'
        "Пётр Ёлкин;ИП Ёлкин П. Н.;;+7 (812) 000-00-00;;300;Рекомендовал Иван Петров\r\n"
    )
    (HERE / "excel_ru_cp1251_semicolon.csv").write_bytes(text.encode("cp1251"))


def utf8_bom() -> None:
    """Excel's "CSV UTF-8": a byte-order mark, commas, CRLF."""
    text = (
        "Name,Company,Email,Phone\r\n"
        "Jürgen Weiß,Weiß & Partner,j.weiss@weiss-partner.de,+49 151 2345678\r\n"
        'Zoë O\'Brien,"Brightside Studio, Dublin",zoe@brightside.ie,+353 1 555 0000\r\n'
    )
    (HERE / "utf8_bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def utf16_tab() -> None:
    """Excel's "Unicode text": UTF-16 little-endian with a byte-order mark, tabs, CRLF."""
    text = (
        "Company\tContact\tPhone\tNotes\r\n"
        "Müller & Söhne GmbH\tAnna Müller\t+49 176 1234567\tKey account\r\n"
        'ООО «Ромашка»\tИван Петров\t+7 916 123-45-67\t"Two lines:\r\nsecond line"\r\n'
    )
    (HERE / "utf16_tab.txt").write_bytes(text.encode("utf-16"))


def partners_xlsx() -> None:
    """A workbook whose first sheet is empty and whose second has a title row above the header."""
    workbook = Workbook()
    workbook.active.title = "Notes"
    sheet = workbook.create_sheet("Partners")
    sheet.append(["Partners 2026"])
    sheet.append([])
    sheet.append(["Company", "Contact", "Email", "Phone", "Deals", "Amount", "First contact", "Last call", "Active"])
    sheet.append(
        [
            "Müller & Söhne GmbH",
            "Anna Müller",
            "anna.mueller@mueller-soehne.de",
            4917612345678,
            12.0,
            1234.5,
            dt.date(2024, 3, 5),
            dt.datetime(2026, 11, 20, 14, 30),
            True,
        ]
    )
    sheet.append(
        ["ООО «Ромашка»", "Иван Петров", None, "+7 916 123-45-67", 3, 800, dt.datetime(2025, 1, 9), None, False]
    )
    sheet.append([None] * 9)
    sheet.append(
        ["  Café Crème  ", "François Côté", "francois@cafe-creme.fr", None, None, None, None, None, None, "extra"]
    )
    workbook.save(HERE / "partners.xlsx")


def v21_quoted_printable() -> None:
    """An Android/Nokia-style vCard 2.1 export: QUOTED-PRINTABLE;CHARSET=UTF-8 with soft line breaks."""

    def encoded(text: str) -> list[str]:
        return [f"={byte:02X}" if byte > 126 or byte == 61 or byte < 32 else chr(byte) for byte in text.encode()]

    def qp(text: str) -> str:
        return "".join(encoded(text))

    lines_of_note, line = [], ""
    for piece in encoded("Познакомились на конференции, обсудили партнёрство.\r\nПозвонить в декабре."):
        if len(line) + len(piece) > 70:  # a soft line break ("=" at the end) between two escapes
            lines_of_note.append(line)
            line = ""
        line += piece
    folded = "=\r\n".join([*lines_of_note, line])
    lines = [
        "BEGIN:VCARD",
        "VERSION:2.1",
        f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp('Смирнова')};{qp('Ольга')};;;",
        f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp('Ольга Смирнова')}",
        f"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp('ИП Смирнова')}",
        "TEL;CELL;PREF:+79215551234",
        "TEL;WORK:+78125550000",
        "EMAIL;HOME:olga.smirnova@yandex.ru",
        f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{folded}",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N:Weiss;Juergen;;;",
        "FN:Juergen Weiss",
        f"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp('Weiß & Partner')}",
        "TEL;CELL:+491512345678",
        "NOTE:Old friend, knows everyone in Hamburg",
        "END:VCARD",
    ]
    (HERE / "contacts_v21_qp.vcf").write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


def junk() -> None:
    rng = random.Random(20261201)
    (HERE / "not_really.xlsx").write_bytes(bytes([0x8F, 0x00]) + rng.randbytes(4096))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    (HERE / "old_excel.xls").write_bytes(ole + bytes(512 - len(ole)) + rng.randbytes(1024))
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    (HERE / "binary.bin").write_bytes(png + rng.randbytes(2048))


if __name__ == "__main__":
    cp1251_semicolon()
    utf8_bom()
    utf16_tab()
    partners_xlsx()
    v21_quoted_printable()
    junk()
