"""The SVG charts: accessible, well-formed, escaped, and drawn to scale."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from requests_app.reports.charts import (
    exemptions_cited_svg,
    on_time_by_body_svg,
    requests_by_month_svg,
    response_time_histogram_svg,
)
from requests_app.reports.statistics import (
    BodyStatistics,
    Bucket,
    ComplaintFigures,
    ExemptionCount,
    MonthCount,
    RequestStatistics,
    ReviewFigures,
)

SVG = "{http://www.w3.org/2000/svg}"


def figures(*, due: int, on_time: int) -> RequestStatistics:
    return RequestStatistics(
        sent=due,
        answered=due,
        due_by_now=due,
        answered_on_time=on_time,
        extensions_claimed=0,
        due_by_now_with_extensions=due,
        answered_on_time_with_extensions=on_time,
        median_working_days=None,
        p90_working_days=None,
        overdue=0,
        refused=0,
        partly_refused=0,
        not_held=0,
        reviews=ReviewFigures(0, 0, 0, 0, 0),
        complaints=ComplaintFigures(0, 0, 0, 0, 0),
    )


def body(name: str, *, due: int, on_time: int) -> BodyStatistics:
    return BodyStatistics(slug=name.lower(), name=name, short_name="", statistics=figures(
        due=due, on_time=on_time
    ))  # fmt: skip


BODIES = [body("Department", due=14, on_time=3), body("Trust", due=10, on_time=10)]
BUCKETS = [Bucket("0–5", 0, 5, 2), Bucket("6–10", 6, 10, 0), Bucket("11 or more", 11, None, 4)]
EXEMPTIONS = [
    ExemptionCount("FOIA s.36", "Prejudice to effective conduct of public affairs", 9),
    ExemptionCount("FOIA s.40", "Personal information", 3),
]
MONTHS = [
    MonthCount(dt.date(2026, 1, 1), 5, 2, 1, 1, 0, 1),
    MonthCount(dt.date(2026, 2, 1), 0, 0, 0, 0, 0, 0),
    MonthCount(dt.date(2026, 3, 1), 3, 0, 0, 3, 0, 0),
]

CHARTS = [
    pytest.param(lambda: on_time_by_body_svg(BODIES), id="on-time"),
    pytest.param(lambda: response_time_histogram_svg(BUCKETS), id="response-times"),
    pytest.param(lambda: exemptions_cited_svg(EXEMPTIONS), id="exemptions"),
    pytest.param(lambda: requests_by_month_svg(MONTHS), id="months"),
    pytest.param(lambda: on_time_by_body_svg([]), id="on-time-empty"),
    pytest.param(lambda: response_time_histogram_svg([]), id="response-times-empty"),
    pytest.param(lambda: exemptions_cited_svg([]), id="exemptions-empty"),
    pytest.param(lambda: requests_by_month_svg([]), id="months-empty"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def bar_widths(root: ET.Element) -> list[float]:
    return [float(rect.attrib["width"]) for rect in root.iter(f"{SVG}rect")]


@pytest.mark.parametrize("draw", CHARTS)
def test_every_chart_is_an_image_named_by_its_title_and_description(
    draw: Callable[[], str],
) -> None:
    root = parse(draw())
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.attrib["aria-labelledby"] == f"{title.attrib['id']} {desc.attrib['id']}"


def test_the_on_time_chart_draws_each_body_to_scale_and_says_the_figures() -> None:
    root = parse(on_time_by_body_svg(BODIES))
    department, trust = bar_widths(root)
    # 3 of 14 is 21.4%, 10 of 10 is 100%: the bars keep that ratio.
    assert department / trust == pytest.approx(3 / 14, abs=0.01)
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert "Department: 3 of 14 (21%)" in desc.text
    assert "Trust: 10 of 10 (100%)" in desc.text


def test_a_body_with_nothing_due_yet_says_so_rather_than_zero_percent() -> None:
    root = parse(on_time_by_body_svg([body("New Agency", due=0, on_time=0)]))
    assert "none due yet" in ET.tostring(root, encoding="unicode")


def test_text_from_users_is_escaped() -> None:
    hostile = body('<script>alert("x")</script> & Co', due=1, on_time=1)
    svg = on_time_by_body_svg([hostile])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)  # still well-formed XML


def test_the_histogram_has_a_bar_for_each_non_empty_bucket() -> None:
    root = parse(response_time_histogram_svg(BUCKETS))
    bars = [rect for rect in root.iter(f"{SVG}rect")]
    heights = sorted(float(rect.attrib["height"]) for rect in bars)
    assert len(bars) == 2  # 2 and 4 answers; the empty bucket has no bar
    assert heights[1] == pytest.approx(2 * heights[0])


def test_the_month_chart_stacks_the_outcomes_with_a_legend() -> None:
    svg = requests_by_month_svg(MONTHS)
    root = parse(svg)
    # January: successful 2, partially 1, refused 1, not answered 1 -> 4 segments; March:
    # refused 3 -> 1 segment; the legend adds 6 swatches.
    assert len(list(root.iter(f"{SVG}rect"))) == 4 + 1 + 6
    assert "Jan 2026" in svg and "Mar 2026" in svg
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert "January 2026: 5 sent (2 successful, 1 partially successful, 1 refused" in desc.text


def test_the_exemptions_chart_shows_at_most_fifteen_bars() -> None:
    many = [ExemptionCount(f"FOIA s.{n}", f"Exemption {n}", 30 - n) for n in range(20)]
    root = parse(exemptions_cited_svg(many))
    assert len(bar_widths(root)) == 15
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert "more in the table" in desc.text


def test_two_different_charts_never_share_an_id() -> None:
    first = parse(on_time_by_body_svg(BODIES))
    second = parse(on_time_by_body_svg(BODIES[:1]))
    assert first.attrib["aria-labelledby"] != second.attrib["aria-labelledby"]
