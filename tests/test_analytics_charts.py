"""The analytics page's SVG charts: pure functions, read back as XML."""

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from blueprints.analytics.charts import (
    PALETTE,
    PLOT_HEIGHT,
    Band,
    Marker,
    Series,
    _contrast,
    _luminance,
    bar_chart,
    heatmap,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = [f"S{i}" for i in range(1, 53)]
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin"]
PERSONAE = ["Messager", "Reporter", "Expert", "Amplificateur", "Vulgarisateur"]
THEMES = ["Actualité de l'entreprise", "Vie au travail", "Expertise et innovation"]


def series(name, values):
    return Series(name, values, [f"{v} %" for v in values])


def parse(markup):
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))


def by_class(root, name):
    """Elements whose class attribute holds `name`."""
    return [el for el in root.iter() if name in el.get("class", "").split()]


def shown(el):
    """The text a <text> element displays: its own, its tspans' (one per line), not its <title>."""
    spans = el.findall(f"{SVG}tspan")
    if spans:
        return " ".join(span.text or "" for span in spans)
    return (el.text or "") + "".join(child.tail or "" for child in el)


def texts(root, name):
    return [shown(el) for el in by_class(root, name)]


def all_texts(root):
    return [shown(el) for el in root.iter(f"{SVG}text")]


def grouped():
    return bar_chart(
        "grouped",
        "Publications",
        "Publications par mois et par type.",
        MONTHS,
        [series("Articles", [12, 15, 9, 20, 18, 22]), series("Vidéos", [3, 5, 4, 8, 6, 9])],
    )


def stacked_weeks():
    values = [(i * 7) % 40 for i in range(52)]
    return bar_chart(
        "weeks", "Partages", "Partages par semaine.", WEEKS, [series("LinkedIn", values)], stacked=True
    )


def horizontal():
    return bar_chart(
        "themes",
        "Participation par thème",
        "Créateurs et réacteurs par thème.",
        THEMES,
        [series("Créateurs", [12, 8, 22]), series("Réacteurs", [40, 55, 62])],
        horizontal=True,
        max_value=100,
        bands=[Band(10, 70, "Zone visée")],
        markers=[Marker(1, "1 % créateurs"), Marker(10, "10 % réacteurs")],
    )


def lines():
    return line_chart(
        "monthly",
        "Taux mensuels",
        "Créateurs et réacteurs par mois.",
        MONTHS,
        [series("Créateurs", [3, 4, 4, 6, 8, 7]), series("Réacteurs", [10, 12, 15, 14, 18, 22])],
        max_value=100,
        bands=[Band(10, 70, "Zone visée")],
        markers=[Marker(1, "1 %")],
    )


def grid():
    values = [[(i * 7 + j * 13) % 40 for j in range(len(PERSONAE))] for i in range(len(THEMES))]
    return heatmap(
        "heat",
        "Thèmes × profils",
        "Engagement par thème et profil.",
        THEMES,
        PERSONAE,
        values,
        [[f"{v} %" for v in row] for row in values],
    )


def empty():
    return bar_chart("nothing", "Partages", "Aucune donnée.", [], [], empty_text="Pas encore de données")


CHARTS = {
    "grouped": grouped,
    "stacked": stacked_weeks,
    "horizontal": horizontal,
    "line": lines,
    "heatmap": grid,
    "empty": empty,
}


# --- every chart ----------------------------------------------------------------------------


@pytest.mark.parametrize("build", CHARTS.values(), ids=CHARTS.keys())
def test_is_an_accessible_svg_image(build):
    root = parse(build())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text and desc.text
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("width") == "100%"
    assert root.get("height") is None  # the height follows the width


@pytest.mark.parametrize("build", CHARTS.values(), ids=CHARTS.keys())
def test_nothing_the_content_security_policy_blocks(build):
    root = parse(build())
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"style", "script", "foreignObject", "image"}
    for el in root.iter():
        assert "style" not in el.attrib
        assert not [name for name in el.attrib if name.startswith("on")]
    assert "javascript:" not in str(build())


def test_ids_come_from_the_chart_id_and_do_not_clash():
    first, second = parse(grouped()), parse(lines())
    ids = [el.get("id") for root in (first, second) for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("grouped-") for i in (el.get("id") for el in first.iter()) if i)
    odd = parse(bar_chart('2 "odd" id', "T", "D", ["a"], [series("s", [1])]))
    assert odd.find(f"{SVG}title").get("id") == "chart-2-odd-id-title"


# --- escaping -------------------------------------------------------------------------------


def test_names_from_users_are_escaped():
    chart = bar_chart(
        "x",
        "<script>alert(1)</script>",
        'Desc "quoted" & <i>',
        ["<b>&", "ok"],
        [Series("Équipe <img src=x onerror=alert(1)>", [1, 2], ["<1>", "2 & 3"])],
    )
    raw = str(chart)
    assert "&lt;b&gt;&amp;" in raw
    assert "<b>" not in raw and "<img" not in raw and "<script" not in raw
    root = parse(chart)
    assert not root.findall(f".//{SVG}b") and not root.findall(".//b")
    assert "<b>&" in texts(root, "chart__category")
    assert texts(root, "chart__legend-label") == ["Équipe <img src=x onerror=alert(1)>"]
    assert set(texts(root, "chart__value")) == {"<1>", "2 & 3"}
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert root.find(f"{SVG}desc").text == 'Desc "quoted" & <i>'


def test_heatmap_names_are_escaped():
    root = parse(heatmap("h", "T", "D", ["<b>&"], ["<i>"], [[1]], [["<1>"]]))
    assert {"<b>&", "<i>", "<1>"} <= set(all_texts(root))
    assert "&lt;b&gt;&amp;" in str(heatmap("h", "T", "D", ["<b>&"], ["<i>"], [[1]], [["<1>"]]))


# --- bars -----------------------------------------------------------------------------------


def bar_rects(root):
    return by_class(root, "chart__bar")


def test_stacked_bar_heights_are_proportional_to_values():
    chart = bar_chart(
        "s",
        "T",
        "D",
        ["A", "B"],
        [series("one", [10, 30]), series("two", [20, 10])],
        stacked=True,
        max_value=40,
    )
    rects = bar_rects(parse(chart))
    assert len(rects) == 4
    heights = [float(r.get("height")) for r in rects]
    # Category A: one (10) then two (20) on top; category B: one (30) then two (10).
    assert heights == pytest.approx([v / 40 * PLOT_HEIGHT for v in (10, 20, 30, 10)], abs=0.1)
    a_one, a_two, b_one, b_two = rects
    for lower, upper in ((a_one, a_two), (b_one, b_two)):
        top_of_upper = float(upper.get("y")) + float(upper.get("height"))
        assert top_of_upper == pytest.approx(float(lower.get("y")), abs=0.1)
        assert lower.get("x") == upper.get("x") and lower.get("width") == upper.get("width")
    # Both stacks start on the same baseline.
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in (a_one, b_one)}
    assert len(bottoms) == 1


def test_the_axis_rounds_up_without_a_maximum():
    root = parse(bar_chart("s", "T", "D", ["A", "B"], [series("one", [37, 12])]))
    grid = by_class(root, "chart__grid")[0]
    assert [shown(t) for t in grid.iter(f"{SVG}text")] == ["0", "10", "20", "30", "40"]
    tall, short = (float(r.get("height")) for r in bar_rects(root))
    assert tall == pytest.approx(37 / 40 * PLOT_HEIGHT, abs=0.1)
    assert short == pytest.approx(12 / 40 * PLOT_HEIGHT, abs=0.1)


def test_tick_labels_use_the_callers_format():
    root = parse(
        bar_chart(
            "s", "T", "D", ["A"], [series("one", [30])], max_value=100, tick_format=lambda v: f"{v:.0f} %"
        )
    )
    grid = by_class(root, "chart__grid")[0]
    assert [shown(t) for t in grid.iter(f"{SVG}text")] == ["0 %", "25 %", "50 %", "75 %", "100 %"]


def test_grouped_bars_print_their_values():
    root = parse(grouped())
    assert sorted(texts(root, "chart__value")) == sorted(
        f"{v} %" for v in [12, 15, 9, 20, 18, 22, 3, 5, 4, 8, 6, 9]
    )


def test_horizontal_bars_print_values_and_full_names():
    root = parse(horizontal())
    assert texts(root, "chart__category") == THEMES
    assert sorted(texts(root, "chart__value")) == sorted(f"{v} %" for v in [12, 8, 22, 40, 55, 62])
    widths = [float(r.get("width")) for r in bar_rects(root)]
    # Grouped by category: Créateurs then Réacteurs; widths proportional to the values.
    assert widths[1] / widths[0] == pytest.approx(40 / 12, rel=0.02)
    assert widths[5] / widths[4] == pytest.approx(62 / 22, rel=0.02)


def test_each_series_has_its_own_pattern():
    names = ["Un", "Deux", "Trois", "Quatre", "Cinq"]
    chart = bar_chart("p", "T", "D", ["A", "B"], [series(n, [k + 1, k + 2]) for k, n in enumerate(names)])
    root = parse(chart)
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    assert len(patterns) == 5
    kinds = {p.get("class").split("--")[1] for p in patterns.values()}
    assert kinds == {"solid", "hatch", "dots", "crosshatch", "stripes"}
    fills = [r.get("fill") for r in bar_rects(root)]
    assert len(fills) == 10
    referenced = [re.fullmatch(r"url\(#(.+)\)", f).group(1) for f in fills]
    assert set(referenced) == set(patterns)
    # Category by category, the series come in order, each with its pattern.
    assert referenced[:5] == referenced[5:] and len(set(referenced[:5])) == 5
    swatches = [r.get("fill") for r in by_class(root, "chart__legend")[0].iter(f"{SVG}rect")]
    assert swatches == fills[:5]


def test_legend_entries_are_the_series_names():
    assert texts(parse(grouped()), "chart__legend-label") == ["Articles", "Vidéos"]
    assert texts(parse(lines()), "chart__legend-label") == ["Créateurs", "Réacteurs"]


def test_a_long_legend_wraps_inside_the_drawing():
    names = ["Publications des ambassadeurs", "Partages LinkedIn", "Réactions", "Commentaires"]
    root = parse(bar_chart("l", "T", "D", ["A"], [series(n, [1]) for n in names]))
    items = by_class(root, "chart__legend-item")
    offsets = [tuple(map(float, re.findall(r"[\d.]+", i.get("transform")))) for i in items]
    assert len({y for _, y in offsets}) > 1  # more than one row
    width = float(root.get("viewBox").split()[2])
    assert all(x < width for x, _ in offsets)


def test_bands_and_markers_are_drawn_with_their_labels():
    chart = bar_chart(
        "bm",
        "T",
        "D",
        ["A", "B"],
        [series("one", [40, 10])],
        max_value=100,
        bands=[Band(10, 70, "Zone visée")],
        markers=[Marker(40, "Objectif 40")],
    )
    root = parse(chart)
    assert texts(root, "chart__band-label") == ["Zone visée"]
    assert texts(root, "chart__marker-label") == ["Objectif 40"]
    (band,) = by_class(root, "chart__band")
    zone = band.find(f"{SVG}rect")
    assert float(zone.get("height")) == pytest.approx(60 / 100 * PLOT_HEIGHT, abs=0.1)
    (line,) = by_class(root, "chart__marker")
    assert line.get("stroke-dasharray")
    # The 40 line runs level with the top of the 40 bar.
    bar_40 = bar_rects(root)[0]
    assert float(line.get("y1")) == float(line.get("y2")) == pytest.approx(float(bar_40.get("y")), abs=0.1)


@pytest.mark.parametrize("build", [horizontal, lines], ids=["horizontal", "line"])
def test_bands_and_markers_on_other_charts(build):
    root = parse(build())
    assert texts(root, "chart__band-label") == ["Zone visée"]
    assert len(by_class(root, "chart__marker")) == len(texts(root, "chart__marker-label")) > 0
    assert by_class(root, "chart__band")


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_band_given_high_first_is_drawn_the_same(horizontal):
    def zone(band):
        chart = bar_chart(
            "b", "T", "D", ["A"], [series("one", [50])], max_value=100, horizontal=horizontal, bands=[band]
        )
        return by_class(parse(chart), "chart__band")[0].find(f"{SVG}rect").attrib

    assert zone(Band(70, 10, "Zone")) == zone(Band(10, 70, "Zone"))


def test_markers_beyond_the_data_stretch_the_axis():
    root = parse(bar_chart("m", "T", "D", ["A"], [series("one", [5])], markers=[Marker(90, "Objectif")]))
    grid = by_class(root, "chart__grid")[0]
    ticks = [float(shown(t)) for t in grid.iter(f"{SVG}text")]
    assert max(ticks) >= 90


def test_many_categories_thin_out_the_axis():
    root = parse(stacked_weeks())
    labels = texts(root, "chart__category")
    assert 4 < len(labels) < 52
    step = WEEKS.index(labels[1])
    assert step > 1
    assert labels == WEEKS[::step]


def test_few_categories_are_all_named():
    assert texts(parse(grouped()), "chart__category") == MONTHS


def test_labels_that_would_overlap_are_skipped():
    values = list(range(10, 62))
    root = parse(line_chart("d", "T", "D", WEEKS, [series("one", values)]))
    printed = texts(root, "chart__value")
    assert 0 < len(printed) < 52


def test_long_horizontal_names_wrap_on_two_lines():
    name = "Une catégorie au nom vraiment beaucoup trop long pour tenir sur une ligne"
    root = parse(bar_chart("c", "T", "D", [name, "b"], [series("one", [1, 2])], horizontal=True))
    first = by_class(root, "chart__category")[0]
    assert len(first.findall(f"{SVG}tspan")) == 2
    assert shown(first) == name


def test_long_category_names_are_cut_with_the_full_name_kept():
    name = "Une catégorie au nom vraiment beaucoup trop long pour tenir sous une barre " * 2
    root = parse(bar_chart("c", "T", "D", [name, "b"], [series("one", [1, 2])], horizontal=True))
    first = by_class(root, "chart__category")[0]
    assert shown(first).endswith("…") and len(shown(first)) < len(name)
    assert first.find(f"{SVG}title").text == name


# --- lines ----------------------------------------------------------------------------------


def test_lines_have_a_polyline_and_a_shape_per_point():
    root = parse(lines())
    polylines = by_class(root, "chart__line")
    assert len(polylines) == 2
    assert [len(p.get("points").split()) for p in polylines] == [6, 6]
    assert polylines[0].get("stroke-dasharray") != polylines[1].get("stroke-dasharray")
    points = by_class(root, "chart__points")
    assert [len(list(g)) for g in points] == [6, 6]
    assert {g[0].tag for g in points} == {f"{SVG}circle", f"{SVG}rect"}
    assert texts(root, "chart__value")


def test_five_lines_differ_by_dash_and_shape():
    root = parse(line_chart("f", "T", "D", ["a", "b"], [series(f"S{i}", [i, i + 1]) for i in range(5)]))
    lines_ = by_class(root, "chart__line")
    assert len({p.get("stroke-dasharray") for p in lines_}) == 5

    def outline(shape, line):
        """The first point's shape, relative to the point it marks."""
        x, y = map(float, line.get("points").split()[0].split(","))
        if shape.tag != f"{SVG}polygon":
            return shape.tag
        corners = [tuple(map(float, xy.split(","))) for xy in shape.get("points").split()]
        return tuple((round(cx - x), round(cy - y)) for cx, cy in corners)

    shapes = {outline(g[0], line) for g, line in zip(by_class(root, "chart__points"), lines_, strict=True)}
    assert len(shapes) == 5


def test_line_points_follow_the_values():
    root = parse(line_chart("l", "T", "D", ["a", "b", "c"], [series("one", [0, 50, 100])], max_value=100))
    ys = [float(xy.split(",")[1]) for xy in by_class(root, "chart__line")[0].get("points").split()]
    assert ys[0] - ys[1] == pytest.approx(PLOT_HEIGHT / 2, abs=0.1)
    assert ys[1] - ys[2] == pytest.approx(PLOT_HEIGHT / 2, abs=0.1)


# --- heatmap --------------------------------------------------------------------------------


def test_heatmap_has_a_labelled_cell_per_row_and_column():
    root = parse(grid())
    cells = by_class(root, "chart__cell")
    assert len(cells) == len(THEMES) * len(PERSONAE)
    values = [[(i * 7 + j * 13) % 40 for j in range(len(PERSONAE))] for i in range(len(THEMES))]
    assert [shown(c.find(f"{SVG}text")) for c in cells] == [f"{v} %" for row in values for v in row]


def test_heatmap_shade_darkens_with_the_value_and_text_stays_readable():
    values = [[0, 10, 20, 30, 40]]
    root = parse(heatmap("h", "T", "D", ["Thème"], PERSONAE, values, [[str(v) for v in values[0]]]))
    cells = by_class(root, "chart__cell")
    fills = [c.find(f"{SVG}rect").get("fill") for c in cells]
    lightness = [_luminance(f) for f in fills]
    assert lightness == sorted(lightness, reverse=True) and len(set(fills)) == 5
    for cell, fill in zip(cells, fills, strict=True):
        assert _contrast(fill, cell.find(f"{SVG}text").get("fill")) >= 4.5


def test_heatmap_names_its_rows_and_columns_in_full():
    root = parse(grid())
    shown_texts = " ".join(all_texts(root))
    for name in [*PERSONAE, *THEMES]:
        assert name in shown_texts
    assert root.get("width") == "100%"


def test_a_heatmap_too_wide_for_a_phone_scrolls_instead_of_shrinking():
    columns = [f"Profil {i}" for i in range(11)]
    values = [list(range(11))]
    root = parse(heatmap("w", "T", "D", ["Thème"], columns, values, [[f"{v} %" for v in values[0]]]))
    assert "chart--wide" in root.get("class")
    width = root.get("viewBox").split()[2]
    assert root.get("width") == width and int(width) > 400


# --- empty and invalid data -------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart("e", "Titre", "D", [], [], empty_text="Pas encore de données"),
        lambda: bar_chart("e", "Titre", "D", ["A"], [], empty_text="Pas encore de données"),
        lambda: line_chart("e", "Titre", "D", [], [], empty_text="Pas encore de données"),
        lambda: heatmap("e", "Titre", "D", [], PERSONAE, [], [], empty_text="Pas encore de données"),
    ],
    ids=["bars", "no-series", "line", "heatmap"],
)
def test_empty_data_shows_the_empty_text(chart):
    root = parse(chart())
    assert texts(root, "chart__empty") == ["Pas encore de données"]
    assert root.find(f"{SVG}title").text == "Titre"
    assert not bar_rects(root) and not by_class(root, "chart__line") and not by_class(root, "chart__cell")


def test_all_zero_data_still_draws_an_axis():
    root = parse(bar_chart("z", "T", "D", ["A", "B"], [series("one", [0, 0])]))
    assert not bar_rects(root)
    assert by_class(root, "chart__grid") and texts(root, "chart__category") == ["A", "B"]


@pytest.mark.parametrize(
    "args",
    [
        (["A", "B"], [Series("s", [1], ["1"])]),
        (["A"], [Series("s", [1], ["1", "2"])]),
        (["A"], [Series("s", [-1], ["-1"])]),
        (["A"], [Series("s", [float("nan")], ["?"])]),
    ],
    ids=["values", "labels", "negative", "nan"],
)
def test_invalid_series_are_refused(args):
    with pytest.raises(ValueError):
        bar_chart("x", "T", "D", *args)


def test_invalid_heatmaps_are_refused():
    with pytest.raises(ValueError):
        heatmap("h", "T", "D", ["a", "b"], ["x"], [[1]], [["1"]])
    with pytest.raises(ValueError):
        heatmap("h", "T", "D", ["a"], ["x", "y"], [[1]], [["1"]])


# --- colours --------------------------------------------------------------------------------


def test_series_colours_stand_out_on_white():
    assert all(_contrast(colour, "#ffffff") >= 3 for colour in PALETTE)
