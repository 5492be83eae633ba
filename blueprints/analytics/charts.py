"""Charts for the analytics page, drawn on the server as inline SVG.

Pure functions (the standard library and markupsafe only): the caller passes the words and
the numbers already formatted in the viewer's language (category names, value labels, tick
format), plus the raw numbers for the geometry. Each builder returns a `Markup` string of one
`<svg>` element that:

- obeys the site's Content-Security-Policy: no `style` attribute, no `<style>`, no script —
  presentation attributes and `class` names only;
- speaks to screen readers: `role="img"`, `aria-labelledby` on a `<title>` and a `<desc>`
  whose ids come from the caller's `chart_id` (several charts on one page never clash);
- reads without colour: every series has a pattern (solid, hatch, dots, cross-hatch, stripes)
  or, on line charts, a dash and a point shape as well as a colour; a legend; the values
  printed where they fit (the data table beside the chart has them all); bands and markers
  labelled in words;
- stays legible at 390 px: the drawing is laid out on a narrow `viewBox` (400 units, text
  14–15) and scales to its container (`width="100%"`, height from the aspect ratio), so it
  grows with a wide column: cap it in the stylesheet (`.chart { max-width: … }`). A heatmap
  whose columns cannot be legible in 400 units is drawn wider, at its size in px
  (`chart--wide`), to scroll in an `overflow-x: auto` wrapper rather than shrink.

Text widths are estimated (the server knows no font metrics; the estimates err wide): labels
that would overlap are skipped, long names wrap or are cut with an ellipsis and keep their
full text in a `<title>`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Band", "Marker", "Series", "bar_chart", "heatmap", "line_chart"]

# --- look -------------------------------------------------------------------------------

WIDTH = 400  # viewBox width: in the ≈ 358 px of a 390 px screen, text keeps 90 % of its size
MARGIN = 8
FONT = 15  # category names, legend
SMALL = 14  # ticks, value labels, band and marker labels
PLOT_HEIGHT = 200

# The site's colours (static/css/app.css custom properties).
INK = "#1c2033"  # --ink
INK_SOFT = "#4a5068"  # --ink-soft
LINE = "#dfe2ec"  # --line
SURFACE = "#ffffff"  # --surface
BAND_FILL = "#eef0fc"  # --brand-soft
HEAT_LOW = "#eef0fc"  # --brand-soft
HEAT_HIGH = "#222d86"  # --brand-dark
# Black rather than --ink on the light cells: whatever the shade, black or white text then
# keeps ≥ 4.5:1 (with --ink, mid shades fall to 4:1).
HEAT_TEXT = "#000000"

# Series colours, each ≥ 3:1 against white (WCAG 1.4.11): --brand, a dark orange, --success,
# a plum, --ink-soft. Blue/orange first: they stay apart for the common colour blindnesses.
PALETTE = ("#2f3fb5", "#b04a00", "#1e7a46", "#8a2c8f", "#4a5068")
# Five series are told apart without colour; a sixth repeats the first's colour and pattern.
PATTERNS = ("solid", "hatch", "dots", "crosshatch", "stripes")
# Line charts: a dash and a point shape per series.
DASHES = (None, "7 4", "2 3", "9 3 2 3", "12 4")
SHAPES = ("circle", "square", "triangle", "diamond", "wedge")

MARKER_LINE = {"dash": "6 4", "width": 1.5, "cls": "chart__marker"}
HALO = {"stroke": SURFACE, "stroke-width": 3, "stroke-linejoin": "round", "paint-order": "stroke"}


# --- the caller's data --------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str  # legend label (already translated)
    values: Sequence[float]  # one per category, >= 0
    labels: Sequence[str]  # formatted value labels, one per category ("12 %", "1 204")


@dataclass(frozen=True)
class Band:
    """A shaded zone of the value axis, e.g. the 10–70 % that good programmes reach."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Marker:
    """A dashed reference line, e.g. the 1 % creators or 10 % reactors baselines."""

    value: float
    label: str


TickFormat = Callable[[float], str]


def default_tick_format(value: float) -> str:
    """Whole numbers as integers ("25"), fractions as short decimals ("0.5")."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- public builders ----------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    max_value: float | None = None,
    bands: Sequence[Band] = (),
    markers: Sequence[Marker] = (),
    tick_format: TickFormat = default_tick_format,
    empty_text: str = "",
) -> Markup:
    """Bars by category: grouped or stacked, vertical (weeks) or horizontal (long names)."""
    ids = _Ids(chart_id)
    categories, series = list(categories), list(series)
    if not categories or not series:
        return _empty(ids, "bar", title, description, empty_text)
    _check(categories, series)
    if stacked:
        heights = [sum(s.values[i] for s in series) for i in range(len(categories))]
    else:
        heights = [v for s in series for v in s.values]
    scale = _Scale.fit(heights, max_value, bands, markers)
    layout = _horizontal_bars if horizontal else _vertical_bars
    body, height = layout(ids, categories, series, scale, stacked, bands, markers, tick_format)
    defs = "".join(_pattern(ids.pattern(i), i) for i in range(len(series)))
    kind = "bar chart--horizontal" if horizontal else "bar"
    return _svg(ids, kind, title, description, height, defs, body)


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    max_value: float | None = None,
    bands: Sequence[Band] = (),
    markers: Sequence[Marker] = (),
    tick_format: TickFormat = default_tick_format,
    empty_text: str = "",
) -> Markup:
    """One line per series, a point shape per series (circle, square, triangle, diamond)."""
    ids = _Ids(chart_id)
    categories, series = list(categories), list(series)
    if not categories or not series:
        return _empty(ids, "line", title, description, empty_text)
    _check(categories, series)
    scale = _Scale.fit([v for s in series for v in s.values], max_value, bands, markers)
    body, height = _lines(categories, series, scale, bands, markers, tick_format)
    return _svg(ids, "line", title, description, height, "", body)


def heatmap(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    labels: Sequence[Sequence[str]],
    *,
    max_value: float | None = None,
    empty_text: str = "",
) -> Markup:
    """A grid (e.g. themes × personae): one hue, darker for more, the label in every cell."""
    ids = _Ids(chart_id)
    rows, columns = list(rows), list(columns)
    if not rows or not columns:
        return _empty(ids, "heatmap", title, description, empty_text)
    if len(values) != len(rows) or len(labels) != len(rows):
        raise ValueError("heatmap: one row of values and of labels per row name")
    for row_values, row_labels in zip(values, labels, strict=True):
        if len(row_values) != len(columns) or len(row_labels) != len(columns):
            raise ValueError("heatmap: one value and one label per column in every row")
        _check_values(row_values)
    body, width, height = _grid(rows, columns, values, labels, max_value)
    return _svg(ids, "heatmap", title, description, height, "", body, width=width)


# --- the svg element ------------------------------------------------------------------------


class _Ids:
    """Element ids derived from the caller's chart id, valid in HTML and XML."""

    def __init__(self, chart_id: str):
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", chart_id).strip("-") or "chart"
        self.base = base if base[0].isalpha() else f"chart-{base}"
        self.title = f"{self.base}-title"
        self.desc = f"{self.base}-desc"

    def pattern(self, index: int) -> str:
        return f"{self.base}-pattern-{index}"


def _svg(
    ids: _Ids,
    kind: str,
    title: str,
    description: str,
    height: float,
    defs: str,
    body: str,
    *,
    width: float = WIDTH,
) -> Markup:
    """The root element. At the standard width it fills its container (`width="100%"`); a
    wider drawing (a heatmap of many columns) keeps its size in px, to scroll in its container
    rather than shrink out of legibility, and says so with `chart--wide`."""
    wide = width > WIDTH
    if wide:
        kind += " chart--wide"
    head = _open(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        **{"class": f"chart chart--{kind}"},
        role="img",
        **{"aria-labelledby": f"{ids.title} {ids.desc}"},
        viewBox=f"0 0 {_n(math.ceil(width))} {_n(math.ceil(height))}",
        width=_n(math.ceil(width)) if wide else "100%",
        preserveAspectRatio="xMidYMin meet",
    )
    parts = [
        head,
        f'<title id="{ids.title}">{escape(title)}</title>',
        f'<desc id="{ids.desc}">{escape(description)}</desc>',
    ]
    if defs:
        parts.append(f"<defs>{defs}</defs>")
    parts += [body, "</svg>"]
    return Markup("".join(parts))


def _empty(ids: _Ids, kind: str, title: str, description: str, empty_text: str) -> Markup:
    height = 96
    body = _text(
        WIDTH / 2,
        height / 2 + FONT * 0.35,
        empty_text,
        size=FONT,
        anchor="middle",
        fill=INK_SOFT,
        cls="chart__empty",
    )
    return _svg(ids, f"{kind} chart--empty", title, description, height, "", body)


# --- checks ---------------------------------------------------------------------------------


def _check(categories: list[str], series: list[Series]) -> None:
    for s in series:
        if len(s.values) != len(categories) or len(s.labels) != len(categories):
            raise ValueError(f"series {s.name!r}: one value and one label per category")
        _check_values(s.values)


def _check_values(values: Sequence[float]) -> None:
    for v in values:
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"chart values are finite and >= 0, not {v!r}")


# --- scale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    top: float
    ticks: tuple[float, ...]

    @classmethod
    def fit(
        cls,
        values: Sequence[float],
        max_value: float | None,
        bands: Sequence[Band],
        markers: Sequence[Marker],
    ) -> _Scale:
        """The value axis: the caller's maximum when the data fit under it, else a round one.

        `values` are the heights drawn (stack totals for stacked bars); whole values keep
        whole ticks (no 0.5 between 0 and 1 person).
        """
        highest = max([*values, *(max(b.low, b.high) for b in bands), *(m.value for m in markers)])
        whole = all(float(v).is_integer() for v in values)
        if max_value is not None and max_value > 0 and highest <= max_value:
            top = float(max_value)
            step = min(_steps(top, whole), key=lambda st: (abs(top / st - 4), -st))
        elif highest <= 0:
            return cls(1.0, (0.0, 1.0))
        else:
            # The round step whose top is closest above the data, the larger one on a tie.
            step = min(_steps(highest, whole), key=lambda st: (math.ceil(highest / st - 1e-9) * st, -st))
            top = math.ceil(highest / step - 1e-9) * step
        count = int(top / step + 1e-9)
        return cls(top, tuple(round(i * step, 10) for i in range(count + 1)))

    def ratio(self, value: float) -> float:
        return min(max(value, 0.0), self.top) / self.top


def _steps(span: float, whole: bool) -> list[float]:
    """Round steps (1, 2, 2.5, 5 × 10ⁿ) that cut `span` in 3 to 6 intervals.

    No 2.5 below 10 (25 but not 2.5), and no step under 1 for whole data.
    """
    if whole and span < 3:
        return [1.0]
    magnitude = 10 ** math.floor(math.log10(span / 4))
    steps = [
        f * m
        for m in (magnitude / 10, magnitude, magnitude * 10)
        for f in (1, 2, 2.5, 5)
        if not (f == 2.5 and m < 10)
    ]
    fitting = [st for st in steps if 3 <= math.ceil(span / st - 1e-9) <= 6]
    return [st for st in fitting if st >= 1 or not whole] or [magnitude]


# --- vertical frame (bars by week, lines) ------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    left: float
    top: float
    right: float
    bottom: float
    count: int  # categories
    scale: _Scale

    @property
    def slot(self) -> float:
        return (self.right - self.left) / self.count

    def cx(self, index: int) -> float:
        return self.left + (index + 0.5) * self.slot

    def y(self, value: float) -> float:
        return self.bottom - self.scale.ratio(value) * (self.bottom - self.top)


def _vertical_frame(
    count: int, scale: _Scale, tick_format: TickFormat, top: float
) -> tuple[_Frame, list[str]]:
    """The plot area under `top` and its gridlines with their tick labels."""
    tick_labels = [tick_format(t) for t in scale.ticks]
    left = MARGIN + max(_width(t, SMALL) for t in tick_labels) + 6
    frame = _Frame(left, top + SMALL + 8, WIDTH - MARGIN, top + SMALL + 8 + PLOT_HEIGHT, count, scale)
    parts = ['<g class="chart__grid">']
    for tick, label in zip(scale.ticks, tick_labels, strict=True):
        y = frame.y(tick)
        if tick > 0:
            parts.append(_line(frame.left, y, frame.right, y, LINE))
        parts.append(_text(frame.left - 6, y + SMALL * 0.35, label, size=SMALL, anchor="end", fill=INK_SOFT))
    parts.append("</g>")
    return frame, parts


def _baseline(frame: _Frame) -> str:
    return _line(frame.left, frame.bottom, frame.right, frame.bottom, INK_SOFT, cls="chart__axis")


def _category_axis(frame: _Frame, categories: list[str]) -> tuple[list[str], float]:
    """The category names under the plot, every nth when they would not fit side by side."""
    widest = max(_width(c, SMALL) for c in categories)
    step = max(1, math.ceil((widest + 8) / frame.slot))
    room = max(frame.slot * step - 8, 40.0)
    y = frame.bottom + SMALL + 6
    parts = ['<g class="chart__categories">']
    for index in range(0, len(categories), step):
        shown, full = _fit(categories[index], SMALL, room)
        half = _width(shown, SMALL) / 2
        x = min(max(frame.cx(index), half + 2), WIDTH - half - 2)
        parts.append(
            _text(x, y, shown, size=SMALL, anchor="middle", fill=INK, cls="chart__category", full=full)
        )
    parts.append("</g>")
    return parts, y + 8


def _zones_vertical(frame: _Frame, bands: Sequence[Band], placed: list[_Box]) -> tuple[list[str], list[str]]:
    """Bands behind the data, their labels above it (top left inside the band)."""
    back, front = [], []
    for band in bands:
        y_high, y_low = sorted((frame.y(band.high), frame.y(band.low)))
        back.append('<g class="chart__band">')
        back.append(_rect(frame.left, y_high, frame.right - frame.left, y_low - y_high, fill=BAND_FILL))
        for y in (y_high, y_low):
            back.append(_line(frame.left, y, frame.right, y, INK_SOFT, dash="1 3"))
        back.append("</g>")
        inside = y_low - y_high >= SMALL + 6
        candidates = [
            (frame.left + 4, y_high + SMALL + 2 if inside else y_high - 4, "start"),
            (frame.left + 4, y_low - 4 if inside else y_low + SMALL + 2, "start"),
        ]
        front.append(_placed_label(band.label, candidates, placed, cls="chart__band-label"))
    return back, front


def _markers_vertical(
    frame: _Frame, markers: Sequence[Marker], placed: list[_Box]
) -> tuple[list[str], list[str]]:
    """Dashed lines across the plot, labelled at the right end, above or below the line."""
    lines = [
        _line(frame.left, frame.y(m.value), frame.right, frame.y(m.value), INK, **MARKER_LINE)
        for m in markers
    ]
    parts = []
    for marker in sorted(markers, key=lambda m: m.value):
        y = frame.y(marker.value)
        w = _width(marker.label, SMALL)
        candidates = [(frame.right - 2, y - 5, "end"), (frame.right - 2, y + SMALL + 2, "end")]
        candidates += [(frame.right - 2 - k * (w + 8), y - 5, "end") for k in range(1, 4)]
        parts.append(_placed_label(marker.label, candidates, placed, cls="chart__marker-label"))
    return lines, parts


def _vertical_bars(
    ids: _Ids,
    categories: list[str],
    series: list[Series],
    scale: _Scale,
    stacked: bool,
    bands: Sequence[Band],
    markers: Sequence[Marker],
    tick_format: TickFormat,
) -> tuple[str, float]:
    legend, legend_bottom = _legend([_bar_swatch(ids, i) for i in range(len(series))], series, MARGIN)
    frame, grid = _vertical_frame(len(categories), scale, tick_format, legend_bottom)
    placed: list[_Box] = []
    zones_back, zones_front = _zones_vertical(frame, bands, placed)
    mark_lines, mark_labels = _markers_vertical(frame, markers, placed)

    per_group = 1 if stacked else len(series)
    group = min(frame.slot * (0.7 if per_group == 1 else 0.84), (48.0 if stacked else 36.0) * per_group)
    bar = group / per_group
    bars, values = [], []
    for index in range(len(categories)):
        x0 = frame.cx(index) - group / 2
        base = 0.0
        for k, s in enumerate(series):
            value = s.values[index]
            x = x0 if stacked else x0 + k * bar
            y_top, y_bottom = frame.y(base + value), frame.y(base)
            height = y_bottom - y_top
            if height > 0:
                bars.append(_bar(ids, k, x, y_top, bar, height))
            if stacked:
                base += value
                if height >= SMALL + 2:
                    values.append(
                        (x + bar / 2, (y_top + y_bottom) / 2 + SMALL * 0.35, s.labels[index], frame.slot)
                    )
            else:
                values.append((x + bar / 2, y_top - 4, s.labels[index], frame.slot))
    labels = [_value_label(x, y, label, placed, limit) for x, y, label, limit in values]
    axis, bottom = _category_axis(frame, categories)
    body = [
        *legend,
        *zones_back,
        *grid,
        '<g class="chart__bars">',
        *bars,
        "</g>",
        _baseline(frame),
        *mark_lines,
        '<g class="chart__values">',
        *labels,
        "</g>",
        *zones_front,
        *mark_labels,
        *axis,
    ]
    return "".join(body), bottom


# --- horizontal bars (themes, long names) ----------------------------------------------------


def _horizontal_bars(
    ids: _Ids,
    categories: list[str],
    series: list[Series],
    scale: _Scale,
    stacked: bool,
    bands: Sequence[Band],
    markers: Sequence[Marker],
    tick_format: TickFormat,
) -> tuple[str, float]:
    """A row per category: its name on a line of its own, the bars under it (long names fit)."""
    legend, y = _legend([_bar_swatch(ids, i) for i in range(len(series))], series, MARGIN)
    tick_labels = [tick_format(t) for t in scale.ticks]
    left = MARGIN + _width(tick_labels[0], SMALL) / 2
    right = WIDTH - MARGIN - _width(tick_labels[-1], SMALL) / 2

    def x_of(value: float) -> float:
        return left + scale.ratio(value) * (right - left)

    strip_y = y + 2
    front, marker_rows, rows = _label_strip(bands, markers, x_of, strip_y)
    row_height = SMALL + 6
    y = plot_top = strip_y + rows * row_height

    bar_height = 18 if stacked or len(series) == 1 else 14
    per_group = 1 if stacked else len(series)
    placed: list[_Box] = []
    names, bars, values = [], [], []
    y += 6
    for index, category in enumerate(categories):
        lines, full = _wrap(category, FONT, WIDTH - MARGIN - left, 2)
        names.append(_lines_text(left, y + FONT, lines, FONT, FONT + 3, "start", full, cls="chart__category"))
        y += len(lines) * (FONT + 3) + 3
        base = 0.0
        for k, s in enumerate(series):
            value = s.values[index]
            y_bar = y if stacked else y + k * (bar_height + 3)
            x0, x1 = x_of(base), x_of(base + value)
            if x1 > x0:
                bars.append(_bar(ids, k, x0, y_bar, x1 - x0, bar_height))
            text_y = y_bar + bar_height / 2 + SMALL * 0.35
            label = s.labels[index]
            if stacked:
                base += value
                if _width(label, SMALL) + 6 <= x1 - x0:
                    values.append(_value_label((x0 + x1) / 2, text_y, label, placed, x1 - x0))
            elif x1 + 4 + _width(label, SMALL) <= WIDTH - MARGIN:
                values.append(_value_label(x1 + 4, text_y, label, placed, WIDTH, anchor="start"))
            else:
                values.append(_value_label(x1 - 4, text_y, label, placed, WIDTH, anchor="end"))
        y += bar_height if stacked else per_group * (bar_height + 3) - 3
        y += 10
    plot_bottom = y

    back = []
    for band in bands:
        x0, x1 = sorted((x_of(band.low), x_of(band.high)))
        back.append('<g class="chart__band">')
        back.append(_rect(x0, plot_top, x1 - x0, plot_bottom - plot_top, fill=BAND_FILL))
        back += [_line(x, plot_top, x, plot_bottom, INK_SOFT, dash="1 3") for x in (x0, x1)]
        back.append("</g>")
    grid = ['<g class="chart__grid">']
    for tick, label in zip(scale.ticks, tick_labels, strict=True):
        x = x_of(tick)
        grid.append(_line(x, plot_top, x, plot_bottom, LINE if tick > 0 else INK_SOFT))
        grid.append(_text(x, plot_bottom + SMALL + 4, label, size=SMALL, anchor="middle", fill=INK_SOFT))
    grid.append("</g>")
    marks = [
        _line(x_of(m.value), strip_y + row * row_height, x_of(m.value), plot_bottom, INK, **MARKER_LINE)
        for m, row in zip(markers, marker_rows, strict=True)
    ]
    body = [
        *legend,
        *back,
        *grid,
        '<g class="chart__categories">',
        *names,
        "</g>",
        '<g class="chart__bars">',
        *bars,
        "</g>",
        *marks,
        '<g class="chart__values">',
        *values,
        "</g>",
        *front,
    ]
    return "".join(body), plot_bottom + SMALL + 12


def _label_strip(
    bands: Sequence[Band], markers: Sequence[Marker], x_of: Callable[[float], float], top: float
) -> tuple[list[str], list[int], int]:
    """Horizontal bars: marker labels (beside their line) and band labels (over the band's
    middle) in a strip above the plot, on as many rows as it takes for none to overlap.

    Returns the labels, the row of each marker's label (its line starts there) and the rows.
    """
    notes = []
    for m in markers:
        x, w = x_of(m.value), _width(m.label, SMALL)
        anchored = (x + 4, "start") if x + 4 + w <= WIDTH - MARGIN else (x - 4, "end")
        notes.append((*anchored, m.label, "chart__marker-label"))
    for b in bands:
        w = _width(b.label, SMALL)
        x = min(max(x_of((b.low + b.high) / 2), MARGIN + w / 2), WIDTH - MARGIN - w / 2)
        notes.append((x, "middle", b.label, "chart__band-label"))
    rows: list[list[_Box]] = []
    texts, marker_rows = [], []
    for x, anchor, label, cls in notes:
        box = _label_box(x, 0, label, anchor)
        row = next(
            (r for r, boxes in enumerate(rows) if not any(_overlap(box, b, 6) for b in boxes)), len(rows)
        )
        if row == len(rows):
            rows.append([])
        rows[row].append(box)
        y = top + (row + 1) * (SMALL + 6) - 5
        texts.append(_text(x, y, label, size=SMALL, anchor=anchor, fill=INK, halo=True, cls=cls))
        if cls == "chart__marker-label":
            marker_rows.append(row)
    return texts, marker_rows, len(rows)


# --- lines ----------------------------------------------------------------------------------


def _lines(
    categories: list[str],
    series: list[Series],
    scale: _Scale,
    bands: Sequence[Band],
    markers: Sequence[Marker],
    tick_format: TickFormat,
) -> tuple[str, float]:
    legend, legend_bottom = _legend([_line_swatch(i) for i in range(len(series))], series, MARGIN)
    frame, grid = _vertical_frame(len(categories), scale, tick_format, legend_bottom)
    radius = 4.5 if frame.slot >= 14 else 3.0
    # No label covers a point: band and marker labels move aside, value labels are skipped.
    placed: list[_Box] = [
        (frame.cx(i) - radius, frame.y(v) - radius, frame.cx(i) + radius, frame.y(v) + radius)
        for s in series
        for i, v in enumerate(s.values)
    ]
    zones_back, zones_front = _zones_vertical(frame, bands, placed)
    mark_lines, mark_labels = _markers_vertical(frame, markers, placed)

    paths, points, labels = [], [], []
    for k, s in enumerate(series):
        coords = [(frame.cx(i), frame.y(v)) for i, v in enumerate(s.values)]
        colour = _colour(k)
        attrs = {
            "class": "chart__line",
            "points": " ".join(f"{_n(x)},{_n(y)}" for x, y in coords),
            "fill": "none",
            "stroke": colour,
            "stroke-width": 2.5,
            "stroke-linejoin": "round",
            "stroke-dasharray": DASHES[k % len(DASHES)],
        }
        paths.append(_open("polyline", **attrs, close=True))
        points.append(f'<g class="chart__points">{"".join(_shape(k, x, y, radius) for x, y in coords)}</g>')
    # Value labels overlap nothing and stay in the plot; in the series' colour, on the side
    # away from the other lines where there is room.
    bounds = (0, frame.top - SMALL - 6, WIDTH, frame.bottom - 1)
    for k, s in enumerate(series):
        for i, v in enumerate(s.values):
            x, y = frame.cx(i), frame.y(v)
            above, below = (x, y - radius - 6, "middle"), (x, y + radius + SMALL, "middle")
            others = [o.values[i] for o in series if o is not s]
            lowest = bool(others) and all(v < o for o in others)
            candidates = [below, above] if lowest else [above, below]
            labels.append(_first_free(s.labels[i], candidates, placed, WIDTH, bounds, _colour(k)) or "")
    axis, bottom = _category_axis(frame, categories)
    body = [
        *legend,
        *zones_back,
        *grid,
        _baseline(frame),
        *mark_lines,
        *paths,
        *points,
        '<g class="chart__values">',
        *labels,
        "</g>",
        *zones_front,
        *mark_labels,
        *axis,
    ]
    return "".join(body), bottom


# --- heatmap --------------------------------------------------------------------------------


HEAD_LEVELS = 4  # heatmap column names: at most this many staggered rows


def _grid(
    rows: list[str],
    columns: list[str],
    values: Sequence[Sequence[float]],
    labels: Sequence[Sequence[str]],
    max_value: float | None,
) -> tuple[str, float, float]:
    """Row names on the left (up to four lines), column names on top, nothing rotated.

    The cells share the standard width. A column name sits centred over its column, or when
    its neighbours leave no room, on a higher row with a short line leading down to its column
    (`_place_heads`). When the names or the cell labels cannot be legible that way, the cells
    widen and the drawing grows wider than `WIDTH` (the page scrolls it). Returns the body,
    its width and its height.
    """
    line_height = SMALL + 3
    narrowest = max(_widest_word(r, FONT) for r in rows) + 8  # row names on up to four lines
    smallest_cell = max(40.0, max(_width(lab, SMALL) for row in labels for lab in row) + 10)
    for label_width, cell_width in _grid_sizes(rows, len(columns), narrowest, smallest_cell):
        width = max(WIDTH, 2 * MARGIN + label_width + cell_width * len(columns))
        centres = [MARGIN + label_width + (j + 0.5) * cell_width for j in range(len(columns))]
        heads = [_wrap(c, SMALL, max(cell_width - 4, _widest_word(c, SMALL)), 3) for c in columns]
        blocks = [(max(_width(line, SMALL) for line in lines), lines, full) for lines, full in heads]
        spots = _place_heads([w for w, _, _ in blocks], centres, width)
        if spots is not None:
            break

    levels = max(level for _, level in spots) + 1
    level_height = max(len(lines) for _, lines, _ in blocks) * line_height + 6
    top = MARGIN + levels * level_height
    parts = ['<g class="chart__columns">']
    for (w, lines, full), (x0, level), centre in zip(blocks, spots, centres, strict=True):
        last = top - 8 - level * level_height
        first = last - (len(lines) - 1) * line_height
        parts.append(_lines_text(x0 + w / 2, first, lines, SMALL, line_height, "middle", full))
        if level:
            parts.append(_line(centre, last + 5, centre, top - 2, INK_SOFT))
    parts.append("</g>")

    highest = max((v for row in values for v in row), default=0)
    peak = max_value if max_value and max_value >= highest else highest or 1
    cells, names = [], []
    y = top
    for i, row in enumerate(rows):
        lines, full = _wrap(row, FONT, label_width - 8, 4)
        height = max(34.0, len(lines) * (FONT + 3) + 10)
        first = y + height / 2 - (len(lines) - 1) * (FONT + 3) / 2 + FONT * 0.35
        names.append(_lines_text(MARGIN, first, lines, FONT, FONT + 3, "start", full))
        for j in range(len(columns)):
            x = MARGIN + label_width + j * cell_width
            fill = _mix(HEAT_LOW, HEAT_HIGH, min(values[i][j] / peak, 1.0))
            ink = HEAT_TEXT if _contrast(fill, HEAT_TEXT) >= _contrast(fill, SURFACE) else SURFACE
            rect = _rect(x, y, cell_width, height, fill=fill, stroke=SURFACE, stroke_width=2)
            mid = y + height / 2 + SMALL * 0.35
            text = _text(x + cell_width / 2, mid, labels[i][j], size=SMALL, anchor="middle", fill=ink)
            cells.append(f'<g class="chart__cell">{rect}{text}</g>')
        y += height
    parts += ['<g class="chart__rows">', *names, "</g>", '<g class="chart__cells">', *cells, "</g>"]
    return "".join(parts), width, y + MARGIN


def _grid_sizes(rows: list[str], count: int, narrowest: float, smallest_cell: float):
    """Row-name and cell widths to try: the standard width with roomy then narrow row names,
    then ever wider cells (once every column name fits its own column, the placing succeeds)."""
    roomy = max(narrowest, min(WIDTH * 0.3, max(_width(r, FONT) for r in rows) + 8))
    for label_width in dict.fromkeys((roomy, narrowest)):
        cell_width = (WIDTH - 2 * MARGIN - label_width) / count
        if cell_width >= smallest_cell:
            yield label_width, cell_width
    cell_width = smallest_cell
    while True:
        yield narrowest, cell_width
        cell_width += 8


def _place_heads(widths: list[float], centres: list[float], width: float) -> list[tuple[float, int]] | None:
    """Where each column name goes: (left x, row) with row 0 next to the cells, or None.

    Left to right, each name takes the lowest row where it overlaps no other name, no leading
    line crosses it and its own leading line crosses no name below. On row 0 it is centred
    (no leading line: it must sit over its column); higher up it may also start or end at
    its leading line.
    """
    boxes: list[tuple[int, float, float]] = []  # row, x0, x1
    leaders: list[tuple[int, float]] = []  # row, x
    spots = []
    for w, c in zip(widths, centres, strict=True):
        for level in range(HEAD_LEVELS):
            # Higher up, ending at the leading line first: the room on the right is for the
            # columns still to come.
            starts = [c - w / 2] if level == 0 else [c + 6 - w, c - w / 2, c - 6]
            spot = None
            for x0 in starts:
                x0 = min(max(x0, MARGIN), width - MARGIN - w)
                x1 = x0 + w
                if (
                    x0 - 2 <= c <= x1 + 2
                    and not any(r == level and x0 < b1 + 10 and b0 < x1 + 10 for r, b0, b1 in boxes)
                    and not any(r > level and x0 - 3 <= lx <= x1 + 3 for r, lx in leaders)
                    and not (level and any(r < level and b0 - 3 <= c <= b1 + 3 for r, b0, b1 in boxes))
                ):
                    spot = x0
                    break
            if spot is not None:
                boxes.append((level, spot, spot + w))
                if level:
                    leaders.append((level, c))
                spots.append((spot, level))
                break
        else:
            return None
    return spots


def _widest_word(text: str, size: float) -> float:
    return max((_width(word, size) for word in text.split()), default=0.0)


# --- legend, swatches, patterns, shapes --------------------------------------------------------


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _legend(swatches: list[str], series: list[Series], top: float) -> tuple[list[str], float]:
    """Swatch and name per series, flowing left to right and wrapping to the next row."""
    row_height = FONT + 8
    x, y = MARGIN, top
    parts = ['<g class="chart__legend">']
    for swatch, s in zip(swatches, series, strict=True):
        shown, full = _fit(s.name, FONT, WIDTH - 2 * MARGIN - 30)
        width = 26 + _width(shown, FONT)
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x, y = MARGIN, y + row_height
        parts.append(f'<g class="chart__legend-item" transform="translate({_n(x)} {_n(y)})">{swatch}')
        parts.append(_text(26, FONT - 1, shown, size=FONT, fill=INK, cls="chart__legend-label", full=full))
        parts.append("</g>")
        x += width + 16
    parts.append("</g>")
    return parts, y + row_height


def _bar_swatch(ids: _Ids, index: int) -> str:
    return _rect(1, 0, 18, 14, fill=f"url(#{ids.pattern(index)})", stroke=_colour(index), stroke_width=1.5)


def _line_swatch(index: int) -> str:
    colour = _colour(index)
    line = _line(0, 7, 20, 7, colour, dash=DASHES[index % len(DASHES)], width=2.5)
    return line + _shape(index, 10, 7, 4.5)


def _bar(ids: _Ids, index: int, x: float, y: float, width: float, height: float) -> str:
    return _rect(
        x,
        y,
        width,
        height,
        fill=f"url(#{ids.pattern(index)})",
        stroke=_colour(index),
        stroke_width=1.5,
        cls="chart__bar",
    )


def _pattern(pattern_id: str, index: int) -> str:
    """Solid, diagonal hatch, dots, cross-hatch, horizontal stripes: told apart without colour."""
    colour = _colour(index)
    kind = PATTERNS[index % len(PATTERNS)]
    attrs = {"id": pattern_id, "patternUnits": "userSpaceOnUse", "width": 8, "height": 8}
    if kind in ("hatch", "crosshatch"):
        attrs["patternTransform"] = "rotate(45)"
    if kind == "solid":
        inner = _rect(0, 0, 8, 8, fill=colour)
    elif kind == "hatch":
        inner = _rect(0, 0, 8, 8, fill=SURFACE) + _rect(0, 0, 4, 8, fill=colour)
    elif kind == "dots":
        inner = _rect(0, 0, 8, 8, fill=SURFACE) + f'<circle cx="4" cy="4" r="2.2" fill="{colour}"/>'
    elif kind == "stripes":  # horizontal
        inner = _rect(0, 0, 8, 8, fill=SURFACE) + _rect(0, 0, 8, 3, fill=colour)
    else:
        inner = (
            _rect(0, 0, 8, 8, fill=SURFACE)
            + _rect(0, 0, 8, 2.5, fill=colour)
            + _rect(0, 0, 2.5, 8, fill=colour)
        )
    return (
        f"{_open('pattern', **attrs, **{'class': f'chart__pattern chart__pattern--{kind}'})}{inner}</pattern>"
    )


def _shape(index: int, x: float, y: float, r: float) -> str:
    colour = _colour(index)
    common = f'fill="{colour}" stroke="{SURFACE}" stroke-width="1"'
    kind = SHAPES[index % len(SHAPES)]
    if kind == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {common}/>'
    if kind == "square":
        s = r * 0.9
        return f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}" {common}/>'
    if kind == "triangle":
        t = r * 1.2
        points = f"{_n(x)},{_n(y - t)} {_n(x + t)},{_n(y + t * 0.8)} {_n(x - t)},{_n(y + t * 0.8)}"
    elif kind == "diamond":
        t = r * 1.25
        points = f"{_n(x)},{_n(y - t)} {_n(x + t)},{_n(y)} {_n(x)},{_n(y + t)} {_n(x - t)},{_n(y)}"
    else:  # a triangle pointing down
        t = r * 1.2
        points = f"{_n(x - t)},{_n(y - t * 0.8)} {_n(x + t)},{_n(y - t * 0.8)} {_n(x)},{_n(y + t)}"
    return f'<polygon points="{points}" {common}/>'


# --- labels ---------------------------------------------------------------------------------

_Box = tuple[float, float, float, float]


def _label_box(x: float, y: float, label: str, anchor: str, size: float = SMALL) -> _Box:
    w = _width(label, size)
    x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return (x0, y - size * 0.8, x0 + w, y + size * 0.25)


def _overlap(a: _Box, b: _Box, pad: float = 2) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _first_free(
    label: str,
    candidates: list[tuple[float, float, str]],
    placed: list[_Box],
    limit: float,
    bounds: _Box = (0, 0, WIDTH, math.inf),
    fill: str = INK,
) -> str | None:
    """The label at the first position inside `bounds` that overlaps nothing placed, or None."""
    if not label or _width(label, SMALL) > limit:
        return None
    for x, y, anchor in candidates:
        box = _label_box(x, y, label, anchor)
        inside = bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3]
        if inside and not any(_overlap(box, b) for b in placed):
            placed.append(box)
            return _text(x, y, label, size=SMALL, anchor=anchor, fill=fill, halo=True, cls="chart__value")
    return None


def _value_label(
    x: float, y: float, label: str, placed: list[_Box], limit: float, anchor: str = "middle"
) -> str:
    return _first_free(label, [(x, y, anchor)], placed, limit) or ""


def _placed_label(
    label: str, candidates: list[tuple[float, float, str]], placed: list[_Box], cls: str
) -> str:
    """A band or marker label: always drawn, at the first free position (else the first)."""
    for x, y, anchor in candidates:
        box = _label_box(x, y, label, anchor)
        if box[0] >= 0 and not any(_overlap(box, b) for b in placed):
            break
    else:
        x, y, anchor = candidates[0]
        box = _label_box(x, y, label, anchor)
    placed.append(box)
    return _text(x, y, label, size=SMALL, anchor=anchor, fill=INK, halo=True, cls=cls)


# --- text -----------------------------------------------------------------------------------

# Advance widths (em) close to DejaVu Sans, the widest common fallback: estimates err wide,
# so labels that might touch are skipped rather than drawn over each other.
_NARROW = set("ijlI.,:;|!'’ \u00a0\u202f")
_SEMI = set("ftrJ()[]-/")
_WIDE = set("mwMW%@&<>…ÆŒæœ—")


def _width(text: str, size: float) -> float:
    """An estimate of the rendered width: the server has no font metrics."""
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += 0.32
        elif ch in _SEMI:
            total += 0.42
        elif ch in _WIDE:
            total += 0.96
        elif ch.isupper():
            total += 0.74
        else:
            total += 0.64
    return total * size


def _fit(text: str, size: float, room: float) -> tuple[str, str | None]:
    """The text cut with an ellipsis to fit `room`, and the full text when it was cut."""
    if _width(text, size) <= room:
        return text, None
    cut = text
    while cut and _width(cut + "…", size) > room:
        cut = cut[:-1]
    return cut.rstrip() + "…", text


def _wrap(text: str, size: float, room: float, max_lines: int) -> tuple[list[str], str | None]:
    """Words on up to `max_lines` lines of `room`; the last line cut when more remains."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and _width(f"{line} {words[0]}", size) <= room:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = f"{lines[-1]} {' '.join(words)}"
    cut = False
    for i, line in enumerate(lines):
        lines[i], full = _fit(line, size, room)
        cut = cut or full is not None
    return lines or [""], text if cut else None


def _lines_text(
    x: float,
    y: float,
    lines: list[str],
    size: float,
    step: float,
    anchor: str,
    full: str | None,
    cls: str | None = None,
) -> str:
    """A text of one `<tspan>` per line (with a halo), the full text in a `<title>` when cut."""
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(y + i * step)}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    title = f"<title>{escape(full)}</title>" if full else ""
    attrs = {
        "class": cls,
        "font-size": size,
        "fill": INK,
        "text-anchor": None if anchor == "start" else anchor,
    }
    return f"{_open('text', **attrs, **HALO)}{title}{spans}</text>"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float,
    fill: str,
    anchor: str = "start",
    halo: bool = False,
    cls: str | None = None,
    full: str | None = None,
) -> str:
    attrs = {
        "class": cls,
        "x": x,
        "y": y,
        "font-size": size,
        "fill": fill,
        "text-anchor": None if anchor == "start" else anchor,
        **(HALO if halo else {}),
    }
    title = f"<title>{escape(full)}</title>" if full else ""
    return f"{_open('text', **attrs)}{title}{escape(content)}</text>"


# --- svg primitives ---------------------------------------------------------------------------


def _open(tag: str, close: bool = False, **attrs: object) -> str:
    """`<tag a="v"…>` with every value escaped; None leaves the attribute out."""
    text = "".join(
        f' {name}="{escape(_n(v) if isinstance(v, float | int) else v)}"'
        for name, v in attrs.items()
        if v is not None
    )
    return f"<{tag}{text}{'/' if close else ''}>"


def _rect(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: str,
    stroke: str | None = None,
    stroke_width: float | None = None,
    cls: str | None = None,
) -> str:
    return _open(
        "rect", close=True, x=x, y=y, width=width, height=height, fill=fill, stroke=stroke,
        **{"stroke-width": stroke_width, "class": cls},
    )  # fmt: skip


def _line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    stroke: str,
    *,
    dash: str | None = None,
    width: float = 1,
    cls: str | None = None,
) -> str:
    return _open(
        "line", close=True, x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke,
        **{"stroke-width": width, "stroke-dasharray": dash, "class": cls},
    )  # fmt: skip


def _n(value: float) -> str:
    """A coordinate with at most one decimal: short markup, no "-0"."""
    rounded = round(float(value), 1)
    if rounded == 0:
        return "0"
    return str(int(rounded)) if rounded.is_integer() else str(rounded)


# --- colour ---------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mix(low: str, high: str, t: float) -> str:
    a, b = _rgb(low), _rgb(high)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
