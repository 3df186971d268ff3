"""Reading an export response back: CSV rows, an .xlsx sheet, vCards."""

from __future__ import annotations

import csv
import io

import openpyxl
import vobject


def csv_rows(response, delimiter=",") -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    text = response.get_data().decode("utf-8-sig")
    response.close()
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def csv_dicts(response) -> list[dict[str, str]]:
    rows = csv_rows(response)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def xlsx_sheet(response):
    assert response.status_code == 200, response.status_code
    data = response.get_data()
    response.close()
    return openpyxl.load_workbook(io.BytesIO(data)).active


def vcards(response) -> list:
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True)
    response.close()
    return list(vobject.readComponents(text))
