"""One long date style per language, on pages as in the report."""

import datetime

from django.utils import formats, translation

from assessments.outputs.report.content.formats import long_date

DAY = datetime.date(2026, 11, 29)
MOMENT = datetime.datetime(2026, 11, 29, 10, 44)


def test_pages_print_dates_as_the_report_does_in_each_language():
    for language, day, moment in (
        ("nl", "29 november 2026", "29 november 2026 10:44"),
        ("en", "29 November 2026", "29 November 2026, 10:44"),
    ):
        with translation.override(language):
            assert formats.date_format(DAY, "DATE_FORMAT") == day == long_date(DAY)
            assert formats.date_format(MOMENT, "DATETIME_FORMAT") == moment
