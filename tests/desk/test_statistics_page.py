"""Statistics a board can read: each chart under its title with its data table beside it,
this year beside last year, labels that never run into the bars, drawn on the server."""

import re

import pytest

from feedback import statistics
from tests.pages import admin_url, html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_chart_has_its_title_above_and_its_table_beside(
    coordinator_client, programme, language
):
    page = html(
        coordinator_client.get(
            admin_url("feedback_yearstatistics_changelist", language=language, query="year=2026")
        )
    )
    main = page[page.index('class="kollega-statistics"') :]

    sections = re.findall(
        r'<section class="statistics-chart"[^>]*>\s*'
        r'<h2 id="chart-([a-z]+)">([^<]+)</h2>(.*?)</section>',
        main,
        re.S,
    )
    assert [slug for slug, _title, _body in sections] == [
        "exchanges",
        "visits",
        "regions",
        "languages",
        "costs",
    ]
    for _slug, title, body in sections:
        # The title comes first, then the chart, then the table with the same rows.
        assert body.index("<svg") < body.index("<table")
        assert f"<caption>{title}" in body
        assert '<th scope="col" class="numeric">2026</th>' in body
        assert '<th scope="col" class="numeric">2025</th>' in body
        labels = re.findall(r'font-weight="bold">([^<]+)</text>', body)
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', body)
        assert labels == rows and rows
    assert "<script" not in main and " style=" not in main


def test_labels_stand_above_their_bars_so_they_never_overlap(programme):
    now, before = statistics.year_figures(2026), statistics.year_figures(2025)
    for chart in statistics.charts(now, before):
        bottom = 0.0
        for row in chart.rows:
            label = float(row.label_y)
            assert label > bottom  # below the previous row's last bar
            for bar in row.bars:
                assert float(bar.y) > label  # each bar starts under its label's baseline
                assert float(bar.text_x) + 8 * len(bar.text) <= chart.width
                bottom = float(bar.y) + float(bar.height)
        assert bottom <= chart.height
