"""Files for the coordinator's spreadsheets: CSV that Excel in Finnish or Swedish opens as it is."""

import csv
from decimal import Decimal

from django.http import HttpResponse
from django.utils.formats import number_format


def csv_response(filename: str) -> tuple[HttpResponse, "csv.writer"]:
    """An attachment and its writer: UTF-8 with a byte order mark, columns split by semicolons.

    Excel reads UTF-8 only after a byte order mark, and in the Finnish and Swedish locales it
    splits columns on semicolons, not commas.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";")


def money(value: Decimal | None) -> str:
    """Euros as a Finnish or Swedish spreadsheet reads a number: 1234,50 (no thousands gap)."""
    return "" if value is None else number_format(value, 2, force_grouping=False)
