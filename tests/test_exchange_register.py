"""The risk register as CSV and XLSX: one row per measure, scores from scoring.score()."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from assessments.domain import scoring
from assessments.outputs.risk_register import register_csv, register_rows, register_xlsx
from tests import builders, factories

pytestmark = pytest.mark.django_db

HEADER_EN = [
    "Category",
    "Topic",
    "Likelihood",
    "Impact",
    "Risk score",
    "Measure",
    "Status",
    "Owner",
    "Due date",
    "Residual likelihood",
    "Residual impact",
    "Residual risk score",
    "Residual risk",
    "Overdue",
    "Children's rights",
]


@pytest.fixture
def assessment():
    return builders.rich_assessment(language="en")


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def test_csv_has_a_row_per_measure_and_one_per_risk_without_measures(assessment):
    header, *rows = read_csv(register_csv(assessment))
    assert header == HEADER_EN
    assert [(row[0], row[1], row[5]) for row in rows] == [
        ("3.1 Content risks", "Schadelijke content", "Contentmoderatie"),
        ("3.1 Content risks", "Schadelijke content", "'=Meldknop"),  # not run as a formula
        ("3.1 Content risks", "Tweede content", ""),
        ("3.5 Advanced technology risks", "Aanbevelingsalgoritme", ""),
        ("3.6 Privacy risks", "Profilering", "Privacy by default"),
    ]
    assert rows[0] == [
        "3.1 Content risks",
        "Schadelijke content",
        "high",
        "cannot be assessed",
        "cannot be assessed",
        "Contentmoderatie",
        "in place",
        "Trust & Safety-team",
        "",
        "medium",
        "cannot be assessed",
        "cannot be assessed",
        "Minder, niet weg.",
        "",
        "art. 17, R-content-1",  # the linked rights: an article, a typical risk
    ]
    assert rows[1][6:9] == ["planned", "", "2025-06-01"]
    assert rows[1][13] == "overdue"  # planned, and 2025-06-01 has passed
    assert rows[2][2:5] == ["", "", "not scored yet"]
    assert rows[4][2:5] == ["medium", "high", "6 (high)"]
    assert rows[4][9:12] == ["low", "medium", "2 (low)"]


def test_score_labels_come_from_scoring(assessment, settings):
    """A deployment's own matrix shows up in the register without further changes."""
    privacy = assessment.risks.get(category="privacy")
    with translation.override("en"):
        expected = scoring.score(privacy.likelihood, privacy.impact).label
    _header, rows = register_rows(assessment)
    assert rows[-1].cells[4] == expected
    assert rows[-1].gross == privacy.gross_score


def test_register_follows_the_assessments_language():
    dutch = builders.rich_assessment(language="nl")
    with translation.override("en"):  # whatever the request's language is
        _header, *rows = read_csv(register_csv(dutch))
    assert rows[0][0] == "3.1 Contentrisico's"
    assert rows[0][2] == "hoog"
    assert rows[0][6] == "getroffen"


def test_xlsx_holds_the_same_table_with_a_frozen_bold_header(assessment):
    book = load_workbook(io.BytesIO(register_xlsx(assessment)))
    sheet = book.active
    assert sheet.title == "Risk register"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER_EN
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 26
    assert sheet.column_dimensions["M"].width == 50
    _header, *csv_rows = read_csv(register_csv(assessment))
    assert len(values) == len(csv_rows) + 1
    formula = sheet.cell(row=3, column=6)
    assert (formula.value, formula.data_type) == ("=Meldknop", "s")  # text, not a formula
    assert sheet.cell(row=3, column=9).value == datetime.datetime(2025, 6, 1)
    assert values[5][4] == "6 (high)"
    high = scoring.get_matrix().levels[-1].colour.lstrip("#").upper()
    assert sheet.cell(row=6, column=5).fill.fgColor.rgb.endswith(high)
    assert sheet.cell(row=4, column=5).fill.fill_type is None  # not scored: no colour


def test_empty_register_is_just_the_header():
    empty = factories.assessment(language="en")
    assert read_csv(register_csv(empty)) == [HEADER_EN]
    rows = list(load_workbook(io.BytesIO(register_xlsx(empty))).active.iter_rows(values_only=True))
    assert [list(r) for r in rows] == [HEADER_EN]
