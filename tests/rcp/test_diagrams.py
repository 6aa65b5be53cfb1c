"""The dossier's SVG pictures (rcp/diagrams.py), read back as XML: where the marks land, what the
legend and the descriptions say, and how the time axis is laid out. No database."""

import base64
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from patients.choices import PAIRED_SITES, VERTEBRAL_LEVELS, SkeletalSite
from rcp.diagrams import (
    LANES,
    MIDLINE_X,
    SEVERITY_COLOURS,
    SITE_GEOMETRY,
    LesionMark,
    TimelineItem,
    axis_ticks,
    lesion_zoom_svg,
    rib_point,
    shared_part_as_image,
    skeleton_svg,
    timeline_svg,
    vertebra_box,
    x_for,
    zoom_levels,
)

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2025, 3, 1)


def parse(svg):
    return ET.fromstring(str(svg))


def groups(root, css_class):
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == css_class]


def centre(group):
    """The centre of a lesion mark: all its circles share it."""
    circle = group.find(f"{SVG}circle")
    return float(circle.get("cx")), float(circle.get("cy"))


def inside(point, box):
    x, y, width, height = box
    return x <= point[0] <= x + width and y <= point[1] <= y + height


def only_lesion(marks, **kwargs):
    (lesion,) = groups(parse(skeleton_svg(marks, **kwargs)), "lesion")
    return lesion


def texts(root):
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# --- Skeleton --------------------------------------------------------------------------------------


def test_skeleton_is_a_self_contained_scalable_svg():
    svg = skeleton_svg([LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11")])
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "style", "image", "use", "foreignObject", "a"}
    assert not any("href" in name for element in root.iter() for name in element.attrib)
    assert all("sans-serif" in t.get("font-family") for t in root.iter(f"{SVG}text"))


def test_t11_lesion_is_in_the_t11_box_and_not_its_neighbours():
    lesion = only_lesion([LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11")])
    point = centre(lesion)
    assert inside(point, vertebra_box("T11"))
    assert not inside(point, vertebra_box("T10"))
    assert not inside(point, vertebra_box("T12"))
    assert (lesion.get("data-site"), lesion.get("data-level")) == ("vertebra", "T11")


@pytest.mark.parametrize("level", VERTEBRAL_LEVELS)
def test_every_level_lands_in_its_own_box_only(level):
    point = centre(only_lesion([LesionMark("vertebra", vertebral_level=level.lower() + " ")]))
    assert [other for other in VERTEBRAL_LEVELS if inside(point, vertebra_box(other))] == [level]


def test_every_level_has_a_distinct_box_ordered_top_to_bottom():
    boxes = [vertebra_box(level) for level in VERTEBRAL_LEVELS]
    assert len(VERTEBRAL_LEVELS) == 29 and len(set(boxes)) == 29
    for (_, y, _, height), (_, next_y, _, _) in zip(boxes, boxes[1:], strict=False):
        assert y + height < next_y
    drawn = [r for r in parse(skeleton_svg([])).iter(f"{SVG}rect") if r.get("class") == "vertebra"]
    assert [r.get("data-level") for r in drawn] == VERTEBRAL_LEVELS
    for rect, box in zip(drawn, boxes, strict=True):
        assert tuple(float(rect.get(a)) for a in ("x", "y", "width", "height")) == pytest.approx(box)


def test_key_levels_are_labelled():
    words = texts(parse(skeleton_svg([])))
    assert {"C1", "C7", "T1", "T6", "T12", "L1", "L5", "S1"} <= set(words)


@pytest.mark.parametrize("site", sorted(PAIRED_SITES - {"rib"}))
def test_patients_right_is_on_the_viewers_left(site):
    right = centre(only_lesion([LesionMark(site, side="right")]))
    left = centre(only_lesion([LesionMark(site, side="left")]))
    assert right[0] < MIDLINE_X < left[0]
    assert right[1] == pytest.approx(left[1])


def test_right_humerus_on_the_left_half_left_femur_on_the_right_half():
    root = parse(
        skeleton_svg([LesionMark("humerus_shaft", side="right"), LesionMark("femur_shaft", side="left")])
    )
    width = float(root.get("viewBox").split()[2])
    humerus, femur = groups(root, "lesion")
    assert centre(humerus)[0] < width / 2 < centre(femur)[0]
    assert centre(humerus)[1] < centre(femur)[1]
    assert humerus.get("data-side") == "right" and femur.get("data-side") == "left"


def test_a_caption_says_which_side_is_which():
    with translation.override("en"):
        words = texts(parse(skeleton_svg([])))
    assert "R" in words and "L" in words
    assert "Front view: the patient's right is on your left" in words


def test_rib_6_left_is_below_rib_2_left():
    root = parse(
        skeleton_svg(
            [LesionMark("rib", rib_number=2, side="left"), LesionMark("rib", rib_number=6, side="left")]
        )
    )
    rib2, rib6 = (centre(g) for g in groups(root, "lesion"))
    assert rib6[1] > rib2[1]
    assert rib2[0] > MIDLINE_X and rib6[0] > MIDLINE_X


@pytest.mark.parametrize("side", ["right", "left"])
def test_ribs_go_down_the_chest_on_their_side(side):
    points = [rib_point(number, side) for number in range(1, 13)]
    assert all(a[1] < b[1] for a, b in zip(points, points[1:], strict=False))
    assert all((x < MIDLINE_X) == (side == "right") for x, _ in points)
    assert vertebra_box("T1")[1] < points[0][1] and points[-1][1] < vertebra_box("L2")[1]


@pytest.mark.parametrize("side", ["", "midline"])
def test_a_paired_site_without_a_side_is_marked_on_both_sides(side):
    root = parse(skeleton_svg([LesionMark("femur_shaft", side=side, label="both femurs")]))
    marks = groups(root, "lesion")
    assert sorted(g.get("data-side") for g in marks) == ["left", "right"]
    assert sorted(centre(g)[0] < MIDLINE_X for g in marks) == [False, True]


def test_lesions_at_the_same_place_are_all_visible():
    marks = [LesionMark("vertebra", vertebral_level="L3", label=f"L3 lesion {n}") for n in range(3)]
    marks += [LesionMark("ilium", side="right", label=f"ilium {n}") for n in range(5)]
    root = parse(skeleton_svg(marks))
    points = [centre(g) for g in groups(root, "lesion")]
    assert len(points) == 8 and len(set(points)) == 8
    assert all(inside(point, vertebra_box("L3")) for point in points[:3])


# Every code of the skeletal taxonomy has a place on the drawing (the "other" box is for `other`).
@pytest.mark.parametrize("site", [s for s in SkeletalSite.values if s != "other"])
def test_every_site_is_drawn_on_the_skeleton(site):
    mark = LesionMark(site, vertebral_level="L2" if site == "vertebra" else "", rib_number=4, side="left")
    with translation.override("en"):
        root = parse(skeleton_svg([mark]))
    assert "Other sites" not in texts(root)
    lesion = groups(root, "lesion")[0]
    assert lesion.get("data-site") == site
    x, y = centre(lesion)
    assert 0 < x < float(root.get("viewBox").split()[2])
    assert vertebra_box("C1")[1] - 150 < y < vertebra_box("S5")[1] + 480


def test_site_geometry_covers_both_sides_of_every_paired_site():
    for site in PAIRED_SITES - {"rib"}:
        assert (site, "right") in SITE_GEOMETRY and (site, "left") in SITE_GEOMETRY


@pytest.mark.parametrize(
    "mark",
    [
        LesionMark("other", label="Costal cartilage"),
        LesionMark("vertebra", label="Vertebra, level unknown"),
        LesionMark("rib", side="left", label="A left rib"),
        LesionMark("not_a_site", label="Unknown code"),
    ],
)
def test_what_has_no_place_goes_to_the_other_sites_box(mark):
    with translation.override("en"):
        root = parse(skeleton_svg([mark]))
    assert "Other sites" in texts(root)
    assert mark.label in texts(root)
    (lesion,) = groups(root, "lesion")
    assert centre(lesion)[1] > vertebra_box("S5")[1] + 470  # under the feet


def test_a_long_other_list_is_cut_with_a_count():
    with translation.override("en"):
        root = parse(skeleton_svg([LesionMark("other", label=f"site {n}") for n in range(20)]))
    assert len(groups(root, "lesion")) == 11
    assert "and 9 more" in texts(root)


@pytest.mark.parametrize(
    ("severity", "colour", "glyph", "rings"),
    [
        ("high", "#9b111e", "!", 2),
        ("moderate", "#c77800", "!", 1),
        ("low", "#0b5d33", "", 1),
        (None, "#555555", "?", 1),
    ],
)
def test_severity_has_a_colour_and_a_cue_that_is_not_colour(severity, colour, glyph, rings):
    lesion = only_lesion([LesionMark("sternum", severity=severity)])
    assert lesion.get("data-severity") == (severity or "none")
    circles = lesion.findall(f"{SVG}circle")
    assert [c.get("fill") for c in circles if c.get("fill") == colour] == [colour]
    outlined = [c for c in circles if c.get("fill") == "none" and c.get("stroke") == colour]
    assert len(outlined) + 1 == rings  # the double ring is for high only
    if glyph:
        assert lesion.find(f"{SVG}text").text == glyph
    else:  # low: a hollow centre instead of a glyph
        assert lesion.find(f"{SVG}text") is None
        assert any(c.get("fill") == "#ffffff" for c in circles)
    assert SEVERITY_COLOURS[severity] == colour


def test_the_legend_names_every_severity():
    with translation.override("en"):
        root = parse(skeleton_svg([]))
    assert {"Severity", "High", "Moderate", "Low", "Not scored"} <= set(texts(root))
    legend = groups(root, "legend-item")
    assert [g.get("data-severity") for g in legend] == ["high", "moderate", "low", "none"]


def test_each_mark_has_its_label_as_tooltip_and_the_picture_lists_them():
    marks = [
        LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11 · SINS 14 unstable"),
        LesionMark("humerus_shaft", side="right"),
    ]
    with translation.override("en"):
        root = parse(skeleton_svg(marks, title="Bone lesions of Mr D."))
    assert [g.find(f"{SVG}title").text for g in groups(root, "lesion")] == [
        "T11 · SINS 14 unstable",
        "Humerus, shaft, right",
    ]
    assert root.find(f"{SVG}title").text == "Bone lesions of Mr D."
    desc = root.find(f"{SVG}desc").text
    assert "2 bone lesions" in desc
    assert "T11 · SINS 14 unstable (high)" in desc and "Humerus, shaft, right (not scored)" in desc


def test_no_lesion_says_so():
    with translation.override("en"):
        root = parse(skeleton_svg([]))
    assert groups(root, "lesion") == []
    assert "no bone lesion recorded" in root.find(f"{SVG}desc").text


def test_text_is_escaped():
    attack = "<script>alert(1)</script>"
    svg = str(
        skeleton_svg(
            [LesionMark("vertebra", vertebral_level="T2", label=attack), LesionMark("other", label=attack)],
            title=attack + '" onload="x',
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.removeprefix(SVG) == "script"]
    assert not any(name.startswith("on") for e in root.iter() for name in e.attrib)
    assert [g.find(f"{SVG}title").text for g in groups(root, "lesion")] == [attack, attack]


@pytest.mark.parametrize(
    "mark", [LesionMark("sternum", severity="severe"), LesionMark("femur_shaft", side="both")]
)
def test_bad_values_are_refused(mark):
    with pytest.raises(ValueError):
        skeleton_svg([mark])


def test_same_data_same_picture():
    marks = [LesionMark("vertebra", vertebral_level="L1", severity="low")]
    assert skeleton_svg(marks) == skeleton_svg(list(marks))
    assert parse(skeleton_svg(marks)).get("aria-labelledby") != parse(skeleton_svg([])).get("aria-labelledby")


# --- Timeline --------------------------------------------------------------------------------------


def item_groups(root):
    return groups(root, "item")


def shape_centre(group):
    """(x, y) of the centre of an item's first shape."""
    shape = next(child for child in group if child.tag.removeprefix(SVG) != "title")
    tag = shape.tag.removeprefix(SVG)
    if tag == "rect":
        return (
            float(shape.get("x")) + float(shape.get("width")) / 2,
            float(shape.get("y")) + float(shape.get("height")) / 2,
        )
    if tag == "line":
        return float(shape.get("x1")), (float(shape.get("y1")) + float(shape.get("y2"))) / 2
    if tag == "circle":
        return float(shape.get("cx")), float(shape.get("cy"))
    points = [tuple(map(float, p)) for p in re.findall(r"(-?[\d.]+),(-?[\d.]+)", shape.get("d"))]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def today_x(root):
    (today,) = groups(root, "today")
    return float(today.find(f"{SVG}line").get("x1"))


def tick_positions(root):
    return [
        (float(g.find(f"{SVG}line").get("x1")), "".join(g.find(f"{SVG}text").itertext()))
        for g in groups(root, "tick")
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 1), 0.0),
        (date(2025, 1, 11), 50.0),
        (date(2025, 1, 21), 100.0),
        (date(2025, 1, 31), 150.0),
    ],
)
def test_x_for_is_linear(day, expected):
    assert x_for(day, date(2025, 1, 1), date(2025, 1, 21), 100) == pytest.approx(expected)


def test_x_for_grows_with_the_date_and_survives_an_empty_span():
    start, end = date(2020, 1, 1), date(2025, 1, 1)
    days = [start + timedelta(days=n) for n in range(0, 1900, 37)]
    xs = [x_for(day, start, end, 700) for day in days]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert x_for(start, start, start, 700) == 0


def test_the_timeline_is_a_self_contained_scalable_svg():
    svg = timeline_svg([TimelineItem("diagnosis", "Adenocarcinoma", date(2023, 3, 2))], today=TODAY)
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}desc").get("id") == desc_id
    assert not {e.tag.removeprefix(SVG) for e in root.iter()} & {"script", "style", "image", "use", "a"}


def test_an_items_x_grows_with_its_date():
    days = [date(2022, 5, 1), date(2023, 1, 15), date(2023, 1, 16), date(2024, 7, 1), TODAY]
    items = [TimelineItem("imaging", f"CT {n}", day) for n, day in enumerate(days)]
    root = parse(timeline_svg(list(reversed(items)), today=TODAY))
    by_start = {g.get("data-start"): shape_centre(g)[0] for g in item_groups(root)}
    xs = [by_start[day.isoformat()] for day in days]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert xs[-1] == pytest.approx(today_x(root), abs=0.02)


def test_an_ongoing_course_runs_to_the_today_line_and_a_finished_one_stops():
    items = [
        TimelineItem("systemic", "Osimertinib", date(2023, 7, 10)),
        TimelineItem("systemic", "Carboplatin–pemetrexed", date(2023, 3, 20), date(2023, 6, 30)),
    ]
    root = parse(timeline_svg(items, today=TODAY))
    ongoing, finished = sorted(item_groups(root), key=lambda g: g.get("data-ongoing") != "true")
    assert ongoing.get("data-ongoing") == "true"
    bar = ongoing.find(f"{SVG}rect")
    assert float(bar.get("x")) + float(bar.get("width")) == pytest.approx(today_x(root), abs=0.02)
    assert finished.get("data-ongoing") is None
    stopped = finished.find(f"{SVG}rect")
    assert float(stopped.get("x")) + float(stopped.get("width")) < float(bar.get("x"))
    with translation.override("en"):
        title = parse(timeline_svg(items[:1], today=TODAY)).find(f"{SVG}g[@class='items']/{SVG}g/{SVG}title")
    assert "ongoing" in title.text


def test_zero_items_draw_an_empty_axis_with_a_note():
    with translation.override("en"):
        root = parse(timeline_svg([], today=TODAY))
    assert item_groups(root) == []
    assert "No dated item to show yet." in texts(root)
    assert len(tick_positions(root)) >= 2
    assert today_x(root) > tick_positions(root)[0][0]
    assert {"Diagnosis & decisions", "Systemic treatment", "Bone-modifying agent", "Radiotherapy"} <= set(
        texts(root)
    )
    assert {"Surgery &", "interventional"} <= set(texts(root)) or "Surgery & interventional" in texts(root)
    assert {"Imaging", "Events", "Today"} <= set(texts(root))


@pytest.mark.parametrize(
    ("span", "label_pattern"),
    [
        (timedelta(days=7), r"\d{1,2} \w+( \d{4})?"),
        (timedelta(days=30), r"\d{1,2} \w+( \d{4})?"),
        (timedelta(days=100), r"\d{2}/\d{4}"),
        (timedelta(days=730), r"\d{2}/\d{4}"),
        (timedelta(days=5 * 365), r"\d{4}"),
        (timedelta(days=15 * 365), r"\d{4}"),
        (timedelta(days=40 * 365), r"\d{4}"),
    ],
)
def test_tick_labels_never_overlap(span, label_pattern):
    items = [TimelineItem("diagnosis", "Diagnosis", TODAY - span), TimelineItem("imaging", "CT", TODAY)]
    with translation.override("en"):
        ticks = tick_positions(parse(timeline_svg(items, today=TODAY)))
    assert len(ticks) >= 2
    xs = [x for x, _ in ticks]
    assert all(b - a >= 40 for a, b in zip(xs, xs[1:], strict=False))
    assert all(re.fullmatch(label_pattern, label) for _, label in ticks)


def test_ticks_are_months_under_two_years_and_years_beyond():
    months = axis_ticks(date(2024, 1, 1), date(2025, 6, 1), 700)
    assert all(day.day == 1 and label == day.strftime("%m/%Y") for _, day, label in months)
    assert [label for _, _, label in axis_ticks(date(2010, 6, 1), date(2025, 3, 1), 700)][:2] == [
        "2011",
        "2012",
    ]
    days = axis_ticks(date(2025, 2, 20), date(2025, 3, 2), 1000)
    assert [day for _, day, _ in days] == [date(2025, 2, 21) + timedelta(days=n) for n in range(10)]


@pytest.mark.parametrize(
    ("kind", "lane"),
    [
        ("diagnosis", "milestones"),
        ("decision", "milestones"),
        ("systemic", "systemic"),
        ("bma", "bma"),
        ("radiotherapy", "radiotherapy"),
        ("surgery", "procedures"),
        ("interventional", "procedures"),
        ("imaging", "imaging"),
        ("event", "events"),
    ],
)
def test_each_kind_goes_to_its_lane(kind, lane):
    items = [
        TimelineItem(k, k, date(2024, 1, 1) + timedelta(days=30 * n))
        for n, k in enumerate(
            [
                "diagnosis",
                "decision",
                "systemic",
                "bma",
                "radiotherapy",
                "surgery",
                "interventional",
                "imaging",
                "event",
            ]
        )
    ]
    root = parse(timeline_svg(items, today=TODAY))
    bands = {
        r.get("data-lane"): (float(r.get("y")), float(r.get("y")) + float(r.get("height")))
        for r in root.iter(f"{SVG}rect")
        if r.get("class") == "lane-band"
    }
    assert list(bands) == [code for code, _, _ in LANES]
    (group,) = [g for g in item_groups(root) if g.get("data-kind") == kind]
    assert group.get("data-lane") == lane
    top, bottom = bands[lane]
    assert top < shape_centre(group)[1] < bottom


def test_one_item_and_items_on_the_same_day():
    single = parse(timeline_svg([TimelineItem("event", "Pathological fracture", TODAY)], today=TODAY))
    assert len(item_groups(single)) == 1
    same_day = [TimelineItem("decision", f"Decision {n}", date(2024, 5, 2)) for n in range(3)]
    same_day += [
        TimelineItem("imaging", "CT", date(2024, 5, 2)),
        TimelineItem("imaging", "MRI", date(2024, 5, 2)),
    ]
    root = parse(timeline_svg(same_day, today=TODAY))
    centres = [shape_centre(g) for g in item_groups(root)]
    assert len(centres) == 5 and len(set(centres)) == 5  # stacked on rows, none hidden
    assert len({round(x) for x, _ in centres}) == 1


def test_one_day_course_and_procedures():
    items = [
        TimelineItem("radiotherapy", "8 Gy single fraction", date(2024, 2, 5), date(2024, 2, 5)),
        TimelineItem("surgery", "Intramedullary nailing", date(2024, 1, 20)),
    ]
    root = parse(timeline_svg(items, today=TODAY))
    radiotherapy, surgery = sorted(item_groups(root), key=lambda g: g.get("data-kind"))
    assert float(radiotherapy.find(f"{SVG}rect").get("width")) >= 4
    assert surgery.get("data-ongoing") is None  # a procedure without an end is one day, not ongoing
    assert float(surgery.find(f"{SVG}rect").get("width")) < 12


def test_a_long_label_is_cut_and_kept_whole_in_the_tooltip():
    label = "Carboplatin, pemetrexed and pembrolizumab then pemetrexed and pembrolizumab maintenance"
    items = [
        TimelineItem("systemic", label, date(2024, 10, 1), date(2024, 11, 1)),
        TimelineItem("systemic", "Docetaxel", date(2024, 11, 5)),
    ]
    root = parse(timeline_svg(items, today=TODAY))
    group = next(g for g in item_groups(root) if g.get("data-start") == "2024-10-01")
    shown = "".join(group.find(f"{SVG}text").itertext())
    assert shown.endswith("…") and label.startswith(shown[:-1])
    assert label in group.find(f"{SVG}title").text


def test_timeline_text_is_escaped_and_described():
    attack = "<script>alert(1)</script>"
    items = [
        TimelineItem("decision", attack, date(2024, 3, 1)),
        TimelineItem("bma", "Denosumab", date(2024, 4, 1)),
    ]
    with translation.override("en"):
        svg = str(timeline_svg(items, today=TODAY, title=attack))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.removeprefix(SVG) == "script"]
    desc = root.find(f"{SVG}desc").text
    assert "2 items" in desc and attack in desc and "Denosumab" in desc


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="analgesia"):
        timeline_svg([TimelineItem("analgesia", "Morphine", date(2024, 1, 1))], today=TODAY)


# --- Print -----------------------------------------------------------------------------------------


def test_weasyprint_prints_both_pictures():
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    skeleton = skeleton_svg([LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11")])
    timeline = timeline_svg([TimelineItem("systemic", "Osimertinib", date(2024, 1, 1))], today=TODAY)
    with translation.override("en"):
        html = f"<html><body><div style='width:8cm'>{skeleton}</div>{timeline}</body></html>"
        pdf = weasyprint.HTML(string=html).write_pdf()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Osimertinib" in text and "T11" in text


# --- Presentation mode: the skeleton's overview and the lesions zoomed ------------------------------


def word_sizes(root):
    """The font size of every text that is a word, not a mark's "!" or "?" glyph."""
    in_marks = {t for g in groups(root, "lesion") for t in g.iter(f"{SVG}text")}
    return [float(t.get("font-size")) for t in root.iter(f"{SVG}text") if t not in in_marks]


def test_the_overview_keeps_only_words_that_stay_legible_shown_at_half_size():
    marks = [
        LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11"),
        LesionMark("femur_shaft", side="left", severity="low"),
        LesionMark("other", label="Costal cartilage"),
    ]
    root = parse(skeleton_svg(marks, overview=True))
    # At 1280×720 the overview is drawn at about 0.48 px per unit: 12 px needs 25 units.
    assert word_sizes(root) and min(word_sizes(root)) >= 25
    assert not {"T11", "Costal cartilage", "Other sites"} & set(texts(root))  # the zoom shows them
    assert len(groups(root, "lesion")) == 2  # the other site is in the zoom's list, not drawn
    assert min(word_sizes(parse(skeleton_svg(marks)))) < 12  # the full-size picture is unchanged


@pytest.mark.parametrize(
    ("levels", "shown"),
    [
        (["T11"], ["T10", "T11", "T12"]),
        (["T8", "T11"], ["T7", "T8", "T9", "T10", "T11", "T12"]),  # two levels between: kept
        (["T2", "T5", "L4"], ["T1", "T2", "T3", "T4", "T5", None, "L4", "L5"]),  # a long stretch: left out
        (["C1"], ["C1", "C2"]),
        (["S5", "S4"], ["S3", "S4", "S5"]),
        ([], []),
    ],
)
def test_the_zoom_shows_the_involved_levels_their_neighbours_and_marks_what_it_leaves_out(levels, shown):
    marks = [LesionMark("vertebra", vertebral_level=level) for level in levels]
    assert zoom_levels([*marks, LesionMark("femur_shaft", side="left")]) == shown


def test_the_zoom_draws_each_involved_level_each_other_lesion_with_their_notes_and_the_legend():
    marks = [
        LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11", note="SINS 14"),
        LesionMark("vertebra", vertebral_level="T11", severity="low", note="SINS 14"),  # seen on 2 exams
        LesionMark(
            "vertebra", vertebral_level="L2", severity="moderate", note="SINS 9 · BILSKY 1c · MIRELS 9"
        ),
        LesionMark("femur_shaft", side="left", severity="high", note="MIRELS 9"),
        LesionMark("other", label="Costal cartilage"),
    ]
    with translation.override("en"):
        root = parse(lesion_zoom_svg(marks))
    rects = [r for r in root.iter(f"{SVG}rect") if "vertebra" in (r.get("class") or "")]
    assert [r.get("data-level") for r in rects] == ["T10", "T11", "T12", "L1", "L2", "L3"]
    assert [r.get("data-level") for r in rects if "involved" in r.get("class")] == ["T11", "L2"]
    assert [g.get("data-site") for g in groups(root, "lesion")] == ["vertebra"] * 3 + ["femur_shaft", "other"]
    words = texts(root)
    assert {"Involved vertebral levels", "T11", "L2", "SINS 14", "Other bones", "Severity"} <= set(words)
    assert {"Femur, shaft, left · MIRELS 9", "Other site", "High", "Not scored"} <= set(words)
    assert words.count("SINS 14") == 1  # one note for the level
    (long,) = [t for t in root.iter(f"{SVG}text") if t.text.startswith("SINS 9")]
    assert long.text.endswith("…")  # cut to stay inside the picture; the marks' tooltips say it all
    assert float(long.get("x")) + len(long.text) * float(long.get("font-size")) * 0.6 <= 280
    # Shown at its own width (280 px) or more, every word is at least 14 px, the marks' glyphs too.
    assert min(float(t.get("font-size")) for t in root.iter(f"{SVG}text")) >= 14
    assert (
        root.find(f"{SVG}desc").text
        == "Vertebral levels: T11, L2; Other bones: Femur, shaft, left, Other site"
    )


def test_the_zoom_without_a_lesion_says_so_and_keeps_the_legend():
    with translation.override("en"):
        root = parse(lesion_zoom_svg([]))
    assert "No bone lesion recorded." in texts(root)
    assert "Involved vertebral levels" not in texts(root) and "Other bones" not in texts(root)
    assert len(groups(root, "legend-item")) == 4


# --- What every picture shows, as one image (for the PDF, which draws an image once) ---------------

MARKS = [
    LesionMark("vertebra", vertebral_level="T11", severity="high", label="T11"),
    LesionMark("other", label="Costal cartilage"),
]
DATA_SVG = "data:image/svg+xml;base64,"


def test_what_every_picture_shows_becomes_one_image_of_it_and_the_picture_stays_the_same():
    with translation.override("fr"):
        picture = str(skeleton_svg(MARKS))
        shared = shared_part_as_image(picture)
    root = parse(shared)
    (image,) = root.iter(f"{SVG}image")
    # In the place of the run it replaces: after the background, before the "Other sites" box and marks.
    assert [child.tag.removeprefix(SVG) for child in root][:4] == ["title", "desc", "rect", "image"]
    assert [image.get(name) for name in ("x", "y", "width", "height")] == ["0", "0", "440", "1116"]
    assert image.get("href").startswith(DATA_SVG)
    held = base64.b64decode(image.get("href").removeprefix(DATA_SVG)).decode()
    inner = parse(held)
    assert (inner.get("width"), inner.get("height"), inner.get("viewBox")) == ("440", "1116", "0 0 440 1116")
    assert inner.get("font-family") == root.get("font-family")  # what the run inherited, it still does
    # The image holds exactly the run it replaced: put back, it gives the picture again.
    (markup,) = re.findall(r"<image [^>]*/>", shared)
    assert shared.replace(markup, held[held.index(">") + 1 : -len("</svg>")]) == picture
    assert {"Lésions osseuses", "D", "G", "T11", "S5", "Sévérité", "Non scoré"} <= set(texts(inner))
    assert len(groups(inner, "bones")) == 1 and len(groups(inner, "legend-item")) == 4
    # What is this picture's own stays in it: its lesions and the "Other sites" box.
    assert sorted(g.get("data-level") for g in groups(root, "lesion")) == ["", "T11"]
    assert "Autres sites" in texts(root) and "Sévérité" not in texts(root)


@pytest.mark.parametrize(
    ("kwargs", "language"),
    [({"overview": True}, "fr"), ({"title": "Squelette"}, "fr"), ({}, "en")],
    ids=["overview", "another heading", "another language"],
)
def test_a_picture_without_what_every_picture_shows_is_left_as_it_is(kwargs, language):
    with translation.override(language):
        picture = str(skeleton_svg(MARKS, **kwargs))
    with translation.override("fr"):
        assert shared_part_as_image(picture) == picture
