"""Writing spreadsheets that stay inert when opened (SECURITY.md item 11).

XLSX: every text is written with `write_string`, on a workbook created with
`strings_to_formulas/urls/numbers=False`, so `=HYPERLINK(…)` is a string cell, never a formula
or a link. CSV: a text cell (or header) that starts with `= + - @`, tab or CR gets a leading
apostrophe, the quoting spreadsheet programs honour; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import xlsxwriter

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SAFE_WORKBOOK = {
    "constant_memory": True,  # rows are flushed as they are written: big exports stay small
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_XLSX_ROWS = 1_048_575  # Excel's limit, less the header row


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


class CsvRows:
    """Turns rows into UTF-8 (with BOM, so Excel reads Chinese correctly) CSV bytes."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.started = False

    def encode(self, rows: Iterable[list[Any]]) -> bytes:
        for row in rows:
            self.writer.writerow([csv_cell(v) for v in row])
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        data = text.encode("utf-8")
        if not self.started:
            self.started = True
            return b"\xef\xbb\xbf" + data
        return data


class XlsxSheet:
    """One worksheet written row by row into a file on disk."""

    def __init__(self, path: Path, sheet_name: str, headers: list[str]) -> None:
        self.book = xlsxwriter.Workbook(str(path), {**SAFE_WORKBOOK, "tmpdir": str(path.parent)})
        self.sheet = self.book.add_worksheet(_sheet_name(sheet_name))
        self.formats = {
            "header": self.book.add_format({"bold": True, "bg_color": "#F0F0F0"}),
            "date": self.book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "time": self.book.add_format({"num_format": "hh:mm:ss"}),
            "error": self.book.add_format({"font_color": "#C00000", "text_wrap": True}),
        }
        self.row_number = 0
        for column, header in enumerate(headers):
            self.sheet.write_string(0, column, str(header), self.formats["header"])
            self.sheet.set_column(column, column, min(max(len(str(header)) * 2, 10), 40))
        self.sheet.freeze_panes(1, 0)

    def write(self, values: list[Any], error_column: int | None = None) -> None:
        self.row_number += 1
        for column, value in enumerate(values):
            self._cell(self.row_number, column, value, self.formats["error"] if column == error_column else None)

    def _cell(self, row: int, column: int, value: Any, fmt: Any = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(row, column, value)
        elif isinstance(value, (int, float, Decimal)):
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                self.sheet.write_string(row, column, str(value))
            else:
                self.sheet.write_number(row, column, number)
        elif isinstance(value, datetime):
            self.sheet.write_datetime(row, column, value.replace(tzinfo=None), self.formats["datetime"])
        elif isinstance(value, date):
            self.sheet.write_datetime(row, column, value, self.formats["date"])
        elif isinstance(value, time):
            self.sheet.write_datetime(row, column, value, self.formats["time"])
        else:
            self.sheet.write_string(row, column, str(value), fmt)

    def close(self) -> None:
        self.book.close()


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Sheet1"
    return cleaned[:31]
