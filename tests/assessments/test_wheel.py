"""The competence wheel as SVG, its table and its short text (issue 14, point 3): pure, no database.

Valid SVG wired for screen readers, hostile labels escaped, the same bytes for the same data, labels
outside the circle, dimensions and series told apart without colour, missing answers, 3 to 12
areas, long labels, and the text for ties and missing data in Danish and English.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from markupsafe import Markup

from course_app.assessments.wheel import (
    CHAR_WIDTH,
    DIMENSION_STYLES,
    FONT_SIZE,
    LINE_HEIGHT,
    SERIES_STYLES,
    WheelArea,
    WheelData,
    WheelSeries,
    build_wheel,
    render_wheel,
    wheel_legend,
)
from course_app.assessments.wheel_text import MAX_SERIES, summary, table_rows
from course_app.paths import TRANSLATIONS_DIR

SVG = "{http://www.w3.org/2000/svg}"
DIMENSIONS = ("knowledge", "skills", "approach")
DEMO = (
    WheelArea("tasks", "Udføre opgaver"),
    WheelArea("problems", "Løse problemer"),
    WheelArea("communication", "Kommunikere"),
    WheelArea("information", "Håndtere information"),
    WheelArea("collaboration", "Samarbejde"),
    WheelArea("content", "Skabe og dele indhold"),
)


def scores(*per_area) -> dict:
    """One (knowledge, skills, approach) triple, or a single value for all three, per area."""
    found = {}
    for area, value in zip(DEMO, per_area, strict=False):
        triple = value if isinstance(value, tuple) else (value, value, value)
        found[area.key] = dict(zip(DIMENSIONS, triple, strict=True))
    return found


START = WheelSeries("start", "Start", scores(2, 3, (4, 3, 2), 1, 3, 2))
END = WheelSeries("end", "Slut", scores(4, 4, (5, 4, 4), 3, 4, 3))
ADHOC = WheelSeries("adhoc", "Løbende 12. marts", scores(3, 3, 3, 2, 4, 3))


def wheel_data(*series, areas=DEMO) -> WheelData:
    return WheelData(areas, series)


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))


@pytest.fixture(scope="module")
def babel_app() -> Flask:
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS_DIR))
    return app


# --- the SVG --------------------------------------------------------------------------------------


def test_valid_svg_with_role_title_and_description():
    svg = render_wheel(wheel_data(START, END), id_prefix="mine")
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert len(root.get("viewBox").split()) == 4
    ids = root.get("aria-labelledby").split()
    assert ids == ["mine-title", "mine-desc"]
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == ("mine-title", "Kompetencehjul")
    assert desc.get("id") == "mine-desc"
    assert desc.text.startswith(
        "Kompetencehjul med 6 områder på en skala fra 1 til 5 for viden, færdigheder og tilgang."
    )
    assert (
        "Start: højest i Løse problemer, Kommunikere og Samarbejde (3,0), "
        "lavest i Håndtere information (1,0)."
    ) in desc.text
    assert (
        "Slut: højest i Kommunikere (4,3), lavest i Håndtere information og Skabe og dele indhold (3,0)."
        in desc.text
    )
    # no script, no style sheet: every essential look is an attribute
    assert "<script" not in svg and "style=" not in svg and 'class="wheel-outer"' in svg


def test_hostile_labels_are_escaped():
    hostile = "<script>alert(\"x\")</script> & 'q'"
    areas = (WheelArea("a", hostile), *DEMO[1:])
    values = {"a": dict.fromkeys(DIMENSIONS, 5), **scores(1, 1, 1, 1, 1, 1)}
    series = WheelSeries('s"><x', "Start & <b>slut</b>", values)
    svg = render_wheel(WheelData(areas, (series,)), title="<i>Titel</i> & co")
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg and "<x" not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == "<i>Titel</i> & co"
    label = root.find(f".//{SVG}text[@data-area='a']")
    assert label.find(f"{SVG}title").text == hostile
    assert hostile in root.find(f"{SVG}desc").text  # highest area, named in the description
    assert root.find(f".//{SVG}g[@data-series]").get("data-series") == 's"><x'
    with pytest.raises(ValueError):
        render_wheel(wheel_data(START), id_prefix='x" onload="alert(1)')


def test_same_data_same_bytes():
    first = render_wheel(wheel_data(START, END, ADHOC))
    again = render_wheel(
        wheel_data(
            WheelSeries("start", "Start", dict(reversed(list(START.scores.items())))), END, ADHOC
        )
    )
    assert first == again
    numbers = re.findall(r"-?\d+\.\d+", str(first))
    assert numbers and all(len(number.split(".")[1]) <= 2 for number in numbers)


def _label_boxes(root: ET.Element):
    for text in root.iter(f"{SVG}text"):
        if text.get("class") != "wheel-area-label":
            continue
        anchor = text.get("text-anchor")
        spans = text.findall(f"{SVG}tspan")
        width = max(len(span.text) for span in spans) * CHAR_WIDTH
        x = float(spans[0].get("x"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        top = float(spans[0].get("y")) - 0.8 * FONT_SIZE - (LINE_HEIGHT - FONT_SIZE) / 2
        yield text, spans, (left, top, left + width, top + len(spans) * LINE_HEIGHT)


def _distance_to_box(box) -> float:
    """The distance from the centre (0, 0) to the nearest point of the box."""
    left, top, right, bottom = box
    nearest_x = min(max(0.0, left), right)
    nearest_y = min(max(0.0, top), bottom)
    return math.hypot(nearest_x, nearest_y)


@pytest.mark.parametrize("count", range(3, 13))
def test_labels_sit_outside_the_circle_for_3_to_12_areas(count):
    areas = tuple(WheelArea(f"a{i}", f"Område nummer {i} med et langt navn") for i in range(count))
    series = WheelSeries(
        "s", "Start", {f"a{i}": dict.fromkeys(DIMENSIONS, 5) for i in range(count)}
    )
    root = parse(render_wheel(WheelData(areas, (series,))))
    outer = float(root.find(f".//{SVG}circle[@class='wheel-outer']").get("r"))
    assert len(root.findall(f".//{SVG}g[@class='wheel-grid']/{SVG}line")) == count
    x0, y0, width, height = map(float, root.get("viewBox").split())
    boxes = list(_label_boxes(root))
    assert len(boxes) == count
    for text, spans, box in boxes:
        assert _distance_to_box(box) > outer, text.get("data-area")
        assert x0 <= box[0] and box[2] <= x0 + width and y0 <= box[1] and box[3] <= y0 + height
        assert 1 <= len(spans) <= 2
    # anchored by angle: right side start, left side end, top and bottom centred
    anchors = [text.get("text-anchor") for text, _, _ in boxes]
    assert anchors[0] == "middle"
    assert {"start", "end"} <= set(anchors)
    # every marker within the outer ring
    for circle in root.iter(f"{SVG}circle"):
        assert math.hypot(float(circle.get("cx")), float(circle.get("cy"))) <= outer + 0.01


def test_long_labels_wrap_on_two_lines_and_keep_the_full_text():
    long = "Håndtere information og data kritisk, sikkert og etisk i hverdagen"
    areas = (
        WheelArea("long", long),
        WheelArea("word", "Informationshåndteringskompetence"),
        *DEMO[2:],
    )
    root = parse(render_wheel(WheelData(areas, (START,))))
    label = root.find(f".//{SVG}text[@data-area='long']")
    lines = [span.text for span in label.findall(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[1].endswith("…")
    assert label.find(f"{SVG}title").text == long
    word = root.find(f".//{SVG}text[@data-area='word']")
    assert [span.text for span in word.findall(f"{SVG}tspan")] == [
        "Informationshåndteringskompetence"
    ]


def test_dimensions_differ_in_dash_and_marker_shape_not_only_colour():
    root = parse(render_wheel(wheel_data(START, END)))
    for group in root.findall(f"{SVG}g[@data-series]"):
        dimensions = group.findall(f"{SVG}g[@data-dimension]")
        assert [d.get("data-dimension") for d in dimensions] == list(DIMENSIONS)
        assert len({d.get("stroke") for d in dimensions}) == 1  # same colour within a series
        assert len({d.get("stroke-dasharray") for d in dimensions}) == 3
        shapes = [{child.tag for child in d if child.tag != f"{SVG}path"} for d in dimensions]
        firsts = [sorted(shape - {f"{SVG}circle"}) or ["circle"] for shape in shapes]
        assert [first[0].removeprefix(SVG) for first in firsts] == ["circle", "rect", "polygon"]
    assert len({style.dasharray for style in DIMENSION_STYLES}) == 3
    assert len({style.marker for style in DIMENSION_STYLES}) == 3


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_series_differ_without_colour_and_colours_contrast_with_white():
    assert len({(style.width, style.fill) for style in SERIES_STYLES}) == len(SERIES_STYLES)
    assert len(SERIES_STYLES) == MAX_SERIES
    for style in SERIES_STYLES:
        assert (1.05) / (_luminance(style.colour) + 0.05) >= 3, style.colour
    root = parse(render_wheel(wheel_data(START, END, ADHOC)))
    groups = root.findall(f"{SVG}g[@data-series]")
    widths = [g.find(f"{SVG}g").get("stroke-width") for g in groups]
    assert len(set(widths)) > 1
    with pytest.raises(ValueError, match="at most"):
        WheelData(DEMO, [WheelSeries(f"s{i}", f"S{i}", {}) for i in range(MAX_SERIES + 1)])


def test_legend_has_an_entry_per_series_and_per_dimension():
    legend = wheel_legend(wheel_data(START, END, ADHOC))
    assert [entry.key for entry in legend.series] == ["start", "end", "adhoc"]
    assert [str(entry.label) for entry in legend.dimensions] == ["Viden", "Færdigheder", "Tilgang"]
    swatches = [entry.swatch for entry in (*legend.series, *legend.dimensions)]
    assert len(set(swatches)) == 6
    for swatch in swatches:
        assert parse(swatch).get("aria-hidden") == "true"


def test_missing_values_leave_gaps_and_no_markers():
    partial = WheelSeries(
        "start",
        "Start",
        {"tasks": {"knowledge": 3}, "problems": {"knowledge": 4}, "information": {"knowledge": 2}},
    )
    root = parse(render_wheel(wheel_data(partial)))
    knowledge, skills, _approach = root.find(f"{SVG}g[@data-series]").findall(f"{SVG}g")
    path = knowledge.find(f"{SVG}path").get("d")
    assert "Z" not in path and path.count("M") == 1  # tasks-problems joined, information alone
    assert len(knowledge.findall(f"{SVG}circle")) == 3
    assert skills.find(f"{SVG}path") is None and not list(skills)
    empty = parse(render_wheel(wheel_data()))
    assert empty.find(f"{SVG}g[@data-series]") is None
    assert "Der er ingen målinger endnu." in empty.find(f"{SVG}desc").text


def test_bad_data_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        WheelData(DEMO[:2], ())
    with pytest.raises(ValueError, match="off the scale"):
        WheelData(DEMO, (WheelSeries("s", "S", {"tasks": {"knowledge": 6}}),))
    with pytest.raises(ValueError, match="unique"):
        WheelData((*DEMO, DEMO[0]), ())


# --- table and text -------------------------------------------------------------------------------


def test_table_rows_cover_area_dimension_and_series():
    partial = WheelSeries("end", "Slut", {"tasks": {"knowledge": 4.25}})
    rows = table_rows(wheel_data(START, partial))
    assert len(rows) == len(DEMO) * 3
    first = rows[0]
    assert (first.area_key, first.dimension_key, first.first_in_area, first.area_rows) == (
        "tasks",
        "knowledge",
        True,
        3,
    )
    assert [cell.value for cell in first.cells] == [2, 4.25]
    assert [str(cell.text) for cell in first.cells] == ["2,0", "4,2"]
    assert str(rows[1].cells[1].text) == "ikke besvaret" and rows[1].cells[1].value is None
    assert not rows[1].first_in_area


def test_highest_and_lowest_with_ties():
    text = [str(s) for s in summary(wheel_data(START, END))]
    assert text == [
        "Du ligger højest i Kommunikere (4,3).",
        "Du ligger lavest i Håndtere information og Skabe og dele indhold (3,0).",
    ]
    tied = WheelSeries("s", "S", scores(5, 5, 5, 1, 2, 1))
    assert [str(s) for s in summary(wheel_data(tied))] == [
        "Du ligger højest i Udføre opgaver, Løse problemer og Kommunikere (5,0).",
        "Du ligger lavest i Håndtere information og Skabe og dele indhold (1,0).",
    ]
    assert str(summary(wheel_data(START, END), "start")[0]) == (
        "Du ligger højest i Løse problemer, Kommunikere og Samarbejde (3,0)."
    )
    group = summary(wheel_data(tied), perspective="group")
    assert str(group[0]).startswith("Gruppen ligger højest i")


def test_missing_data_and_all_equal():
    level = WheelSeries("s", "S", scores(3, 3, 3, 3, 3, 3))
    assert [str(s) for s in summary(wheel_data(level))] == [
        "Du ligger lige højt i alle besvarede områder (3,0)."
    ]
    partial = WheelSeries("s", "S", scores(2, 4))
    assert [str(s) for s in summary(wheel_data(partial))] == [
        "Du ligger højest i Løse problemer (4,0).",
        "Du ligger lavest i Udføre opgaver (2,0).",
        "Du har ikke svaret på alle områder endnu.",
    ]
    nothing = WheelSeries("s", "S", {})
    assert [str(s) for s in summary(wheel_data(nothing))] == [
        "Du har ikke svaret på nogen områder endnu."
    ]
    assert [str(s) for s in summary(wheel_data())] == ["Du har ikke svaret på nogen områder endnu."]


def test_english(babel_app):
    tied = WheelSeries("s", "S", scores(5, 5, (4, 5, 3), 1, 2, 1))
    partial = WheelSeries("p", "Later", scores(2, 4))
    data = wheel_data(tied, partial)
    texts = summary(data, "s")
    with babel_app.app_context(), force_locale("en"):
        assert [str(s) for s in texts] == [
            "You score highest in Udføre opgaver and Løse problemer (5.0).",
            "You score lowest in Håndtere information and Skabe og dele indhold (1.0).",
        ]
        assert [str(s) for s in summary(data)][-1] == "You have not answered every area yet."
        assert [str(s) for s in summary(wheel_data())] == ["You have not answered any area yet."]
        assert str(summary(wheel_data(tied), perspective="group")[0]).startswith(
            "The group scores highest"
        )
        wheel = build_wheel(data)
        root = parse(wheel.svg)
        assert root.find(f"{SVG}title").text == "Competence wheel"
        assert root.find(f"{SVG}desc").text.startswith(
            "Competence wheel with 6 areas on a scale from 1 to 5 for knowledge, skills and approach."
        )
        assert "Answers are missing in 4 of 6 areas." in root.find(f"{SVG}desc").text
        assert str(wheel.rows[0].cells[1].text) == "2.0"
        assert str(table_rows(data)[-1].cells[1].text) == "not answered"
        assert str(wheel.legend.dimensions[1].label) == "Skills"
    # made in English, shown in Danish: the lazy texts follow the locale they are shown in
    assert str(texts[0]) == "Du ligger højest i Udføre opgaver og Løse problemer (5,0)."


def test_build_wheel_bundles_everything():
    wheel = build_wheel(wheel_data(START, END), id_prefix="w2")
    assert 'id="w2-title"' in wheel.svg
    assert len(wheel.rows) == 18 and len(wheel.legend.series) == 2 and len(wheel.summary) == 2
