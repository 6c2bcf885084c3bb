"""Accessible charts of one data series, drawn on the server as self-contained SVG.

A chart is returned with its words: a plain-language summary for the SVG's ``<desc>``
and rows for an HTML table beside it. The SVG has no script, no link, no stylesheet
and no web font; text and lines use ``currentColor`` so they follow the page's theme,
every mark carries its value as text, and unknown values are shown as gaps, never as 0.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from .graphemes import truncate
from .series import InvalidSeries, Point, Series, format_number, parse_csv, to_csv

__all__ = [
    "MARK_FILL",
    "Chart",
    "ChartLabels",
    "InvalidSeries",
    "Point",
    "Series",
    "bar_chart",
    "format_number",
    "line_chart",
    "parse_csv",
    "to_csv",
]

MARK_FILL = "#1f5fa8"
"""Fill of bars and dots: contrast 6.4:1 against white and 3.3:1 against black."""

_FONT_SIZE = 12.0
_SMALL_FONT_SIZE = 10.0
_AXIS_LABEL_LENGTH = 16  # graphemes; longer category labels are cut on the axis only
_XML_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_LABEL_FIELDS = {
    "bar_summary": ("title", "first", "last"),
    "line_summary": ("title", "first", "last"),
    "highest": ("value", "label"),
    "missing": ("count", "total"),
    "point_title": ("label", "value"),
}


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The English sentences of a chart, as ``str.format`` templates a caller may translate."""

    bar_summary: str = "Bar chart of {title}, {first} to {last}."
    line_summary: str = "Line chart of {title}, {first} to {last}."
    highest: str = "Highest: {value} in {label}."
    missing: str = "{count} of {total} have no data."
    point_title: str = "{label}: {value}"

    def __post_init__(self) -> None:
        for item in fields(self):
            template = getattr(self, item.name)
            try:
                template.format(**dict.fromkeys(_LABEL_FIELDS[item.name], ""))
            except (AttributeError, IndexError, KeyError, ValueError) as exc:
                raise InvalidSeries(
                    f"ChartLabels.{item.name} {template!r} may only use the fields"
                    f" {', '.join(_LABEL_FIELDS[item.name])}: {exc!r}"
                ) from None


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart plus the words that make it accessible without seeing it."""

    svg: str
    title_id: str
    desc_id: str
    summary: str
    table_rows: tuple[tuple[str, str], ...]


# ---------------------------------------------------------------- numbers and text


def _tick_texts(ticks: list[float]) -> list[str]:
    """Format axis ticks with the fewest decimals that tells them apart."""
    for decimals in range(7):
        if all(abs(round(tick, decimals) - tick) <= 1e-9 * ticks[-1] for tick in ticks):
            return [f"{tick:,.{decimals}f}" if tick else "0" for tick in ticks]
    return [f"{tick:.3g}" for tick in ticks]


def _nice_ceiling(value: float) -> tuple[float, int]:
    """Round *value* up to 1, 2, 2.5 or 5 x 10^n; return it and a good number of intervals."""
    if value <= 0:
        return 1.0, 5
    base = 10.0 ** math.floor(math.log10(value))
    for mantissa, intervals in ((1, 5), (2, 4), (2.5, 5), (5, 5), (10, 5)):
        top = mantissa * base
        if top >= value * (1 - 1e-12):
            return (top if math.isfinite(top) else value), intervals
    return value, 5  # 10 x base underflowed: *value* is subnormal


def _text_width(text: str, size: float) -> float:
    """Estimate rendered width: wide (CJK) glyphs 1em, combining marks 0, others 0.6em."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    marks = sum(unicodedata.combining(ch) > 0 for ch in text)
    return (0.6 * (len(text) - wide - marks) + wide) * size


def _esc(text: str) -> str:
    """Escape text for XML, replacing characters XML 1.0 cannot hold."""
    return html.escape(_NOT_XML_CHAR.sub("\ufffd", text), quote=True)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _tag(name: str, attrs: Mapping[str, str | float], body: str = "") -> str:
    """Return an element; *body* is markup, so callers escape text with :func:`_esc`."""
    rendered = "".join(
        f' {key}="{_esc(value if isinstance(value, str) else _num(value))}"'
        for key, value in attrs.items()
    )
    return f"<{name}{rendered}>{body}</{name}>" if body else f"<{name}{rendered}/>"


def _text(x: float, y: float, content: str, **attrs: str | float) -> str:
    """Return one ``<text>`` element, so each label's bidirectional text stays contained."""
    position: dict[str, str | float] = {"x": x, "y": y}
    extra = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return _tag("text", position | extra, _esc(content))


# ---------------------------------------------------------------- rendering


class _Plot:
    """The values of one chart as text, and where each piece goes in the SVG.

    Margins are sized from estimated text widths and capped so the plot keeps most room;
    category labels turn to -45 degrees (and thin out) and value labels turn upright
    when they do not fit side by side.
    """

    def __init__(
        self, series: Series, width: int, height: int, fmt: Callable[[float], str] | None
    ) -> None:
        points, size = series.points, _FONT_SIZE
        self.values = [None if p.value is None else (fmt or format_number)(p.value) for p in points]
        self.top_value, intervals = _nice_ceiling(max(p.value or 0.0 for p in points))
        self.ticks = [self.top_value / intervals * step for step in range(intervals + 1)]
        self.tick_texts = [fmt(tick) for tick in self.ticks] if fmt else _tick_texts(self.ticks)
        self.labels = [truncate(point.label, _AXIS_LABEL_LENGTH) for point in points]
        self.right = width - 12.0
        self.left = min(max(_text_width(text, size) for text in self.tick_texts) + 14, width * 0.35)
        label_width = max(_text_width(label, size) for label in self.labels)
        slot = (self.right - self.left) / len(points)
        self.rotated = label_width > slot * 0.9
        if self.rotated:  # a label at -45 degrees hangs left of its point: keep it inside
            hang = _text_width(self.labels[0], size) * 0.71 - slot / 2 + 4
            self.left = min(max(self.left, hang), width * 0.35)
        self.slot = (self.right - self.left) / len(points)
        self.every = max(1, math.ceil(size * 1.5 / self.slot)) if self.rotated else 1
        value_width = max((_text_width(v, size) for v in self.values if v), default=0.0)
        self.upright = value_width > self.slot * 0.95
        top = 8 + (size + 8 if series.unit else 0) + (value_width if self.upright else size) + 6
        self.top = min(top, height * 0.3)
        below = label_width * 0.71 + size + 10 if self.rotated else size + 12
        self.baseline = height - min(below, height * 0.4)

    def x(self, index: int) -> float:
        return self.left + (index + 0.5) * self.slot

    def y(self, value: float) -> float:
        return self.baseline - value / self.top_value * (self.baseline - self.top)

    def hline(self, y: float, **attrs: str) -> str:
        ends: dict[str, str | float] = {"x1": self.left, "y1": y, "x2": self.right, "y2": y}
        return _tag("line", ends | attrs)

    def axes(self) -> str:
        """Return gridlines with their values, and the category labels under the baseline."""
        grid = "".join(self.hline(self.y(tick)) for tick in self.ticks[1:])
        y_labels = "".join(
            _text(self.left - 6, self.y(tick) + 4, text)
            for tick, text in zip(self.ticks, self.tick_texts, strict=True)
        )
        y, x_labels = self.baseline + _FONT_SIZE + 4, []
        for index in range(0, len(self.labels), self.every):
            x, label = self.x(index), self.labels[index]
            turn = f"rotate(-45 {_num(x)} {_num(y - 6)})" if self.rotated else ""
            x_labels.append(_text(x, y, label, transform=turn) if turn else _text(x, y, label))
        anchor = "end" if self.rotated else "middle"
        return (
            _tag("g", {"class": "grid", "stroke": "currentColor", "stroke-opacity": "0.3"}, grid)
            + _tag("g", {"class": "y-axis", "text-anchor": "end"}, y_labels)
            + _tag("g", {"class": "x-axis", "text-anchor": anchor}, "".join(x_labels))
        )

    def value_label(self, kind: str, points: tuple[Point, ...], index: int, value: str) -> str:
        """Write a value by its mark: above it, or where a line does not cross it."""
        x, y = self.x(index), self.y(points[index].value or 0.0)
        above = y - (8 if kind == "line" else 5)
        if self.upright:
            return _text(x + 4, above, value, transform=f"rotate(-90 {_num(x + 4)} {_num(above)})")
        if kind == "bar" or not _dips(points, index):
            return _text(x, above, value, text_anchor="middle")
        if y + 20 < self.baseline:  # under a dip
            return _text(x, y + 18, value, text_anchor="middle")
        if index + 1 < len(points) and points[index + 1].value is None:  # a gap on the right
            return _text(x + 7, y + 4, value, text_anchor="start")
        if index > 0 and points[index - 1].value is None:  # a gap on the left
            return _text(x - 7, y + 4, value, text_anchor="end")
        return _text(x, above, value, text_anchor="middle")

    def marks(self, kind: str, points: tuple[Point, ...], no_data: str, labels: ChartLabels) -> str:
        """Return the marks, their value labels, lines between known points and gap notes."""
        marks, texts, gaps, runs = [], [], [], [list[str]()]
        narrow = _text_width(no_data, _SMALL_FONT_SIZE) > self.slot * 0.95
        for index, (point, value) in enumerate(zip(points, self.values, strict=True)):
            x, bottom = self.x(index), self.baseline - 4
            if point.value is None or value is None:
                runs.append([])  # an unknown value breaks the line
                turn = f"rotate(-90 {_num(x + 3.5)} {_num(bottom)})"
                gaps.append(
                    _text(x + 3.5, bottom, no_data, transform=turn)
                    if narrow
                    else _text(x, bottom, no_data, text_anchor="middle")
                )
                continue
            y = self.y(point.value)
            hover = labels.point_title.format(label=point.label, value=value)
            title = _tag("title", {}, _esc(f"{hover}\n{point.note}" if point.note else hover))
            if kind == "bar":
                box = {"x": x - self.slot * 0.35, "y": y, "width": self.slot * 0.7}
                marks.append(
                    _tag("rect", {"class": "mark"} | box | {"height": self.baseline - y}, title)
                )
            else:
                runs[-1].append(f"{_num(x)},{_num(y)}")
                marks.append(_tag("circle", {"class": "mark", "cx": x, "cy": y, "r": 4}, title))
            texts.append(self.value_label(kind, points, index, value))
        lines = "".join(_tag("polyline", {"points": " ".join(run)}) for run in runs if len(run) > 1)
        line_style = {"fill": "none", "stroke": MARK_FILL, "stroke-width": "2.5"}
        return (
            _tag("g", {"class": "lines"} | line_style, lines)
            + _tag(
                "g", {"class": "marks", "fill": MARK_FILL, "stroke": "currentColor"}, "".join(marks)
            )
            + _tag("g", {"class": "values"}, "".join(texts))
            + _tag("g", {"class": "no-data", "font-size": _SMALL_FONT_SIZE}, "".join(gaps))
        )


def _dips(points: tuple[Point, ...], index: int) -> bool:
    """Tell whether a point lies below the mean of its known neighbours."""
    around = [p.value for p in points[max(index - 1, 0) : index + 2] if p.value is not None]
    value = points[index].value
    return value is not None and value < (sum(around) - value) / max(len(around) - 1, 1)


def _summary(kind: str, series: Series, fmt: Callable[[float], str], labels: ChartLabels) -> str:
    """Describe the chart in a few sentences: what, which range, the highest, what is missing."""
    points = series.points
    template = labels.bar_summary if kind == "bar" else labels.line_summary
    sentences = [template.format(title=series.title, first=points[0].label, last=points[-1].label)]
    known = [(point.value, point.label) for point in points if point.value is not None]
    if known:
        value, label = max(known, key=lambda pair: pair[0])  # the first of equal highs
        shown = f"{fmt(value)} {series.unit}" if series.unit else fmt(value)
        sentences.append(labels.highest.format(value=shown, label=label))
    if len(known) < len(points):
        missing = len(points) - len(known)
        sentences.append(labels.missing.format(count=missing, total=len(points)))
    return " ".join(sentences)


def bar_chart(
    series: Series,
    *,
    id_prefix: str = "chart",
    width: int = 640,
    height: int = 360,
    no_data_text: str = "no data",
    number_format: Callable[[float], str] | None = None,
    labels: ChartLabels | None = None,
) -> Chart:
    """Draw *series* as vertical bars from zero, each labelled with its value."""
    return _render(series, "bar", id_prefix, width, height, no_data_text, number_format, labels)


def line_chart(
    series: Series,
    *,
    id_prefix: str = "chart",
    width: int = 640,
    height: int = 360,
    no_data_text: str = "no data",
    number_format: Callable[[float], str] | None = None,
    labels: ChartLabels | None = None,
) -> Chart:
    """Draw *series* as labelled dots from zero, joined by lines that break at unknown values."""
    return _render(series, "line", id_prefix, width, height, no_data_text, number_format, labels)


def _render(
    series: Series,
    kind: str,
    id_prefix: str,
    width: int,
    height: int,
    no_data_text: str,
    number_format: Callable[[float], str] | None,
    labels: ChartLabels | None,
) -> Chart:
    if not isinstance(series, Series):
        raise TypeError(f"expected a Series, not {type(series).__name__}")
    if not isinstance(id_prefix, str) or not _XML_ID.fullmatch(id_prefix):
        raise InvalidSeries(
            f"id_prefix {id_prefix!r} must be a letter, then letters, digits, - or _"
        )
    for name, size, low in (("width", width, 200), ("height", height, 150)):
        if isinstance(size, bool) or not isinstance(size, int) or not low <= size <= 4000:
            raise InvalidSeries(f"{name} must be an int from {low} to 4000, not {size!r}")
    negative = [point.label for point in series.points if (point.value or 0.0) < 0]
    if negative:
        raise InvalidSeries(f"charts start at zero; negative values at {', '.join(negative)}")
    labels = labels or ChartLabels()
    plot = _Plot(series, width, height, number_format)
    summary = _summary(kind, series, number_format or format_number, labels)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    unit = _text(plot.left, 8 + _FONT_SIZE, series.unit, class_="unit") if series.unit else ""
    body = (
        _tag("title", {"id": title_id}, _esc(series.title))
        + _tag("desc", {"id": desc_id}, _esc(summary))
        + plot.axes()
        + plot.marks(kind, series.points, no_data_text, labels)
        + plot.hline(plot.baseline, **{"class": "baseline", "stroke": "currentColor"})
        + unit
    )
    root: dict[str, str | float] = {
        "xmlns": "http://www.w3.org/2000/svg",
        "role": "img",
        "aria-labelledby": f"{title_id} {desc_id}",
        "viewBox": f"0 0 {width} {height}",
        "preserveAspectRatio": "xMidYMid meet",
        "class": f"campaign-chart campaign-chart-{kind}",
        "fill": "currentColor",
        "font-family": "sans-serif",
        "font-size": _FONT_SIZE,
        # Geometry (text-anchor, rotation) is laid out left to right; without this an
        # RTL page (Urdu) would flip "start" and "end" and push labels off their marks.
        # Urdu labels still read right to left inside their own <text>.
        "direction": "ltr",
    }
    rows = tuple(
        (point.label, no_data_text if value is None else value)
        for point, value in zip(series.points, plot.values, strict=True)
    )
    return Chart(_tag("svg", root, body), title_id, desc_id, summary, rows)
