"""Server-side SVG pictures for the board's dossier: a front-view skeleton with the bone lesions, and a
timeline of the disease and its treatments.

Both are pure functions of plain values (no database, no request) that return one self-contained
SVG 1.1 element: inline presentation attributes only, no script, no external reference, a generic
sans-serif font, a viewBox and width="100%" so the picture scales on screen, on a projector and in the
PDF minute (WeasyPrint). Every text is escaped and every visible word goes through gettext.

The skeleton's bones are the same in every picture: a static asset (`anatomy`) drawn once by
`manage.py draw_skeleton`; a picture adds its words and its lesions' marks, placed by a table of anchors
(`vertebra_box`, `rib_point`, `SITE_GEOMETRY`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from patients.choices import PAIRED_SITES, VERTEBRAL_LEVELS

FONT = "sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"
WHITE = "#ffffff"

# Severity colours keep their contrast on a projector and in greyscale print; the shape of the mark
# (see `_lesion_mark`) carries the same information without colour.
SEVERITY_COLOURS = {"high": "#9b111e", "moderate": "#c77800", "low": "#0b5d33", None: "#555555"}
SEVERITY_WORDS = {
    "high": gettext_noop("High"),
    "moderate": gettext_noop("Moderate"),
    "low": gettext_noop("Low"),
    None: gettext_noop("Not scored"),
}
SIDES = ("right", "left", "midline", "")

Point = tuple[float, float]
Box = tuple[float, float, float, float]


# --- SVG writing -----------------------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _attrs(**attributes) -> str:
    """` name="value"` pairs, escaped; None values are left out; `data_site` becomes `data-site` and
    `class_` becomes `class`."""
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _num(value)  # digits, a sign and a point: nothing to escape
        else:
            # What django.utils.html.escape does, without its lazy-string wrapper: a picture has
            # hundreds of attributes.
            value = html.escape(str(value))
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{value}"')
    return "".join(parts)


def _el(tag: str, content: str | None = None, **attributes) -> str:
    """One element; `content` is markup that is already escaped."""
    if content is None:
        return f"<{tag}{_attrs(**attributes)}/>"
    return f"<{tag}{_attrs(**attributes)}>{content}</{tag}>"


def _text(x: float, y: float, words: str, *, size: float = 10, anchor: str = "start", **extra) -> str:
    extra.setdefault("fill", INK)
    return _el("text", escape(words), x=x, y=y, font_family=FONT, font_size=size, text_anchor=anchor, **extra)


def _d(*parts: str | Point) -> str:
    """Path data from commands and points: _d("M", (0, 0), "L", (1, 1), "Z") is "M 0,0 L 1,1 Z"."""
    return " ".join(part if isinstance(part, str) else f"{_num(part[0])},{_num(part[1])}" for part in parts)


def _polygon(*points: Point) -> str:
    return _d("M", points[0], "L", *points[1:], "Z")


def _text_width(words: str, size: float) -> float:
    """A conservative estimate of the width of a sans-serif text (there are no font metrics here)."""
    return len(words) * size * 0.6


def _truncate(words: str, size: float, room: float) -> str:
    """The text, cut with "…" to fit `room`; "" when not even one letter fits."""
    if _text_width(words, size) <= room:
        return words
    letters = int(room / (size * 0.6)) - 1
    return words[:letters].rstrip() + "…" if letters >= 1 else ""


def _svg_open(*, uid: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="100%" role="img"'
        f"{_attrs(viewBox=f'0 0 {_num(width)} {_num(height)}', aria_labelledby=f'{uid}-title {uid}-desc')}"
        f"{_attrs(preserveAspectRatio='xMidYMid meet', font_family=FONT)}>",
        _el("title", escape(title), id=f"{uid}-title"),
        _el("desc", escape(desc), id=f"{uid}-desc"),
        _el("rect", x=0, y=0, width=width, height=height, fill=WHITE),
    ]


def _uid(prefix: str, payload: str) -> str:
    """A deterministic id prefix: the same data gives the same SVG, two pictures get two ids."""
    return f"{prefix}-{hashlib.sha256(payload.encode()).hexdigest()[:10]}"


# --- Skeleton --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LesionMark:
    """One lesion to place on the skeleton; `site` is a `patients.choices.SkeletalSite` code."""

    site: str
    vertebral_level: str = ""
    rib_number: int | None = None
    side: str = ""  # "right" | "left" | "midline" | ""
    severity: str | None = None  # "low" | "moderate" | "high" | None (not scored)
    label: str = ""  # e.g. "T11 · SINS 14 unstable"
    note: str = ""  # a few words beside the mark in the zoomed spine, e.g. "SINS 14 · BILSKY 2"


SKELETON_WIDTH = 440
MIDLINE_X = SKELETON_WIDTH / 2  # the patient's right is drawn left of this line
MARK_RADIUS = 6.0
SPINE_TOP = 176.0
_SPINE_GAP = 2.0

SITE_NAMES = {
    "vertebra": gettext_noop("Vertebra"),
    "coccyx": gettext_noop("Coccyx"),
    "skull": gettext_noop("Skull"),
    "mandible": gettext_noop("Mandible"),
    "clavicle": gettext_noop("Clavicle"),
    "scapula": gettext_noop("Scapula"),
    "sternum": gettext_noop("Sternum"),
    "rib": gettext_noop("Rib"),
    "ilium": gettext_noop("Ilium"),
    "ischium": gettext_noop("Ischium"),
    "pubis": gettext_noop("Pubis"),
    "acetabulum": gettext_noop("Acetabulum"),
    "femur_head_neck": gettext_noop("Femur, head and neck"),
    "femur_trochanteric": gettext_noop("Femur, trochanteric region"),
    "femur_subtrochanteric": gettext_noop("Femur, subtrochanteric region"),
    "femur_shaft": gettext_noop("Femur, shaft"),
    "femur_distal": gettext_noop("Femur, distal"),
    "humerus_proximal": gettext_noop("Humerus, proximal"),
    "humerus_shaft": gettext_noop("Humerus, shaft"),
    "humerus_distal": gettext_noop("Humerus, distal"),
    "radius_ulna": gettext_noop("Radius or ulna"),
    "tibia": gettext_noop("Tibia"),
    "fibula": gettext_noop("Fibula"),
    "hand_foot": gettext_noop("Hand or foot"),
    "other": gettext_noop("Other site"),
}
SIDE_WORDS = {
    "right": gettext_noop("right"),
    "left": gettext_noop("left"),
    "midline": gettext_noop("midline"),
}


def _vertebra_size(level: str) -> tuple[float, float]:
    """(width, height) of a vertebra's box: small cervical, growing thoracic, large lumbar, then a
    narrowing sacrum."""
    region, number = level[0], int(level[1:])
    if region == "C":
        return (30.0 if number == 1 else 24.0), 12.0
    if region == "T":
        return 24.0 + number * 0.6, 14.0
    if region == "L":
        return 34.0 + number, 17.0
    return 46.0 - 7 * (number - 1), 14.0 - number


def _stack_vertebrae() -> dict[str, Box]:
    boxes, y = {}, SPINE_TOP
    for level in VERTEBRAL_LEVELS:
        width, height = _vertebra_size(level)
        boxes[level] = (MIDLINE_X - width / 2, y, width, height)
        y += height + _SPINE_GAP
    return boxes


VERTEBRA_BOXES = _stack_vertebrae()
SPINE_BOTTOM = VERTEBRA_BOXES["S5"][1] + VERTEBRA_BOXES["S5"][3]
SHOULDER_Y = VERTEBRA_BOXES["T2"][1] - 2
HIP_Y = SPINE_BOTTOM + 4  # centre of the femoral heads
FEET_BOTTOM = HIP_Y + 476


def vertebra_box(level: str) -> Box:
    """(x, y, width, height) of a vertebra ("C1"…"C7", "T1"…"T12", "L1"…"L5", "S1"…"S5") in the
    skeleton's coordinates, stacked top to bottom without overlap; KeyError for anything else."""
    return VERTEBRA_BOXES[level.strip().upper()]


def _mirror(side: str, dx: float) -> float:
    """The x of a point `dx` from the midline on the patient's `side` (the right is the viewer's left)."""
    return MIDLINE_X - dx if side == "right" else MIDLINE_X + dx


# How far each rib reaches from the midline: its most lateral point carries its marks.
_RIB_REACH = (55, 72, 84, 92, 97, 100, 101, 100, 97, 92, 80, 66)


def _rib_root(number: int) -> Point:
    """Half-width and y of where a rib leaves its thoracic vertebra."""
    _, y, width, height = VERTEBRA_BOXES[f"T{number}"]
    return width / 2, y + height / 2


def rib_point(number: int, side: str) -> Point:
    """The most lateral point of a rib (1–12) on the patient's "right" or "left", where its mark goes;
    lower for each rib down the chest."""
    if not 1 <= number <= 12 or side not in ("right", "left"):
        raise ValueError(f"no rib {number!r} on side {side!r}")
    return _mirror(side, _RIB_REACH[number - 1]), _rib_root(number)[1] + 20


def _site_geometry() -> dict[tuple[str, str], Point]:
    paired = {
        "clavicle": (58, SHOULDER_Y - 14),
        "scapula": (94, SHOULDER_Y + 16),
        "humerus_proximal": (118, SHOULDER_Y + 36),
        "humerus_shaft": (126, SHOULDER_Y + 90),
        "humerus_distal": (136, SHOULDER_Y + 152),
        "radius_ulna": (150, SHOULDER_Y + 240),
        "hand_foot": (168, SHOULDER_Y + 345),
        "ilium": (66, VERTEBRA_BOXES["S1"][1] - 2),
        "acetabulum": (64, HIP_Y - 8),
        "pubis": (30, HIP_Y + 18),
        "ischium": (60, HIP_Y + 46),
        "femur_head_neck": (92, HIP_Y + 8),
        "femur_trochanteric": (108, HIP_Y + 22),
        "femur_subtrochanteric": (100, HIP_Y + 54),
        "femur_shaft": (88, HIP_Y + 130),
        "femur_distal": (71, HIP_Y + 200),
        "tibia": (64, HIP_Y + 330),
        "fibula": (88, HIP_Y + 336),
    }
    geometry = {
        (site, side): (_mirror(side, dx), y) for site, (dx, y) in paired.items() for side in ("right", "left")
    }
    geometry.update(
        {
            ("skull", "midline"): (MIDLINE_X, 66),
            ("skull", "right"): (MIDLINE_X - 22, 72),
            ("skull", "left"): (MIDLINE_X + 22, 72),
            ("mandible", "midline"): (MIDLINE_X, 154),
            ("mandible", "right"): (MIDLINE_X - 20, 142),
            ("mandible", "left"): (MIDLINE_X + 20, 142),
            ("sternum", "midline"): (MIDLINE_X, 336),
            ("coccyx", "midline"): (MIDLINE_X, SPINE_BOTTOM + 8),
        }
    )
    return geometry


# Where each site's mark goes, by the patient's side; unpaired sites under "midline" (the skull and the
# mandible also have a right and a left point). Vertebrae: `vertebra_box`; ribs: `rib_point`.
SITE_GEOMETRY = _site_geometry()
_OTHER_ROW = 17
_OTHER_ROWS_MAX = 12

# The bones, drawn by `python manage.py draw_skeleton` (rcp/management/commands/draw_skeleton.py) from the
# anchors above, read once per process and inlined in each picture. Inlined rather than referenced with
# <use>: WeasyPrint resolves <use> only inside the same <svg> element, and a minute freezes its picture,
# which must stand alone.
ANATOMY_ASSET = "img/skeleton-anatomy.svg"
ANATOMY_HEIGHT = FEET_BOTTOM + 12  # the asset's height, and the picture's without an "Other sites" box


def anatomy(*, levels: bool = True) -> str:
    """The skeleton's bones, `<g class="bones">…</g>`, from the static asset; `levels=False` leaves out
    the vertebral level labels (its `<g class="levels">`), too small to read in the overview."""
    return _anatomy()[levels]


@cache
def _anatomy() -> dict[bool, str]:
    path = finders.find(ANATOMY_ASSET)
    if path is None:
        raise ImproperlyConfigured(f"No static file {ANATOMY_ASSET}: run `python manage.py draw_skeleton`.")
    text = Path(path).read_text(encoding="utf-8")
    (bones,) = [line for line in text.splitlines() if line.startswith('<g class="bones">')]
    return {True: bones, False: re.sub(r'<g class="levels">.*?</g>', "", bones)}


@dataclass(frozen=True)
class _Spot:
    mark: LesionMark
    key: tuple
    side: str
    x: float
    y: float
    box: Box | None = None  # a vertebra's marks stay inside its box


def _check(mark: LesionMark) -> None:
    if mark.severity not in SEVERITY_COLOURS:
        raise ValueError(f"unknown severity {mark.severity!r}: expected 'low', 'moderate', 'high' or None")
    if mark.side not in SIDES:
        raise ValueError(f"unknown side {mark.side!r}: expected 'right', 'left', 'midline' or ''")


def _spots(mark: LesionMark) -> list[_Spot]:
    """Where a mark goes: one spot, two for a paired site without a side (bilateral or not given), or
    none when it belongs in the "Other sites" box (other, an unknown code, no level, no rib number)."""
    sides = [mark.side] if mark.side in ("right", "left") else ["right", "left"]
    if mark.site == "vertebra":
        level = mark.vertebral_level.strip().upper()
        if level not in VERTEBRA_BOXES:
            return []
        x, y, width, height = box = VERTEBRA_BOXES[level]
        return [_Spot(mark, ("vertebra", level), mark.side, x + width / 2, y + height / 2, box)]
    if mark.site == "rib":
        if not isinstance(mark.rib_number, int) or not 1 <= mark.rib_number <= 12:
            return []
        return [_Spot(mark, ("rib", mark.rib_number, s), s, *rib_point(mark.rib_number, s)) for s in sides]
    if mark.site in PAIRED_SITES:
        return [_Spot(mark, (mark.site, s), s, *SITE_GEOMETRY[(mark.site, s)]) for s in sides]
    side = mark.side if (mark.site, mark.side) in SITE_GEOMETRY else "midline"
    if (mark.site, side) not in SITE_GEOMETRY:
        return []
    return [_Spot(mark, (mark.site, side), mark.side, *SITE_GEOMETRY[(mark.site, side)])]


def _spread(spots: list[_Spot]) -> list[tuple[_Spot, float, float]]:
    """Several lesions at the same place are set side by side (on two rows past three) so all show."""
    by_place: dict[tuple, list[_Spot]] = defaultdict(list)
    for spot in spots:
        by_place[spot.key].append(spot)
    step = MARK_RADIUS * 1.7
    placed = []
    for group in by_place.values():
        per_row = min(len(group), 3)
        rows = math.ceil(len(group) / per_row)
        for index, spot in enumerate(group):
            row, column = divmod(index, per_row)
            in_row = min(per_row, len(group) - row * per_row)
            x = spot.x + (column - (in_row - 1) / 2) * step
            y = spot.y + (row - (rows - 1) / 2) * step
            if spot.box is not None:
                bx, by, width, height = spot.box
                x, y = min(max(x, bx + 1), bx + width - 1), min(max(y, by + 1), by + height - 1)
            placed.append((spot, x, y))
    return placed


def _lesion_mark(severity: str | None, x: float, y: float, radius: float = MARK_RADIUS) -> str:
    """A filled circle in the severity's colour, and the cue that is not colour: a double ring and "!"
    for high, "!" for moderate, a hollow centre for low, "?" for not scored."""
    colour = SEVERITY_COLOURS[severity]
    parts = []
    if severity == "high":
        parts.append(_el("circle", cx=x, cy=y, r=radius + 3.2, fill="none", stroke=colour, stroke_width=2))
    parts.append(_el("circle", cx=x, cy=y, r=radius, fill=colour, stroke=WHITE, stroke_width=1.2))
    if severity == "low":
        parts.append(_el("circle", cx=x, cy=y, r=radius * 0.42, fill=WHITE))
    else:
        glyph = "?" if severity is None else "!"
        size = radius * 1.75
        parts.append(
            _text(x, y + size * 0.355, glyph, size=size, anchor="middle", fill=WHITE, font_weight="bold")
        )
    return "".join(parts)


def _describe(mark: LesionMark) -> str:
    """The lesion in words, when it has no label: its site, level or rib number, and side."""
    if mark.site == "vertebra" and mark.vertebral_level.strip():
        return mark.vertebral_level.strip().upper()
    if mark.site == "rib" and mark.rib_number:
        name = gettext("Rib %(number)d") % {"number": mark.rib_number}
    else:
        name = gettext(SITE_NAMES.get(mark.site, SITE_NAMES["other"]))
    if mark.side in SIDE_WORDS:
        name = gettext("%(site)s, %(side)s") % {"site": name, "side": gettext(SIDE_WORDS[mark.side])}
    return name


def _lesion_group(mark: LesionMark, x: float, y: float, side: str, radius: float = MARK_RADIUS) -> str:
    attributes = _attrs(
        class_="lesion",
        data_site=mark.site,
        data_level=mark.vertebral_level.strip().upper(),
        data_side=side,
        data_severity=mark.severity or "none",
    )
    title = _el("title", escape(mark.label or _describe(mark)))
    return f"<g{attributes}>{title}{_lesion_mark(mark.severity, x, y, radius)}</g>"


@cache
def _legend(language: str | None) -> list[str]:
    """Severity, beside the right shin; the same in every picture of a `language` (the active one)."""
    x, y = 12.0, HIP_Y + 270
    out = [
        _el("rect", x=x - 4, y=y - 18, width=112, height=100, rx=4, fill=WHITE, stroke="#c9c5bb"),
        _text(x + 2, y - 4, gettext("Severity"), size=11, font_weight="bold"),
    ]
    for row, severity in enumerate(("high", "moderate", "low", None)):
        cy = y + 14 + row * 19
        words = _text(x + 28, cy + 3.8, gettext(SEVERITY_WORDS[severity]), size=10.5)
        out.append(
            _el(
                "g",
                _lesion_mark(severity, x + 12, cy) + words,
                class_="legend-item",
                data_severity=severity or "none",
            )
        )
    return out


def _other_box_height(count: int) -> float:
    return 30 + min(count, _OTHER_ROWS_MAX) * _OTHER_ROW if count else 0


def _other_box(marks: list[LesionMark]) -> list[str]:
    """The lesions that have no place on the drawing, one row each, in a box under the feet."""
    if not marks:
        return []
    x, y, width = 8.0, FEET_BOTTOM + 12, SKELETON_WIDTH - 16.0
    shown = marks if len(marks) <= _OTHER_ROWS_MAX else marks[: _OTHER_ROWS_MAX - 1]
    out = [
        _el(
            "rect", x=x, y=y, width=width, height=_other_box_height(len(marks)), rx=4, fill=WHITE,
            stroke="#8a847a", stroke_dasharray="4 2",
        ),
        _text(x + 8, y + 15, gettext("Other sites"), size=11, font_weight="bold"),
    ]  # fmt: skip
    for row, mark in enumerate(shown):
        cx, cy = x + 14, y + 32 + row * _OTHER_ROW
        out.append(_lesion_group(mark, cx, cy, mark.side))
        out.append(_text(cx + 12, cy + 3.3, _truncate(mark.label or _describe(mark), 9, width - 32), size=9))
    if len(shown) < len(marks):
        more = len(marks) - len(shown)
        words = ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
        out.append(_text(x + 8, y + 35 + len(shown) * _OTHER_ROW, words, size=9, fill=MUTED))
    return out


# Presentation mode scales the whole skeleton down to the screen's height (about half its size at
# 720 px): its overview keeps only what stays legible there, R and L drawn large, bigger marks.
_OVERVIEW_SIDE_SIZE = 34
_OVERVIEW_MARK_RADIUS = 10.0


def _heading(heading: str, *, overview: bool) -> list[str]:
    """The heading and its caption (not in the overview), and the R and L of the patient's sides."""
    side_size = _OVERVIEW_SIDE_SIZE if overview else 20
    out = []
    if not overview:
        caption = gettext("Front view: the patient's right is on your left")
        out += [
            _text(MIDLINE_X, 18, heading, size=14, anchor="middle", font_weight="bold"),
            _text(MIDLINE_X, 33, caption, size=9.5, anchor="middle", fill=MUTED),
        ]
    out += [
        _text(18, 42 + side_size, gettext("R"), size=side_size, font_weight="bold", fill=MUTED),
        _text(
            SKELETON_WIDTH - 18, 42 + side_size, gettext("L"), size=side_size, anchor="end",
            font_weight="bold", fill=MUTED,
        ),
    ]  # fmt: skip
    return out


@cache
def _shared_part(language: str | None) -> tuple[str, str]:
    """What every full-size picture with the usual heading shows in a `language` (the active one), one
    run of its markup: heading, caption, sides, bones with their levels, legend. And that run as an SVG
    `<image>` of the same place and scale, holding it as a data: URL."""
    run = "".join(_heading(gettext("Bone lesions"), overview=False) + [anatomy()] + _legend(language))
    document = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
        f"{_attrs(width=SKELETON_WIDTH, height=ANATOMY_HEIGHT)}"
        f"{_attrs(viewBox=f'0 0 {SKELETON_WIDTH} {_num(ANATOMY_HEIGHT)}', font_family=FONT)}>{run}</svg>"
    )
    href = "data:image/svg+xml;base64," + base64.b64encode(document.encode()).decode("ascii")
    return run, _el("image", x=0, y=0, width=SKELETON_WIDTH, height=ANATOMY_HEIGHT, href=href)


def shared_part_as_image(markup: str) -> str:
    """`markup` (a skeleton picture, `skeleton_svg` or one frozen in a minute, or a page holding several)
    in which, in each picture, what every picture of the active language shows (`_shared_part`) is one
    SVG `<image>`: the same picture, drawn in the same order, which a renderer that draws each image once
    per document (rcp.pdf) draws in a fraction of the time, instead of parsing and drawing its 200
    elements for each picture. A picture without that run (an overview, another heading, another
    language, bones drawn before the asset changed) is left as it is."""
    run, image = _shared_part(get_language())
    return markup.replace(run, image)


def skeleton_svg(marks: list[LesionMark], *, title: str = "", overview: bool = False) -> SafeString:
    """A front view of the skeleton (anatomical position: the patient's right on the viewer's left),
    one mark per lesion, coloured and shaped by severity.

    A paired site without a side (bilateral or not given) is marked on both sides; `hand_foot` is
    marked on the hand; a vertebra without a known level, a rib without its number, `other` and any
    unknown code go to the "Other sites" box under the feet. ValueError for an unknown severity or side.

    `overview` draws it for presentation mode, where it is shown small: no text that would be too small
    to read there (heading, caption, legend, level labels, "Other sites" box), larger marks; the page
    gives the words, `lesion_zoom_svg` the levels, each lesion and the legend.
    """
    for mark in marks:
        _check(mark)
    spots: list[_Spot] = []
    others: list[LesionMark] = []
    for mark in marks:
        found = _spots(mark)
        spots += found
        if not found:
            others.append(mark)
    if overview:
        others = []

    heading = title or gettext("Bone lesions")
    if marks:
        listing = "; ".join(
            f"{mark.label or _describe(mark)} ({gettext(SEVERITY_WORDS[mark.severity]).lower()})"
            for mark in marks
        )
        desc = ngettext(
            "Front view of the skeleton with %(count)d bone lesion: %(list)s.",
            "Front view of the skeleton with %(count)d bone lesions: %(list)s.",
            len(marks),
        ) % {"count": len(marks), "list": listing}
    else:
        desc = gettext("Front view of the skeleton; no bone lesion recorded.")

    height = ANATOMY_HEIGHT + (_other_box_height(len(others)) + 8 if others else 0)
    out = _svg_open(
        uid=_uid("skeleton", repr((marks, title)) + (" overview" if overview else "")),
        width=SKELETON_WIDTH,
        height=height,
        title=heading,
        desc=desc,
    )
    out += _heading(heading, overview=overview)
    out.append(anatomy(levels=not overview))
    if not overview:
        out += _legend(get_language())
    out += _other_box(others)
    radius = _OVERVIEW_MARK_RADIUS if overview else MARK_RADIUS
    lesions = "".join(_lesion_group(spot.mark, x, y, spot.side, radius) for spot, x, y in _spread(spots))
    out.append(_el("g", lesions, class_="lesions"))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text and attribute above is escaped


# --- The lesions zoomed (presentation mode) --------------------------------------------------------

ZOOM_WIDTH = 280
_ZOOM_ROW = 26
_ZOOM_GAP_ROW = 16
_ZOOM_LABEL_SIZE = 15
_ZOOM_NOTE_SIZE = 14
_ZOOM_MARK_RADIUS = 8.0
_ZOOM_AXIS_X = 46


def zoom_levels(marks: list[LesionMark]) -> list[str | None]:
    """The vertebral levels the zoomed spine shows, top to bottom: each involved level, the level above
    the first and below the last, the uninvolved levels between two involved ones when there are at
    most two of them; None where longer stretches are left out."""
    involved = {mark.vertebral_level.strip().upper() for mark in marks if mark.site == "vertebra"}
    indices = sorted(VERTEBRAL_LEVELS.index(level) for level in involved if level in VERTEBRA_BOXES)
    if not indices:
        return []
    shown = {max(indices[0] - 1, 0), min(indices[-1] + 1, len(VERTEBRAL_LEVELS) - 1), *indices}
    for upper, lower in zip(indices, indices[1:], strict=False):
        if lower - upper <= 3:
            shown.update(range(upper, lower))
    out: list[str | None] = []
    for index in sorted(shown):
        if out and VERTEBRAL_LEVELS.index(out[-1]) != index - 1:
            out.append(None)
        out.append(VERTEBRAL_LEVELS[index])
    return out


def _legend_rows(x: float, y: float) -> list[str]:
    """The severity legend, two items a row, for the zoomed lesions."""
    out = [_text(x, y, gettext("Severity"), size=_ZOOM_NOTE_SIZE, font_weight="bold")]
    for index, severity in enumerate(("high", "moderate", "low", None)):
        row, column = divmod(index, 2)
        cx, cy = x + 11 + column * (ZOOM_WIDTH / 2 - 4), y + 24 + row * _ZOOM_ROW
        words = _text(cx + 17, cy + 5, gettext(SEVERITY_WORDS[severity]), size=_ZOOM_NOTE_SIZE)
        out.append(
            _el(
                "g",
                _lesion_mark(severity, cx, cy, _ZOOM_MARK_RADIUS) + words,
                class_="legend-item",
                data_severity=severity or "none",
            )
        )
    return out


def lesion_zoom_svg(marks: list[LesionMark], *, title: str = "") -> SafeString:
    """The lesions drawn large, for presentation mode, where the whole skeleton is too small for its
    words: the involved vertebral levels (one row per level of `zoom_levels`, the involved ones outlined,
    with their marks and each mark's `note`), the lesions of the other bones (one row each), then the
    severity legend. Drawn at ZOOM_WIDTH user units, its texts are 14 px or more when the picture is
    shown ZOOM_WIDTH px wide or more."""
    for mark in marks:
        _check(mark)
    rows = zoom_levels(marks)
    by_level: dict[str, list[LesionMark]] = defaultdict(list)
    for mark in marks:
        level = mark.vertebral_level.strip().upper()
        if mark.site == "vertebra" and level in VERTEBRA_BOXES:
            by_level[level].append(mark)
    spinal = {id(mark) for group in by_level.values() for mark in group}
    others = [mark for mark in marks if id(mark) not in spinal]
    heading = title or gettext("Bone lesions")
    involved = [level for level in rows if level in by_level]
    desc = "; ".join(
        part
        for part in (
            gettext("Vertebral levels: %(levels)s") % {"levels": ", ".join(involved)} if involved else "",
            gettext("Other bones: %(sites)s") % {"sites": ", ".join(_describe(mark) for mark in others)}
            if others
            else "",
        )
        if part
    ) or gettext("No bone lesion recorded.")

    def note_text(x: float, y: float, words: str, **extra) -> str:
        words = _truncate(words, _ZOOM_NOTE_SIZE, ZOOM_WIDTH - x - 4)
        return _text(x, y + _ZOOM_NOTE_SIZE * 0.36, words, size=_ZOOM_NOTE_SIZE, **extra)

    body: list[str] = []
    y = 4.0
    if rows:
        body.append(
            _text(4, y + 14, gettext("Involved vertebral levels"), size=_ZOOM_NOTE_SIZE, font_weight="bold")
        )
        y += 24
    for level in rows:
        if level is None:  # levels left out: a dotted stretch of the spine's axis
            body += [
                _el("circle", cx=_ZOOM_AXIS_X, cy=y + _ZOOM_GAP_ROW * part / 4, r=1.6, fill=MUTED)
                for part in (1, 2, 3)
            ]
            y += _ZOOM_GAP_ROW
            continue
        found = by_level.get(level, [])
        width = min(_vertebra_size(level)[0] * 1.25, 56.0)
        height = _ZOOM_ROW - 5
        body.append(
            _el(
                "rect", class_="vertebra" + (" involved" if found else ""), data_level=level,
                x=_ZOOM_AXIS_X - width / 2, y=y, width=width, height=height, rx=3,
                fill="#e6e0d2" if found else "#f3f1ec", stroke=INK if found else "#8a847a",
                stroke_width=1.6 if found else 1,
            )
        )  # fmt: skip
        body.append(
            _text(
                _ZOOM_AXIS_X, y + height / 2 + _ZOOM_LABEL_SIZE * 0.36, level, size=_ZOOM_LABEL_SIZE,
                anchor="middle", font_weight="bold" if found else "normal", fill=INK if found else MUTED,
            )
        )  # fmt: skip
        x = _ZOOM_AXIS_X + 28 + _ZOOM_MARK_RADIUS + 4
        for mark in found:
            body.append(_lesion_group(mark, x, y + height / 2, mark.side, _ZOOM_MARK_RADIUS))
            x += _ZOOM_MARK_RADIUS * 2 + 4
        note = " · ".join(dict.fromkeys(mark.note for mark in found if mark.note))
        if note:
            body.append(note_text(x - _ZOOM_MARK_RADIUS, y + height / 2, note))
        y += _ZOOM_ROW
    if others:
        y += 10 if rows else 0
        body.append(_text(4, y + 14, gettext("Other bones"), size=_ZOOM_NOTE_SIZE, font_weight="bold"))
        y += 24
        for mark in others:
            cy = y + (_ZOOM_ROW - 5) / 2
            body.append(_lesion_group(mark, 4 + _ZOOM_MARK_RADIUS + 3.2, cy, mark.side, _ZOOM_MARK_RADIUS))
            words = _describe(mark) + (f" · {mark.note}" if mark.note else "")
            body.append(note_text(4 + 2 * _ZOOM_MARK_RADIUS + 12, cy, words))
            y += _ZOOM_ROW
    if not marks:
        body.append(note_text(4, y + 10, desc, fill=MUTED))
        y += _ZOOM_ROW
    y += 20
    body += _legend_rows(4, y)
    height = y + 24 + 2 * _ZOOM_ROW
    out = _svg_open(
        uid=_uid("zoom", repr((marks, title))), width=ZOOM_WIDTH, height=height, title=heading, desc=desc
    )
    out.append(_el("g", "".join(body), class_="zoom"))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text and attribute above is escaped


# --- Timeline --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    """One dated fact. No `end` is a point, except for a systemic, bone-modifying or radiotherapy
    course, where it means ongoing (the bar runs to today)."""

    kind: str  # diagnosis, systemic, bma, radiotherapy, surgery, interventional, imaging, event, decision
    label: str
    start: date
    end: date | None = None
    severity: str | None = None  # colours an event's triangle


# (lane code, English name, kinds), top to bottom.
LANES = (
    ("milestones", gettext_noop("Diagnosis & decisions"), ("diagnosis", "decision")),
    ("systemic", gettext_noop("Systemic treatment"), ("systemic",)),
    ("bma", gettext_noop("Bone-modifying agent"), ("bma",)),
    ("radiotherapy", gettext_noop("Radiotherapy"), ("radiotherapy",)),
    ("procedures", gettext_noop("Surgery & interventional"), ("surgery", "interventional")),
    ("imaging", gettext_noop("Imaging"), ("imaging",)),
    ("events", gettext_noop("Events"), ("event",)),
)
LANE_OF_KIND = {kind: code for code, _name, kinds in LANES for kind in kinds}
# Courses go on until stopped; a surgical or interventional procedure without an end is one day.
ONGOING_KINDS = {"systemic", "bma", "radiotherapy"}
KIND_COLOURS = {
    "diagnosis": "#111827",
    "decision": "#1d4ed8",
    "systemic": "#1d4ed8",
    "bma": "#6d28d9",
    "radiotherapy": "#b45309",
    "surgery": "#374151",
    "interventional": "#0f766e",
    "imaging": "#374151",
    "event": "#9b111e",
}

TIMELINE_WIDTH = 960
_GUTTER = 178  # lane names end here, left of the plot
_PLOT_LEFT = _GUTTER + 14
_PLOT_RIGHT = TIMELINE_WIDTH - 44  # room for the arrows of ongoing courses
_HEADER = 40
_ROW = 22
_LANE_PAD = 6
_LABEL_SIZE = 10.5
_TICK_SIZE = 10.5
_MIN_TICK_GAP = 44
_POINT_LABEL_ROOM = 150


def x_for(day: date, start: date, end: date, width: float) -> float:
    """The x of a day on a linear axis, 0 at `start` and `width` at `end`; not clamped, and an empty
    span counts as one day."""
    return (day - start).days / max((end - start).days, 1) * width


def _domain(items: list[TimelineItem], today: date) -> tuple[date, date]:
    """The axis: from the earliest item to today (or the latest item), at least a week, with a small
    margin each side; the past year when there is nothing."""
    if not items:
        return today - timedelta(days=365), today + timedelta(days=14)
    days = [item.start for item in items] + [item.end for item in items if item.end]
    first, last = min(days), max(*days, today)
    first = min(first, last - timedelta(days=7))
    span = (last - first).days
    return first - timedelta(days=max(1, round(span * 0.02))), last + timedelta(
        days=max(1, round(span * 0.04))
    )


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _tick_candidates(start: date, end: date):
    """(days, labels) for each tick step, finest first: days up to two months ("3 Mar"), months up to
    about two years ("03/2025"), years beyond ("2025")."""
    span = (end - start).days
    if span <= 62:
        for step in (1, 2, 7, 14, 28):
            day = start + timedelta(days=1)
            if step == 7:
                day += timedelta(days=(7 - day.weekday()) % 7)  # Mondays
            ticks = []
            while day <= end:
                ticks.append(day)
                day += timedelta(days=step)
            yield ticks, [date_format(t, "j M Y" if i == 0 else "j M") for i, t in enumerate(ticks)]
    elif span <= 800:
        for step in (1, 2, 3, 6, 12):
            ticks, month = [], _add_months(start, 1)
            while month <= end:
                if (month.month - 1) % step == 0:
                    ticks.append(month)
                month = _add_months(month, 1)
            yield ticks, [t.strftime("%m/%Y") for t in ticks]
    else:
        for step in (1, 2, 5, 10, 20, 50):
            ticks = [date(year, 1, 1) for year in range(start.year + 1, end.year + 1) if year % step == 0]
            yield ticks, [str(t.year) for t in ticks]


def axis_ticks(start: date, end: date, width: float) -> list[tuple[float, date, str]]:
    """(x, day, label) of the axis ticks: the finest step whose labels keep clear of one another."""
    ticks: list[tuple[float, date, str]] = []
    for days, labels in _tick_candidates(start, end):
        ticks = [(x_for(day, start, end, width), day, label) for day, label in zip(days, labels, strict=True)]
        widest = max((_text_width(label, _TICK_SIZE) for label in labels), default=0)
        gaps = [b[0] - a[0] for a, b in zip(ticks, ticks[1:], strict=False)]
        if not gaps or min(gaps) >= max(_MIN_TICK_GAP, widest + 12):
            break
    return ticks


@dataclass
class _Drawn:
    item: TimelineItem
    x0: float
    x1: float
    bar: bool
    ongoing: bool = False
    reach: float = 0  # where the item and its label end, to pack the rows
    row: int = 0


def _item_title(item: TimelineItem, ongoing: bool) -> str:
    start = date_format(item.start, "SHORT_DATE_FORMAT")
    if ongoing:
        return gettext("%(label)s, since %(start)s (ongoing)") % {"label": item.label, "start": start}
    if item.end and item.end != item.start:
        end = date_format(item.end, "SHORT_DATE_FORMAT")
        return gettext("%(label)s, %(start)s to %(end)s") % {"label": item.label, "start": start, "end": end}
    return gettext("%(label)s, %(date)s") % {"label": item.label, "date": start}


def _pack(drawn: list[_Drawn]) -> int:
    """Put each item of a lane on the first row where it overlaps nothing; the number of rows."""
    row_ends: list[float] = []
    for entry in sorted(drawn, key=lambda d: (d.x0, d.x1)):
        end = max(entry.x1, entry.reach)
        free = next((row for row, row_end in enumerate(row_ends) if entry.x0 >= row_end + 3), None)
        if free is None:
            free = len(row_ends)
            row_ends.append(end)
        entry.row, row_ends[free] = free, end
    return max(1, len(row_ends))


def _wrap(words: str, size: float, room: float) -> list[str]:
    """One line, or two cut at the space nearest the middle when the text is too wide."""
    if _text_width(words, size) <= room or " " not in words:
        return [words]
    cut = min((i for i, char in enumerate(words) if char == " "), key=lambda i: abs(i - len(words) / 2))
    return [words[:cut], words[cut + 1 :]]


def _draw_item(entry: _Drawn, top: float, room: float) -> str:
    """One item on its row: a bar, a diamond, a tick, a triangle, a square or a dot, its label where
    it fits (cut with "…" otherwise) and its full description in its <title>."""
    item, x0, x1 = entry.item, entry.x0, entry.x1
    colour = KIND_COLOURS[item.kind]
    if item.kind == "event" and item.severity in ("low", "moderate", "high"):
        colour = SEVERITY_COLOURS[item.severity]
    cy = top + _ROW / 2
    label_x, label_room, inside = x1 + 5, room, False
    if entry.bar:
        shapes = [_el("rect", x=x0, y=cy - 7, width=x1 - x0, height=14, rx=2, fill=colour)]
        if entry.ongoing:
            shapes.append(_el("path", d=_polygon((x1, cy - 9), (x1 + 8, cy), (x1, cy + 9)), fill=colour))
            label_x, label_room = x1 + 11, room - 8
        full = _text_width(item.label, _LABEL_SIZE)
        if full <= x1 - x0 - 8 or (full > label_room and x1 - x0 - 8 >= 36):
            inside, label_x, label_room = True, x0 + 4, x1 - x0 - 8
    elif item.kind in ("diagnosis", "decision"):
        diamond = _polygon((x0 + 6, cy - 7), (x0 + 12, cy), (x0 + 6, cy + 7), (x0, cy))
        fill = colour if item.kind == "diagnosis" else WHITE
        shapes = [_el("path", d=diamond, fill=fill, stroke=colour, stroke_width=2)]
    elif item.kind == "imaging":
        shapes = [_el("line", x1=x0 + 6, y1=cy - 7, x2=x0 + 6, y2=cy + 7, stroke=colour, stroke_width=2.2)]
        label_room = 0  # imaging ticks are many: their names stay in the tooltip
    elif item.kind == "event":
        triangle = _polygon((x0 + 6, cy - 7), (x0 + 12, cy + 6), (x0, cy + 6))
        shapes = [
            _el("path", d=triangle, fill=colour, stroke=WHITE, stroke_width=1),
            _text(x0 + 6, cy + 4.5, "!", size=8, anchor="middle", fill=WHITE, font_weight="bold"),
        ]
    elif item.kind == "surgery":
        shapes = [_el("rect", x=x0 + 1, y=cy - 5, width=10, height=10, fill=colour)]
    else:  # an interventional procedure, one day
        shapes = [_el("circle", cx=x0 + 6, cy=cy, r=5.5, fill=colour)]
    label = _truncate(item.label, _LABEL_SIZE, label_room) if label_room >= 24 else ""
    if label:
        shapes.append(_text(label_x, cy + 3.8, label, size=_LABEL_SIZE, fill=WHITE if inside else INK))
    title = _el("title", escape(_item_title(item, entry.ongoing)))
    return _el(
        "g", title + "".join(shapes), class_="item", data_kind=item.kind, data_lane=LANE_OF_KIND[item.kind],
        data_start=item.start.isoformat(), data_end=item.end.isoformat() if item.end else "",
        data_ongoing="true" if entry.ongoing else None,
    )  # fmt: skip


def timeline_svg(items: list[TimelineItem], *, today: date, title: str = "") -> SafeString:
    """The history of a case on one horizontal time axis, from the earliest item to today, lane by
    lane: diagnosis and decisions, systemic treatment, bone-modifying agent, radiotherapy, surgery and
    interventional procedures, imaging, skeletal-related events. ValueError for an unknown kind."""
    for item in items:
        if item.kind not in LANE_OF_KIND:
            raise ValueError(f"unknown timeline kind {item.kind!r}: expected one of {sorted(LANE_OF_KIND)}")
    start, end = _domain(items, today)
    plot_width = _PLOT_RIGHT - _PLOT_LEFT

    def x_of(day: date) -> float:
        return _PLOT_LEFT + x_for(day, start, end, plot_width)

    x_today = x_of(today)
    lanes: dict[str, list[_Drawn]] = {code: [] for code, _name, _kinds in LANES}
    for item in items:
        course = item.kind in ONGOING_KINDS
        x0 = x_of(item.start)
        if course and item.end is None:
            drawn = _Drawn(item, x0, max(x_today, x0 + 4), bar=True, ongoing=x0 < x_today)
        elif item.end and (course or item.end > item.start):
            drawn = _Drawn(item, x0, max(x_of(item.end), x0 + 4), bar=True)
        else:  # a point keeps room on its row for a short label (imaging shows its own on hover only)
            label = (
                0 if item.kind == "imaging" else min(_text_width(item.label, _LABEL_SIZE), _POINT_LABEL_ROOM)
            )
            drawn = _Drawn(item, x0 - 6, x0 + 6, bar=False, reach=x0 + 11 + label)
        lanes[LANE_OF_KIND[item.kind]].append(drawn)

    bands, shapes, y = [], [], float(_HEADER)
    for index, (code, name, _kinds) in enumerate(LANES):
        rows = _pack(lanes[code])
        lines = _wrap(gettext(name), 11.5, _GUTTER - 16)
        height = max(rows * _ROW + 2 * _LANE_PAD, 16 * len(lines) + 8)
        band = _el(
            "rect", class_="lane-band", data_lane=code, x=0, y=y, width=TIMELINE_WIDTH, height=height,
            fill="#f3f4f6" if index % 2 == 0 else WHITE,
        )  # fmt: skip
        first = y + height / 2 - (len(lines) - 1) * 7 + 4
        names = "".join(
            _text(_GUTTER, first + n * 14, line, size=11.5, anchor="end", font_weight="bold")
            for n, line in enumerate(lines)
        )
        bands.append(_el("g", band + names, class_="lane", data_lane=code))
        for entry in lanes[code]:
            following = min(
                (other.x0 for other in lanes[code] if other.row == entry.row and other.x0 > entry.x0),
                default=TIMELINE_WIDTH - 4,
            )
            shapes.append(_draw_item(entry, y + _LANE_PAD + entry.row * _ROW, following - entry.x1 - 9))
        y += height
    bottom = y

    axis = [_el("line", x1=_PLOT_LEFT, y1=bottom, x2=_PLOT_RIGHT, y2=bottom, stroke=INK, stroke_width=1.2)]
    for x, day, label in axis_ticks(start, end, plot_width):
        x += _PLOT_LEFT
        tick = (
            _el("line", x1=x, y1=_HEADER, x2=x, y2=bottom, stroke="#d1d5db", stroke_width=1)
            + _el("line", x1=x, y1=bottom, x2=x, y2=bottom + 5, stroke=INK, stroke_width=1.2)
            + _text(x, bottom + 18, label, size=_TICK_SIZE, anchor="middle", fill=MUTED)
        )
        axis.append(_el("g", tick, class_="tick", data_date=day.isoformat()))
    today_line = _el(
        "g",
        _el(
            "line", x1=x_today, y1=_HEADER - 6, x2=x_today, y2=bottom, stroke=INK, stroke_width=1.5,
            stroke_dasharray="5 3",
        )
        + _text(x_today + 4, _HEADER - 8, gettext("Today"), size=10.5, anchor="end", font_weight="bold"),
        class_="today",
    )  # fmt: skip

    empty_note = gettext("No dated item to show yet.")
    if items:
        listing = "; ".join(
            _item_title(entry.item, entry.ongoing)
            for drawn in lanes.values()
            for entry in sorted(drawn, key=lambda d: d.x0)
        )
        desc = ngettext(
            "Timeline from %(start)s to today (%(today)s), %(count)d item: %(list)s.",
            "Timeline from %(start)s to today (%(today)s), %(count)d items: %(list)s.",
            len(items),
        ) % {
            "start": date_format(min(item.start for item in items), "SHORT_DATE_FORMAT"),
            "today": date_format(today, "SHORT_DATE_FORMAT"),
            "count": len(items),
            "list": listing,
        }
    else:
        desc = empty_note

    heading = title or gettext("Timeline")
    out = _svg_open(
        uid=_uid("timeline", repr((items, today, title))),
        width=TIMELINE_WIDTH,
        height=bottom + 30,
        title=heading,
        desc=desc,
    )
    out.append(_text(8, 18, heading, size=14, font_weight="bold"))
    out += bands + axis
    if not items:
        middle = ((_PLOT_LEFT + _PLOT_RIGHT) / 2, (_HEADER + bottom) / 2 + 4)
        out.append(_text(*middle, empty_note, size=13, anchor="middle", fill=MUTED, font_style="italic"))
    out.append(today_line)
    out.append(_el("g", "".join(shapes), class_="items"))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text and attribute above is escaped
