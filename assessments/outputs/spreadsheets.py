"""Tables as CSV and XLSX that open safely in a spreadsheet program: the one writer of the
risk register, the action plan and the comparison of assessments.

CSV: UTF-8 with a byte order mark and ``;`` between fields, which is what Excel expects in
Dutch locales (where ``,`` is the decimal separator), so it opens with the right columns
and accented letters. A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage
return gets a leading ``'`` (``csv_cell``) so that spreadsheet programs do not run it as a
formula. XLSX: every text cell is stored as text (never a formula), characters XML cannot
hold are dropped, the header row is bold and frozen, and cells may be filled with a colour
(the risk matrix's).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CSV_DELIMITER = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEX_COLOUR = re.compile(r"^#?([0-9A-Fa-f]{6})$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | datetime.date | None


@dataclass
class Sheet:
    """One table: ``widths`` in characters per column; ``fills`` gives, per row, the
    colours (``#rrggbb``) of some of its cells by column index (0-based)."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widths: Sequence[int] = ()
    fills: Sequence[Mapping[int, str]] = ()
    freeze: str = "A2"  # the first cell that scrolls
    filters: bool = True  # a filter button on every header cell


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return f"'{value}" if value.startswith(FORMULA_START) else value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER)
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 -- slow
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 -- slow
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415 -- slow
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 -- slow

    book = Workbook()
    page = book.active
    page.title = sheet.title[:31]
    page.append(list(sheet.header))
    for cell in page[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for number, row in enumerate(sheet.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = page.cell(row=number, column=column)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
                cell.data_type = "s"  # text, even when it starts with "="
            else:
                cell.value = value
                if value is not None:
                    cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        fills = sheet.fills[number - 2] if number - 2 < len(sheet.fills) else {}
        for column, colour in fills.items():
            found = HEX_COLOUR.match(colour or "")
            if found:  # a matrix may use other CSS colours; those stay uncoloured
                page.cell(row=number, column=column + 1).fill = PatternFill(
                    fill_type="solid", fgColor=found.group(1).upper()
                )
    for column, width in enumerate(sheet.widths, start=1):
        page.column_dimensions[get_column_letter(column)].width = width
    page.freeze_panes = sheet.freeze
    if sheet.filters:
        page.auto_filter.ref = page.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
