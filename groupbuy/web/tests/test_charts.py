"""The chart include shows every figure as a table as well as a canvas."""

import json

import pytest
from django.template.loader import render_to_string

from groupbuy.web.charts import Chart, Series


def test_money_figures_are_in_the_table_in_yuan_and_in_the_json_in_fen():
    chart = Chart(
        title="Sales",
        labels=["1 Dec", "2 Dec"],
        series=[Series("Revenue", [123_456, None])],
        money=True,
        label_heading="Day",
    )
    html = render_to_string("web/includes/chart.html", {"chart": chart})
    assert "¥1,234.56" in html and "–" in html
    start = html.index(f'id="{chart.data_id}"')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert json.loads(payload)["series"][0]["values"] == [123_456, None]
    assert 'data-module="chart"' in html and "chart.umd.min.js" in html


def test_a_series_that_does_not_match_its_labels_is_refused():
    with pytest.raises(ValueError):
        Chart(title="x", labels=["a", "b"], series=[Series("s", [1])])
