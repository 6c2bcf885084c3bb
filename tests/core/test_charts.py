import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ahmadi_campaign.charts import (
    MARK_FILL,
    Chart,
    ChartLabels,
    InvalidSeries,
    Point,
    Series,
    bar_chart,
    format_number,
    line_chart,
    parse_csv,
    to_csv,
)
from ahmadi_campaign.errors import CampaignError

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED_TAGS = {"svg", "title", "desc", "g", "rect", "circle", "line", "polyline", "path", "text"}
SEED = (
    ("2001", 9),
    ("2007", 5),
    ("2009", 11),
    ("2010", 86),
    ("2011", 6),
    ("2012", None),
    ("2013", 7),
    ("2014", 11),
    ("2015", 2),
    ("2016", 6),
)
RENDERERS = pytest.mark.parametrize("render", [bar_chart, line_chart], ids=["bar", "line"])
Render = Callable[..., Chart]


def _series(pairs: tuple[tuple[str, float | None], ...] = SEED, **kwargs: str) -> Series:
    title = kwargs.pop("title", "Ahmadis killed per year")
    return Series(title, tuple(Point(label, value) for label, value in pairs), **kwargs)


def _root(chart: Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output, the thing under test
    assert root.tag == f"{SVG}svg"
    return root


def _group(root: ET.Element, name: str) -> ET.Element:
    (group,) = (g for g in root.iter(f"{SVG}g") if g.get("class") == name)
    return group


def _texts(root: ET.Element, group: str) -> list[str]:
    return [text.text or "" for text in _group(root, group).iter(f"{SVG}text")]


def _marks(root: ET.Element) -> list[ET.Element]:
    return [element for element in root.iter() if element.get("class") == "mark"]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# ------------------------------------------------------------------ accessibility of the SVG


@RENDERERS
def test_root_is_a_labelled_image(render: Render) -> None:
    chart = render(_series(), id_prefix="killed")
    root = _root(chart)
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 360"
    assert root.get("preserveAspectRatio") == "xMidYMid meet"
    assert root.get("width") is None  # scales to its container, phones included
    assert root.get("aria-labelledby") == "killed-title killed-desc"
    assert (chart.title_id, chart.desc_id) == ("killed-title", "killed-desc")
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "killed-title",
        "Ahmadis killed per year",
    )
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG}desc", "killed-desc", chart.summary)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert ids == ["killed-title", "killed-desc"]


def test_summary_of_the_seed_example() -> None:
    assert bar_chart(_series()).summary == (
        "Bar chart of Ahmadis killed per year, 2001 to 2016. Highest: 86 in 2010."
        " 1 of 10 have no data."
    )
    assert line_chart(_series(unit="people")).summary == (
        "Line chart of Ahmadis killed per year, 2001 to 2016. Highest: 86 people in 2010."
        " 1 of 10 have no data."
    )


def test_summary_without_known_values_or_gaps() -> None:
    unknown = bar_chart(_series((("a", None), ("b", None)), title="T")).summary
    assert unknown == "Bar chart of T, a to b. 2 of 2 have no data."
    complete = bar_chart(_series((("a", 3), ("b", 3)), title="T")).summary
    assert complete == "Bar chart of T, a to b. Highest: 3 in a."


@RENDERERS
def test_one_mark_per_known_value_with_a_hover_title(render: Render) -> None:
    root = _root(render(_series()))
    marks = _marks(root)
    expected_tag = "rect" if render is bar_chart else "circle"
    assert [mark.tag for mark in marks] == [f"{SVG}{expected_tag}"] * 9
    hovers = [mark.find(f"{SVG}title") for mark in marks]
    assert [h.text for h in hovers if h is not None] == [
        f"{label}: {value}" for label, value in SEED if value is not None
    ]


def test_bar_heights_are_proportional_and_share_a_baseline() -> None:
    root = _root(bar_chart(_series()))
    rects = {
        (rect.find(f"{SVG}title").text or "").split(":")[0]: rect  # type: ignore[union-attr]
        for rect in _marks(root)
    }
    heights = {label: float(rect.get("height", "")) for label, rect in rects.items()}
    assert heights["2010"] / heights["2001"] == pytest.approx(86 / 9, rel=1e-3)
    bottoms = {float(r.get("y", "")) + float(r.get("height", "")) for r in rects.values()}
    assert len({round(bottom, 1) for bottom in bottoms}) == 1
    (baseline,) = (line for line in root.iter(f"{SVG}line") if line.get("class") == "baseline")
    assert float(baseline.get("y1", "")) == pytest.approx(bottoms.pop(), abs=0.02)
    assert baseline.get("stroke") == "currentColor"


@RENDERERS
def test_table_rows_and_no_data_markers(render: Render) -> None:
    chart = render(_series(), no_data_text="کوئی ڈیٹا نہیں")
    assert len(chart.table_rows) == len(SEED)
    assert chart.table_rows[5] == ("2012", "کوئی ڈیٹا نہیں")
    assert chart.table_rows[3] == ("2010", "86")
    root = _root(chart)
    assert _texts(root, "no-data") == ["کوئی ڈیٹا نہیں"]


def test_zero_is_a_value_not_a_gap() -> None:
    root = _root(bar_chart(_series((("a", 0), ("b", None), ("c", 4)), title="T")))
    assert len(_marks(root)) == 2
    assert _texts(root, "values") == ["0", "4"]
    assert _texts(root, "no-data") == ["no data"]


@RENDERERS
def test_direct_value_and_axis_labels(render: Render) -> None:
    root = _root(render(_series()))
    assert _texts(root, "values") == [str(value) for _, value in SEED if value is not None]
    assert _texts(root, "x-axis") == [label for label, _ in SEED]
    assert _group(root, "x-axis").get("text-anchor") == "middle"
    assert not [text for text in _group(root, "x-axis") if text.get("transform")]
    assert _texts(root, "y-axis") == ["0", "20", "40", "60", "80", "100"]
    assert len(list(_group(root, "grid"))) == 5  # one gridline per tick above zero


def test_line_is_broken_at_gaps_and_skips_lone_points() -> None:
    root = _root(line_chart(_series()))
    runs = [line.get("points", "").split() for line in root.iter(f"{SVG}polyline")]
    assert [len(run) for run in runs] == [5, 4]
    dots = [(mark.get("cx"), mark.get("cy")) for mark in _marks(root)]
    assert [pair.split(",") for run in runs for pair in run] == [list(dot) for dot in dots]
    lonely = _series((("a", 1), ("b", None), ("c", 2), ("d", None)), title="T")
    root = _root(line_chart(lonely))
    assert len(_marks(root)) == 2
    assert list(root.iter(f"{SVG}polyline")) == []
    assert not list(_root(bar_chart(_series())).iter(f"{SVG}polyline"))


def _line_labels(
    pairs: tuple[tuple[str, float | None], ...],
) -> dict[str, tuple[ET.Element, ET.Element]]:
    """Map each known label to its (dot, value text) in a line chart."""
    root = _root(line_chart(_series(pairs)))
    known = [label for label, value in pairs if value is not None]
    return dict(zip(known, zip(_marks(root), _group(root, "values"), strict=True), strict=True))


def test_line_value_labels_stay_clear_of_the_line() -> None:
    labels = _line_labels(SEED)
    for peak in ("2001", "2010", "2014", "2016"):
        dot, text = labels[peak]
        assert float(text.get("y", "")) < float(dot.get("cy", ""))
        assert text.get("text-anchor") == "middle"
    for dip in ("2009", "2013"):  # room below the dot
        dot, text = labels[dip]
        assert float(text.get("y", "")) > float(dot.get("cy", ""))
    dot, text = labels["2011"]  # a dip near the baseline, beside the gap on its right
    assert text.get("text-anchor") == "start"
    assert float(text.get("x", "")) > float(dot.get("cx", ""))
    dot, text = _line_labels((("a", None), ("b", 1), ("c", 90)))["b"]
    assert text.get("text-anchor") == "end"
    assert float(text.get("x", "")) < float(dot.get("cx", ""))
    dot, text = _line_labels((("a", 80), ("b", 1), ("c", 90)))["b"]  # no room anywhere: above
    assert float(text.get("y", "")) < float(dot.get("cy", ""))


def test_many_and_long_labels_are_turned_and_thinned() -> None:
    pairs = tuple((str(1950 + i), float(i * 1000)) for i in range(60))
    root = _root(bar_chart(_series(pairs)))
    x_labels = list(_group(root, "x-axis"))
    assert 10 <= len(x_labels) < 60
    assert x_labels[0].text == "1950"
    assert all(label.get("transform", "").startswith("rotate(-45 ") for label in x_labels)
    values = list(_group(root, "values"))
    assert len(values) == 60
    assert all(value.get("transform", "").startswith("rotate(-90 ") for value in values)
    narrow = _series((("a", None), ("b", 1)), title="T")
    gap = _group(_root(bar_chart(narrow, no_data_text="x" * 80)), "no-data")[0]
    assert gap.get("transform", "").startswith("rotate(-90 ")

    long_label = "Sialkot district, Punjab province"
    pairs = ((long_label, 3.0), *((f"city {i}", float(i)) for i in range(7)))
    root = _root(bar_chart(_series(pairs, title="T")))
    assert _texts(root, "x-axis")[0] == "Sialkot distric…"
    assert _group(root, "x-axis").get("text-anchor") == "end"
    hover = _marks(root)[0].find(f"{SVG}title")
    assert hover is not None and hover.text == f"{long_label}: 3"


def test_notes_are_part_of_the_hover_title() -> None:
    series = Series("T", (Point("2010", 86, note="Lahore attacks, 28 May"),))
    hover = _marks(_root(bar_chart(series)))[0].find(f"{SVG}title")
    assert hover is not None and hover.text == "2010: 86\nLahore attacks, 28 May"


@pytest.mark.parametrize(
    ("highest", "top"),
    [
        (86, "100"),
        (100, "100"),
        (9, "10"),
        (11, "20"),
        (21, "25"),
        (26, "50"),
        (0.3, "0.5"),
        (0.24, "0.25"),
        (1234, "2,000"),
        (0, "1.0"),
        (None, "1.0"),
    ],
)
def test_axis_maximum_is_a_nice_number(highest: float | None, top: str) -> None:
    root = _root(bar_chart(_series((("a", highest), ("b", None)), title="T")))
    ticks = _texts(root, "y-axis")
    assert ticks[0] == "0"
    assert ticks[-1] == top
    assert len(set(ticks)) == len(ticks)


@given(st.floats(min_value=0, allow_infinity=False))
def test_axis_covers_the_highest_value(highest: float) -> None:
    chart = bar_chart(_series((("a", highest),), title="T"))
    (rect,) = _marks(_root(chart))
    assert float(rect.get("y", "")) >= 0  # the bar never leaves the picture
    assert float(rect.get("height", "")) >= 0


def test_no_script_links_styles_or_event_handlers() -> None:
    points = (Point("2010", 86, source_url="https://example.org/report?x=1&y=2"),)
    series = Series("T", points, source_url="https://example.org/", source_note="HRCP")
    for chart in (bar_chart(series), line_chart(series)):
        lowered = chart.svg.lower()
        for needle in ("<script", "href", "<style", "url(", "@import", "example.org", "<a "):
            assert needle not in lowered
        for element in _root(chart).iter():
            assert element.tag.removeprefix(SVG) in ALLOWED_TAGS
            assert not [name for name in element.attrib if name.lower().startswith("on")]


def test_colours_follow_the_theme_and_the_fill_has_contrast() -> None:
    root = _root(bar_chart(_series()))
    assert root.get("fill") == "currentColor"
    marks = _group(root, "marks")
    assert (marks.get("fill"), marks.get("stroke")) == (MARK_FILL, "currentColor")
    colours = {
        value for e in root.iter() for k, value in e.attrib.items() if k in {"fill", "stroke"}
    }
    assert colours == {"currentColor", MARK_FILL, "none"}
    lum = _luminance(MARK_FILL)
    assert (1.05 / (lum + 0.05)) >= 4.5  # against white
    assert ((lum + 0.05) / 0.05) >= 3  # against black


@RENDERERS
def test_hostile_text_is_escaped(render: Render) -> None:
    label = "<b>&'\"</b>"
    title = "\"&'<b>]]><!-- x"
    script = "<script>alert(1)</script>"
    points = (Point(label, 1), Point("x\x00\x1by", 2), Point(script, 3, note="</title><script>"))
    series = Series(title, points)
    chart = render(series, no_data_text="<i>", number_format=lambda v: f"<{v:.0f}>")
    assert "<script" not in chart.svg
    root = _root(chart)
    assert list(root)[0].text == title
    assert _texts(root, "x-axis")[0] == label
    assert _texts(root, "x-axis")[1] == "x\ufffd\ufffdy"  # characters XML cannot hold
    assert _texts(root, "values") == ["<1>", "<2>", "<3>"]
    hover = _marks(root)[2].find(f"{SVG}title")
    assert hover is not None and hover.text == f"{script}: <3>\n</title><script>"
    assert {element.tag.removeprefix(SVG) for element in root.iter()} <= ALLOWED_TAGS


labels_text = st.text(min_size=1, max_size=30).filter(lambda text: bool(text.strip()))


@settings(max_examples=150, deadline=None)
@given(
    title=labels_text,
    pairs=st.lists(
        st.tuples(labels_text, st.none() | st.floats(0, 1e12)),
        min_size=1,
        max_size=12,
        unique_by=lambda pair: pair[0].strip(),
    ),
)
def test_any_text_renders_as_valid_restricted_svg(
    title: str, pairs: list[tuple[str, float | None]]
) -> None:
    series = Series(title, tuple(Point(label, value) for label, value in pairs))
    for render in (bar_chart, line_chart):
        chart = render(series)
        assert chart.svg == render(series).svg  # deterministic
        root = _root(chart)
        for element in root.iter():
            assert element.tag.removeprefix(SVG) in ALLOWED_TAGS
            assert not [name for name in element.attrib if name.lower().startswith("on")]
            assert not [name for name in element.attrib if "href" in name]
        assert len(_marks(root)) == sum(value is not None for _, value in pairs)
        assert len(_texts(root, "no-data")) == sum(value is None for _, value in pairs)
        assert len(chart.table_rows) == len(pairs)


def test_output_is_deterministic_and_ids_follow_the_prefix() -> None:
    assert bar_chart(_series()).svg == bar_chart(_series()).svg
    chart = line_chart(_series(), id_prefix="a_1-b")
    assert 'aria-labelledby="a_1-b-title a_1-b-desc"' in chart.svg


@pytest.mark.parametrize("prefix", ["", "1chart", "chart one", 'x"y', "a" * 65, "café", None])
def test_unsafe_id_prefixes_are_rejected(prefix: str) -> None:
    with pytest.raises(InvalidSeries, match="id_prefix"):
        bar_chart(_series(), id_prefix=prefix)


@pytest.mark.parametrize(("width", "height"), [(199, 360), (640, 149), (5000, 360), (True, 360)])
def test_sizes_are_checked(width: int, height: int) -> None:
    with pytest.raises(InvalidSeries):
        line_chart(_series(), width=width, height=height)


def test_custom_size_sets_the_view_box() -> None:
    assert _root(bar_chart(_series(), width=360, height=300)).get("viewBox") == "0 0 360 300"


@RENDERERS
def test_negative_values_are_rejected_by_the_renderers(render: Render) -> None:
    series = _series((("a", 1), ("b", -2)), title="T")
    with pytest.raises(InvalidSeries, match="negative values at b"):
        render(series)


def test_renderers_need_a_series() -> None:
    with pytest.raises(TypeError):
        bar_chart([Point("a", 1)])  # type: ignore[arg-type]


# ------------------------------------------------------------------ labels and numbers


def test_translated_labels_and_number_format() -> None:
    labels = ChartLabels(
        bar_summary="{title} کا بار چارٹ، {first} سے {last} تک۔",
        highest="سب سے زیادہ: {label} میں {value}۔",
        missing="{total} میں سے {count} کا ڈیٹا نہیں۔",
        point_title="{value} ({label})",
    )
    chart = bar_chart(_series(), labels=labels, number_format=lambda v: f"{v:.1f}")
    assert chart.summary == (
        "Ahmadis killed per year کا بار چارٹ، 2001 سے 2016 تک۔"
        " سب سے زیادہ: 2010 میں 86.0۔ 10 میں سے 1 کا ڈیٹا نہیں۔"
    )
    root = _root(chart)
    assert _texts(root, "values")[3] == "86.0"
    assert _texts(root, "y-axis")[-1] == "100.0"
    assert chart.table_rows[0] == ("2001", "9.0")
    hover = _marks(root)[0].find(f"{SVG}title")
    assert hover is not None and hover.text == "9.0 (2001)"


@pytest.mark.parametrize(
    ("name", "template"),
    [("highest", "{valeu} in {label}"), ("missing", "{0} of {total}"), ("bar_summary", "{title")],
)
def test_labels_with_unknown_fields_are_rejected(name: str, template: str) -> None:
    with pytest.raises(InvalidSeries, match=f"ChartLabels.{name}"):
        ChartLabels(**{name: template})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (86.0, "86"),
        (86.5, "86.5"),
        (85.96, "86"),
        (1234.0, "1,234"),
        (1234.56, "1,234.6"),
        (0.04, "0.04"),
        (0.0, "0"),
        (2e15, "2e+15"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


# ------------------------------------------------------------------ points and series


def test_point_normalises_and_validates() -> None:
    point = Point("  2010 ", 86, " note ", " https://example.org/a ")
    assert point == Point("2010", 86.0, "note", "https://example.org/a")
    assert isinstance(point.value, float)
    zero = Point("a", -0.0).value
    assert zero is not None and math.copysign(1, zero) == 1.0  # "-0" would be a CSV formula
    for bad in (math.nan, math.inf, True, "86"):
        with pytest.raises(InvalidSeries, match="value"):
            Point("a", bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidSeries, match="label is empty"):
        Point(" \t", 1)
    with pytest.raises(InvalidSeries, match="must be a str"):
        Point(2010, 1)  # type: ignore[arg-type]
    for url in (
        "javascript:alert(1)",
        "ftp://example.org/",
        "https://",
        "https://a b/",
        "http://x:99999/",
    ):
        with pytest.raises(InvalidSeries, match="not an absolute http"):
            Point("a", 1, source_url=url)


def test_series_validates() -> None:
    points = (Point("a", 1), Point("b", None))
    series = Series(" T ", list(points), unit=" people ")  # type: ignore[arg-type]
    assert (series.title, series.points, series.unit) == ("T", points, "people")
    with pytest.raises(InvalidSeries, match="needs a title"):
        Series(" ", points)
    with pytest.raises(InvalidSeries, match="has no points"):
        Series("T", ())
    with pytest.raises(InvalidSeries, match="labels repeat: 'a'"):
        Series("T", (Point("a", 1), Point("b", 2), Point("a", 3)))
    with pytest.raises(InvalidSeries, match="Point instances"):
        Series("T", (("a", 1),))  # type: ignore[arg-type]
    with pytest.raises(InvalidSeries, match="http"):
        Series("T", points, source_url="data:text/html,x")


def test_invalid_series_is_a_campaign_value_error() -> None:
    error = InvalidSeries("bad")
    assert isinstance(error, CampaignError) and isinstance(error, ValueError)
    assert error.errors == ["bad"]


# ------------------------------------------------------------------ CSV


def test_parse_csv_reads_every_column() -> None:
    text = (
        "Label,VALUE, Note ,source_url\n"
        "2001,9,,https://example.org/2001\n"
        '2010,"1,234",Lahore attacks,\n'
        "2011,86.5,,\n"
        "2012,,not sourced,\n"
    )
    assert parse_csv(text) == [
        Point("2001", 9, source_url="https://example.org/2001"),
        Point("2010", 1234, "Lahore attacks"),
        Point("2011", 86.5),
        Point("2012", None, "not sourced"),
    ]


def test_parse_csv_tolerates_bom_crlf_blank_lines_and_the_year_alias() -> None:
    text = "\ufeffyear,value\r\n\r\n2001,9\r\n2010, 86 \r\n,\r\n"
    assert parse_csv(text) == [Point("2001", 9), Point("2010", 86)]
    assert parse_csv("value,year,\n5,a,\n") == [Point("a", 5)]  # an unnamed, empty column
    assert parse_csv("label,value\nلاہور,۸۶\n") == [Point("لاہور", 86)]


def test_parse_csv_collects_every_row_error() -> None:
    text = (
        "label,value,source_url\n"
        "2001,9,\n"  # row 2, fine
        "2002,abc,\n"  # row 3
        "2003,-3,\n"  # row 4
        "2001,4,\n"  # row 5: repeats row 2
        ",5,\n"  # row 6
        "2006,1e999,javascript:alert(1)\n"  # row 7: two problems
        "2007,1,2,3\n"  # row 8
        "2008,inf,\n"  # row 9
    )
    with pytest.raises(InvalidSeries) as caught:
        parse_csv(text)
    assert caught.value.errors == [
        "row 3: 'abc' is not a number",
        "row 4: '-3' is negative",
        "row 5: the label '2001' repeats row 2",
        "row 6: the label is empty",
        "row 7: '1e999' is too large",
        "row 7: the source URL 'javascript:alert(1)' is not an absolute http(s) URL",
        "row 8: it has cells outside the named columns",
        "row 9: 'inf' is not a number",
    ]
    message = str(caught.value)
    assert message.startswith("8 problems in the CSV: row 3: 'abc' is not a number; row 4")
    assert all(error in message for error in caught.value.errors)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("\n \n", "empty"),
        ("label,value\n", "no rows"),
        ("label,count\na,1\n", "header: a 'value' column is missing"),
        ("name,value\na,1\n", "header: unknown column 'name'"),
        ("value,note\n1,x\n", "header: a 'label' (or 'year') column is missing"),
        ("year,label,value\n1,a,1\n", "header: column 'label' repeats the label column"),
        ("label,value,\na,1,oops\n", "row 2: it has cells outside the named columns"),
        ('label,value\n"a' + "x" * 200_000 + '",1\n', "cannot be read"),
    ],
)
def test_parse_csv_rejects_bad_files(text: str, problem: str) -> None:
    with pytest.raises(InvalidSeries, match=re.escape(problem)):
        parse_csv(text)


def test_parse_csv_limits_rows() -> None:
    text = "label,value\na,1\nb,2\nc,3\n"
    assert len(parse_csv(text, max_rows=3)) == 3
    with pytest.raises(InvalidSeries, match="more than 2 rows"):
        parse_csv(text, max_rows=2)
    with pytest.raises(ValueError, match="max_rows"):
        parse_csv(text, max_rows=0)


def test_to_csv_formats_values_and_neutralises_formulas() -> None:
    series = Series(
        "T",
        (
            Point("2010", 86, '=HYPERLINK("http://evil")'),
            Point("+1", 86.5, "@SUM(A1)"),
            Point("-2", None, "'=already quoted"),
            Point("'plain", 1234567, 'a, "b"\nc'),
            Point("x", 1e16, "", "https://example.org/?a=1"),
        ),
    )
    assert to_csv(series).split("\r\n") == [
        "label,value,note,source_url",
        '2010,86,"\'=HYPERLINK(""http://evil"")",',
        "'+1,86.5,'@SUM(A1),",
        "'-2,,''=already quoted,",
        '\'plain,1234567,"a, ""b""\nc",',
        "x,1e+16,,https://example.org/?a=1",
        "",
    ]
    assert parse_csv(to_csv(series)) == list(series.points)


safe_text = st.text(max_size=20)
points_strategy = st.builds(
    Point,
    label=labels_text,
    value=st.none() | st.floats(min_value=0, allow_infinity=False, allow_nan=False),
    note=safe_text | st.sampled_from(["=1+1", "-x", "@a", "'=b", "\t=c"]),
    source_url=st.sampled_from(["", "https://example.org/a?b=1&c=2", "http://x.test/"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(points_strategy, min_size=1, max_size=10, unique_by=lambda point: point.label))
def test_csv_round_trip(points: list[Point]) -> None:
    series = Series("T", tuple(points))
    text = to_csv(series)
    assert parse_csv(text) == points
    for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
        assert not [cell for cell in row if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


def test_svg_geometry_is_pinned_left_to_right_for_rtl_pages() -> None:
    series = Series("Urdu", (Point("۲۰۱۰", 86.0), Point("۲۰۱۱", None)))
    root = ET.fromstring(bar_chart(series, no_data_text="کوئی ڈیٹا نہیں").svg)
    assert root.get("direction") == "ltr"
