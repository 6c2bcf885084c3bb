"""Data series: labelled numbers with their sources, and their CSV form.

A value may be unknown (``None``): no sourced figure exists. It stays unknown in
the CSV (an empty cell) and on charts (a gap marked "no data"), never zero.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import CampaignError

__all__ = ["InvalidSeries", "Point", "Series", "format_number", "parse_csv", "to_csv"]

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_FORMULA = re.compile("'*[=+\\-@\t\r]")  # OWASP CSV injection triggers, after any quotes
_CSV_HEADER = ("label", "value", "note", "source_url")
_COLUMNS = {name: name for name in _CSV_HEADER} | {"year": "label"}


class InvalidSeries(CampaignError):
    """A series, its CSV or a chart request is invalid; ``errors`` lists every problem."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors: list[str] = list(errors) if errors else [message]


def _is_web_url(url: str) -> bool:
    """Tell whether *url* is an absolute http(s) URL with a host and no whitespace."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _check_text(name: str, value: object) -> str:
    """Return *value* stripped of surrounding whitespace, which carries no meaning here."""
    if not isinstance(value, str):
        raise InvalidSeries(f"{name} must be a str, not {type(value).__name__}")
    return value.strip()


def _check_url(name: str, value: object) -> str:
    url = _check_text(name, value)
    if url and not _is_web_url(url):
        raise InvalidSeries(f"{name} {url!r} is not an absolute http(s) URL")
    return url


@dataclass(frozen=True, slots=True)
class Point:
    """One labelled value; ``None`` means not known or not sourced and is never drawn as 0."""

    label: str
    value: float | None
    note: str = ""
    source_url: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", _check_text("the label", self.label))
        if not self.label:
            raise InvalidSeries("the label is empty")
        value = self.value
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidSeries(f"the value must be a number, not {type(value).__name__}")
            if not math.isfinite(value):
                raise InvalidSeries(f"the value {value!r} is not a finite number")
            object.__setattr__(self, "value", float(value) + 0.0)  # also turns -0.0 into 0.0
        object.__setattr__(self, "note", _check_text("the note", self.note))
        object.__setattr__(self, "source_url", _check_url("the source URL", self.source_url))


@dataclass(frozen=True, slots=True)
class Series:
    """A titled, ordered run of points with unique labels, and where the figures come from."""

    title: str
    points: tuple[Point, ...]
    unit: str = ""
    source_url: str = ""
    source_note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", _check_text("the title", self.title))
        if not self.title:
            raise InvalidSeries("a series needs a title")
        points = tuple(self.points)
        if not points:
            raise InvalidSeries(f"the series {self.title!r} has no points")
        if not all(isinstance(point, Point) for point in points):
            raise InvalidSeries("a series holds Point instances")
        repeated = [label for label, n in Counter(p.label for p in points).items() if n > 1]
        if repeated:
            raise InvalidSeries(f"labels repeat: {', '.join(map(repr, repeated))}")
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "unit", _check_text("the unit", self.unit))
        object.__setattr__(self, "source_url", _check_url("the source URL", self.source_url))
        object.__setattr__(self, "source_note", _check_text("the source note", self.source_note))


# ---------------------------------------------------------------- CSV


def _parse_number(text: str) -> tuple[float | None, str]:
    """Return (value, "") for a CSV value cell, or (None, problem); an empty cell is None."""
    if not text:
        return None, ""
    if not _NUMBER.fullmatch(text):
        return None, f"{text!r} is not a number"
    number = float(text.replace(",", ""))
    if not math.isfinite(number):
        return None, f"{text!r} is too large"
    if number < 0:
        return None, f"{text!r} is negative"
    return number, ""


def parse_csv(text: str, *, max_rows: int = 1000) -> list[Point]:
    """Read points from CSV with a ``label`` (or ``year``), ``value``, ``note``, ``source_url``
    header, or raise one InvalidSeries listing every bad row by its spreadsheet row number.

    Empty value cells are unknown (None); "1,234" and "86.5" are numbers; a UTF-8 BOM,
    CRLF line ends and blank lines are tolerated; cells quoted by :func:`to_csv` are restored.
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, not {max_rows}")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    errors: list[str] = []
    points: list[Point] = []
    seen: dict[str, int] = {}
    columns: dict[str, int] = {}
    width = rows = 0
    try:
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                continue
            if not columns:
                columns, width = _read_header(row), len(row)
                continue
            rows += 1
            if rows > max_rows:
                raise InvalidSeries(f"the CSV has more than {max_rows} rows")
            cells = [_restore(cell.strip()) for cell in row] + [""] * (width - len(row))
            if len(row) > width or any(
                cell for index, cell in enumerate(cells) if index not in columns.values()
            ):
                errors.append(f"row {number}: it has cells outside the named columns")
                continue
            value, problem = _parse_number(cells[columns["value"]])
            if problem:
                errors.append(f"row {number}: {problem}")
            record = {name: cells[index] for name, index in columns.items()}
            try:
                point = Point(
                    record["label"], value, record.get("note", ""), record.get("source_url", "")
                )
            except InvalidSeries as exc:
                errors.append(f"row {number}: {exc}")
                continue
            if point.label in seen:
                errors.append(
                    f"row {number}: the label {point.label!r} repeats row {seen[point.label]}"
                )
            elif not problem:
                seen[point.label] = number
                points.append(point)
    except csv.Error as exc:
        raise InvalidSeries(f"the CSV cannot be read (line {reader.line_num}): {exc}") from None
    if not columns:
        raise InvalidSeries("the CSV is empty; it needs a header row and at least one row")
    if errors:
        raise InvalidSeries(f"{len(errors)} problems in the CSV: {'; '.join(errors)}", errors)
    if not points:
        raise InvalidSeries("the CSV has a header but no rows")
    return points


def _read_header(row: list[str]) -> dict[str, int]:
    """Map canonical column names to their positions; columns without a name are skipped."""
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(row):
        name = cell.strip().lower()
        if not name:
            continue
        canonical = _COLUMNS.get(name)
        if canonical is None:
            problems.append(f"unknown column {cell.strip()!r}")
        elif canonical in columns:
            problems.append(f"column {cell.strip()!r} repeats the {canonical} column")
        else:
            columns[canonical] = index
    if "label" not in columns:
        problems.append("a 'label' (or 'year') column is missing")
    if "value" not in columns:
        problems.append("a 'value' column is missing")
    if problems:
        errors = [f"header: {problem}" for problem in problems]
        raise InvalidSeries(f"the CSV header is invalid: {'; '.join(errors)}", errors)
    return columns


def _restore(cell: str) -> str:
    """Undo :func:`neutralise_cell`: drop the quote added in front of a formula trigger."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell) else cell


def neutralise_cell(cell: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    return f"'{cell}" if _FORMULA.match(cell) else cell


def to_csv(series: Series) -> str:
    """Return the points as CSV that :func:`parse_csv` reads back to equal points."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_CSV_HEADER)
    for point in series.points:
        value = "" if point.value is None else repr(point.value).removesuffix(".0")
        writer.writerow(
            (neutralise_cell(point.label), value, neutralise_cell(point.note), point.source_url)
        )
    return buffer.getvalue()


def format_number(value: float) -> str:
    """Format whole numbers without decimals, others with one (small ones with two digits)."""
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if value.is_integer():
        return f"{value:,.0f}"
    if abs(value) < 0.1:
        return f"{value:.2g}"
    return f"{value:,.1f}".removesuffix(".0")
