"""Charts as server-rendered SVG, so they show without JavaScript and in the PDFs.

Each function returns one accessible ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` that says what it shows in words; the page or PDF puts a table of the same
figures beside it for anyone who cannot see the chart. Colours come from the Okabe–Ito
palette, which stays distinguishable with the common forms of colour blindness, and every
bar is labelled with its number, so no figure depends on colour alone.

The strings are marked safe: every piece of text inside is escaped here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from requests_app.reports.statistics import (
    MONTH_PARTS,
    BodyStatistics,
    Bucket,
    ExemptionCount,
    MonthCount,
)

WIDTH = 640
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12"'
INK = "#1b1f24"
MUTED = "#555d66"
GRID = "#d0d5db"
BAR = "#0072B2"  # Okabe–Ito blue
OUTCOME_COLOURS = {
    "successful": "#009E73",  # bluish green
    "partially_successful": "#56B4E9",  # sky blue
    "refused": "#D55E00",  # vermilion
    "not_held": "#E69F00",  # orange
    "outcome_not_recorded": "#CC79A7",  # reddish purple
    "not_answered": "#BBBBBB",  # grey
}
MAX_DESC_ITEMS = 8  # the <desc> names the first few; the table beside has them all
MAX_EXEMPTION_BARS = 15


@dataclass(frozen=True)
class _Drawing:
    height: int
    markup: str


@dataclass(frozen=True)
class _HorizontalBar:
    label: str
    value: float  # the bar's length on the scale
    caption: str  # written at the end of the bar


# --- the four charts -------------------------------------------------------------------


def on_time_by_body_svg(rows: list[BodyStatistics]) -> str:
    """Each body's share of requests answered by the statutory date, as horizontal bars."""
    bars = [
        _HorizontalBar(row.label, 100 * (row.statistics.on_time_rate or 0), _on_time_caption(row))
        for row in rows
    ]
    described = ", ".join(f"{bar.label}: {bar.caption}" for bar in bars[:MAX_DESC_ITEMS])
    desc = (
        f"Requests answered by the statutory due date, out of those due so far, for "
        f"{_count(len(rows), 'public body', 'public bodies')}. {described}"
        f"{_and_more(len(rows))}."
        if rows
        else "No public bodies to show yet."
    )
    body = _horizontal_bars(bars, scale_max=100, percent=True)
    return _svg("on-time", "On time, by public body", desc, body)


def response_time_histogram_svg(buckets: list[Bucket]) -> str:
    """How many answers took each band of working days, as vertical bars."""
    total = sum(bucket.count for bucket in buckets)
    described = ", ".join(f"{bucket.label} working days: {bucket.count}" for bucket in buckets)
    desc = (
        f"Working days from receipt to the answer, for {_count(total, 'answer', 'answers')}. "
        f"{described}."
        if total
        else "No answers yet."
    )
    columns = [_Column(bucket.label, ((bucket.count, BAR),)) for bucket in buckets]
    body = _vertical_bars(columns, x_title="Working days to answer") if total else _empty()
    return _svg("response-times", "Working days to answer", desc, body)


def exemptions_cited_svg(counts: list[ExemptionCount]) -> str:
    """The exemptions cited most often, with the number of requests citing each."""
    shown = counts[:MAX_EXEMPTION_BARS]
    bars = [_HorizontalBar(item.citation, item.count, str(item.count)) for item in shown]
    described = ", ".join(f"{item.citation} ({item.title}): {item.count}" for item in shown)
    desc = (
        f"Requests citing each exemption, most cited first. {described}"
        f"{'; more in the table' if len(counts) > len(shown) else ''}."
        if counts
        else "No exemptions cited yet."
    )
    scale = max((item.count for item in shown), default=1)
    body = _horizontal_bars(bars, scale_max=scale, percent=False)
    return _svg("exemptions", "Exemptions cited", desc, body)


def requests_by_month_svg(months: list[MonthCount]) -> str:
    """Requests sent each month, each bar divided by the outcome of the first answer."""
    columns = [
        _Column(
            f"{month.month:%b %Y}",
            tuple((count, OUTCOME_COLOURS[key]) for key, _, count in month.by_outcome),
        )
        for month in months
    ]
    described = "; ".join(_month_phrase(month) for month in months[-MAX_DESC_ITEMS:])
    desc = (
        f"Requests sent each month, by the outcome of the first answer. {described}."
        if months
        else "No requests sent yet."
    )
    body = _vertical_bars(columns, x_title="Month sent", legend=True) if months else _empty()
    return _svg("months", "Requests by month, with outcome", desc, body)


# --- descriptions ----------------------------------------------------------------------


def _on_time_caption(row: BodyStatistics) -> str:
    figures = row.statistics
    if not figures.due_by_now:
        return "none due yet"
    rate = round(100 * (figures.on_time_rate or 0))
    return f"{figures.answered_on_time} of {figures.due_by_now} ({rate}%)"


def _month_phrase(month: MonthCount) -> str:
    parts = [f"{count} {label.lower()}" for _, label, count in month.by_outcome if count]
    return f"{month.month:%B %Y}: {month.sent} sent" + (f" ({', '.join(parts)})" if parts else "")


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _and_more(shown: int) -> str:
    return "; more in the table" if shown > MAX_DESC_ITEMS else ""


# --- drawing ---------------------------------------------------------------------------


def _svg(name: str, title: str, desc: str, drawing: _Drawing) -> SafeString:
    # Ids unique to the content, so that several charts can share a page or a PDF.
    digest = hashlib.sha256(f"{title}\n{desc}".encode()).hexdigest()[:8]
    ident = f"chart-{name}-{digest}"
    height = drawing.height
    return mark_safe(  # noqa: S308 - every text in the markup went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" {FONT}>'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
        f"{drawing.markup}</svg>"
    )


def _empty() -> _Drawing:
    text = f'<text x="{WIDTH // 2}" y="34" text-anchor="middle" fill="{MUTED}">No data yet</text>'
    return _Drawing(60, text)


LABEL_WIDTH = 190
CAPTION_WIDTH = 110
ROW_HEIGHT = 26
TOP = 24


def _horizontal_bars(
    bars: Sequence[_HorizontalBar], *, scale_max: float, percent: bool
) -> _Drawing:
    if not bars:
        return _empty()
    plot = WIDTH - LABEL_WIDTH - CAPTION_WIDTH
    height = TOP + ROW_HEIGHT * len(bars) + 8
    parts = [_horizontal_grid(plot, height, scale_max, percent)]
    for index, bar in enumerate(bars):
        y = TOP + ROW_HEIGHT * index
        length = plot * bar.value / scale_max if scale_max else 0
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.caption)}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">'
            f"{escape(_shorten(bar.label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{length:.1f}" height="{ROW_HEIGHT - 10}" '
            f'fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 17}" fill="{INK}">'
            f"{escape(bar.caption)}</text></g>"
        )
    return _Drawing(height, "".join(parts))


def _horizontal_grid(plot: int, height: int, scale_max: float, percent: bool) -> str:
    ticks = [0, 25, 50, 75, 100] if percent else _integer_ticks(scale_max)
    lines = []
    for tick in ticks:
        x = LABEL_WIDTH + plot * tick / scale_max if scale_max else LABEL_WIDTH
        label = f"{tick}%" if percent else str(tick)
        lines.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{height - 8}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{TOP - 8}" text-anchor="middle" fill="{MUTED}">{label}</text>'
        )
    return f'<g aria-hidden="true">{"".join(lines)}</g>'


def _integer_ticks(scale_max: float) -> list[int]:
    top = max(int(scale_max), 1)
    step = max(1, -(-top // 4))
    return list(range(0, top + 1, step))


@dataclass(frozen=True)
class _Column:
    label: str
    segments: tuple[tuple[int, str], ...]  # (count, colour), stacked from the bottom

    @property
    def total(self) -> int:
        return sum(count for count, _ in self.segments)


AXIS_LEFT = 44
PLOT_TOP = 16
PLOT_HEIGHT = 200
X_LABELS_HEIGHT = 48
LEGEND_ROW = 20


def _vertical_bars(columns: Sequence[_Column], *, x_title: str, legend: bool = False) -> _Drawing:
    top = max((column.total for column in columns), default=0) or 1
    baseline = PLOT_TOP + PLOT_HEIGHT
    legend_height = LEGEND_ROW * 2 if legend else 0
    height = baseline + X_LABELS_HEIGHT + legend_height
    slot = (WIDTH - AXIS_LEFT - 8) / max(len(columns), 1)
    every = max(1, round(len(columns) / 12))  # at most about 12 labels under the axis
    parts = [_vertical_grid(top, baseline)]
    for index, column in enumerate(columns):
        x = AXIS_LEFT + slot * index
        parts.append(_stacked_column(column, x, slot, top, baseline, show_label=index % every == 0))
    parts.append(
        f'<text x="{AXIS_LEFT + (WIDTH - AXIS_LEFT) / 2:.1f}" y="{baseline + 40}" '
        f'text-anchor="middle" fill="{MUTED}">{escape(x_title)}</text>'
    )
    if legend:
        parts.append(_legend(baseline + X_LABELS_HEIGHT))
    return _Drawing(height, "".join(parts))


def _vertical_grid(top: int, baseline: int) -> str:
    lines = []
    for tick in _integer_ticks(top):
        y = baseline - PLOT_HEIGHT * tick / top
        lines.append(
            f'<line x1="{AXIS_LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{AXIS_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{tick}</text>"
        )
    return f'<g aria-hidden="true">{"".join(lines)}</g>'


def _stacked_column(
    column: _Column, x: float, slot: float, top: int, baseline: int, *, show_label: bool
) -> str:
    width = max(slot * 0.7, 1)
    left = x + (slot - width) / 2
    y = float(baseline)
    rects = []
    for count, colour in column.segments:
        if not count:
            continue
        size = PLOT_HEIGHT * count / top
        y -= size
        rects.append(
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{width:.1f}" height="{size:.1f}" '
            f'fill="{colour}"/>'
        )
    centre = left + width / 2
    total = (
        f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}">'
        f"{column.total}</text>"
        if column.total and slot >= 18
        else ""
    )
    label = (
        f'<text x="{centre:.1f}" y="{baseline + 16}" text-anchor="middle" fill="{INK}">'
        f"{escape(column.label)}</text>"
        if show_label
        else ""
    )
    tooltip = f"<title>{escape(column.label)}: {column.total}</title>"
    return f"<g>{tooltip}{''.join(rects)}{total}{label}</g>"


def _legend(y: int) -> str:
    items = []
    per_row = 3
    column_width = (WIDTH - AXIS_LEFT) / per_row
    for index, (key, label) in enumerate(MONTH_PARTS):
        x = AXIS_LEFT + column_width * (index % per_row)
        row_y = y + LEGEND_ROW * (index // per_row)
        items.append(
            f'<rect x="{x:.1f}" y="{row_y}" width="12" height="12" fill="{OUTCOME_COLOURS[key]}"/>'
            f'<text x="{x + 18:.1f}" y="{row_y + 11}" fill="{INK}">{escape(label)}</text>'
        )
    return f'<g aria-hidden="true">{"".join(items)}</g>'


def _shorten(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
