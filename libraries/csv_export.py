"""Files for the coordinator's spreadsheets: CSV that Excel in Finnish or Swedish opens as it is,
and opens as data, never as formulas."""

import csv
import re
from decimal import Decimal

from django.http import HttpResponse
from django.utils.formats import number_format

# A cell beginning with one of these is a formula to Excel and LibreOffice (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (a negative sum, say) is no formula, and stays a number in the spreadsheet.
PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def as_text(value):
    """A cell as the spreadsheet should show it: text that would start a formula is prefixed
    with an apostrophe, which both programs take as "this is text" (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


class SafeWriter:
    """A csv.writer whose every cell has passed through as_text."""

    def __init__(self, response: HttpResponse) -> None:
        self._writer = csv.writer(response, delimiter=";")

    def writerow(self, row) -> None:
        self._writer.writerow([as_text(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """An attachment and its writer: UTF-8 with a byte order mark, columns split by semicolons.

    Excel reads UTF-8 only after a byte order mark, and in the Finnish and Swedish locales it
    splits columns on semicolons, not commas.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, SafeWriter(response)


def money(value: Decimal | None) -> str:
    """Euros as a Finnish or Swedish spreadsheet reads a number: 1234,50 (no thousands gap)."""
    return "" if value is None else number_format(value, 2, force_grouping=False)
