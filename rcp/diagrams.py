"""Server-side SVG pictures for the board's dossier: a front-view skeleton with the bone lesions, and a
timeline of the disease and its treatments.

Both are pure functions of plain values (no database, no request) that return one self-contained
SVG 1.1 element: inline presentation attributes only, no script, no external reference, a generic
sans-serif font, a viewBox and width="100%" so the picture scales on screen, on a projector and in the
PDF minute (WeasyPrint). Every text is escaped and every visible word goes through gettext.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext

from patients.choices import PAIRED_SITES, VERTEBRAL_LEVELS

FONT = "sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"

# Severity colours keep their contrast on a projector and stay distinct from the bones in greyscale;
# the glyph inside the mark (see `_severity_glyph`) carries the same information without colour.
SEVERITY_COLOURS = {"high": "#9b111e", "moderate": "#c77800", "low": "#0b5d33", None: "#555555"}
SEVERITY_WORDS = {
    "high": gettext_noop("High"),
    "moderate": gettext_noop("Moderate"),
    "low": gettext_noop("Low"),
    None: gettext_noop("Not scored"),
}
SIDES = ("right", "left", "midline", "")


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _attrs(**attributes) -> str:
    """` name="value"` pairs, escaped; None values are left out; `data_site` becomes `data-site`."""
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _num(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return "".join(parts)


def _text(x: float, y: float, content: str, *, size: float = 10, anchor: str = "start", **extra) -> str:
    extra.setdefault("fill", INK)
    return (
        f"<text{_attrs(x=x, y=y, font_family=FONT, font_size=size, text_anchor=anchor, **extra)}>"
        f"{escape(content)}</text>"
    )


def _text_width(content: str, size: float) -> float:
    """A conservative estimate of the rendered width of a sans-serif text (no font metrics here)."""
    return len(content) * size * 0.6


def _truncate(content: str, size: float, room: float) -> str:
    """The text, cut with "…" so that it fits `room`; "" when not even one letter fits."""
    if _text_width(content, size) <= room:
        return content
    letters = int(room / (size * 0.6)) - 1
    return content[:letters].rstrip() + "…" if letters >= 1 else ""


def _svg_open(*, uid: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"{_attrs(viewBox=f"0 0 {_num(width)} {_num(height)}")}'
        f' width="100%" role="img" preserveAspectRatio="xMidYMid meet"'
        f"{_attrs(aria_labelledby=f'{uid}-title {uid}-desc', font_family=FONT)}>",
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
        f"<rect{_attrs(x=0, y=0, width=width, height=height, fill='#ffffff')}/>",
    ]


def _uid(prefix: str, payload: str) -> str:
    """A deterministic id prefix (the same data gives the same SVG, two pictures get two ids)."""
    return f"{prefix}-{hashlib.sha256(payload.encode()).hexdigest()[:10]}"


# --------------------------------------------------------------------------------------------------
# Skeleton
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LesionMark:
    """One lesion to place on the skeleton; `site` is a `patients.choices.SkeletalSite` code."""

    site: str
    vertebral_level: str = ""
    rib_number: int | None = None
    side: str = ""  # "right" | "left" | "midline" | ""
    severity: str | None = None  # "low" | "moderate" | "high" | None (not scored)
    label: str = ""  # e.g. "T11 · SINS 14 unstable"


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


def _vertebra_shape(level: str) -> tuple[float, float]:
    """(width, height) of a vertebra's box: small cervical, growing thoracic, large lumbar, a
    narrowing sacrum."""
    region, number = level[0], int(level[1:])
    if region == "C":
        return (30.0 if number == 1 else 24.0), 12.0
    if region == "T":
        return 24.0 + number * 0.6, 14.0
    if region == "L":
        return 34.0 + number, 17.0
    return 46.0 - 7 * (number - 1), 14.0 - number


def _build_vertebra_boxes() -> dict[str, tuple[float, float, float, float]]:
    boxes, y = {}, SPINE_TOP
    for level in VERTEBRAL_LEVELS:
        width, height = _vertebra_shape(level)
        boxes[level] = (MIDLINE_X - width / 2, y, width, height)
        y += height + _SPINE_GAP
    return boxes


VERTEBRA_BOXES = _build_vertebra_boxes()
_SPINE_BOTTOM = VERTEBRA_BOXES["S5"][1] + VERTEBRA_BOXES["S5"][3]


def vertebra_box(level: str) -> tuple[float, float, float, float]:
    """(x, y, width, height) of a vertebra ("C1"…"C7", "T1"…"T12", "L1"…"L5", "S1"…"S5") in the
    skeleton's coordinates; the levels are stacked top to bottom without overlap. KeyError otherwise."""
    return VERTEBRA_BOXES[level.strip().upper()]


def _box_centre(level: str) -> tuple[float, float]:
    x, y, width, height = vertebra_box(level)
    return x + width / 2, y + height / 2


def _mirror(side: str, dx: float) -> float:
    """The x of a point `dx` from the midline on the patient's `side` (right is the viewer's left)."""
    return MIDLINE_X - dx if side == "right" else MIDLINE_X + dx


# Ribs: half-width of the lateral arc, and where the front end of the rib lies (x from the midline, y).
_RIB_LATERAL = (55, 72, 84, 92, 97, 100, 101, 100, 97, 92, 80, 66)
_RIB_FRONT = (
    (14, 296),
    (13, 318),
    (13, 336),
    (13, 352),
    (13, 368),
    (13, 384),
    (14, 402),
    (28, 420),
    (42, 438),
    (58, 454),
    None,  # ribs 11 and 12 float: no front end
    None,
)


def _rib_start(number: int) -> tuple[float, float]:
    """Half-width and y where rib `number` leaves the side of its thoracic vertebra."""
    x, y, width, height = vertebra_box(f"T{number}")
    return width / 2, y + height / 2


def rib_point(number: int, side: str) -> tuple[float, float]:
    """The most lateral point of a rib (1–12) on the patient's "right" or "left", where its mark goes;
    it is lower for each rib down the chest."""
    if not 1 <= number <= 12 or side not in ("right", "left"):
        raise ValueError(f"no rib {number!r} on side {side!r}")
    _, y0 = _rib_start(number)
    return _mirror(side, _RIB_LATERAL[number - 1]), y0 + 20


def _hip_y() -> float:
    return _SPINE_BOTTOM + 4


# Where each site's mark goes, by the patient's side; unpaired sites under "midline" (the skull and the
# mandible also have a right and a left point). Vertebrae: `vertebra_box`; ribs: `rib_point`.
def _build_site_geometry() -> dict[tuple[str, str], tuple[float, float]]:
    hip = _hip_y()
    shoulder = vertebra_box("T2")[1] - 2
    paired = {
        "clavicle": (58, shoulder - 14),
        "scapula": (94, shoulder + 16),
        "ilium": (66, vertebra_box("S1")[1] - 2),
        "acetabulum": (64, hip - 8),
        "ischium": (60, hip + 46),
        "pubis": (30, hip + 18),
        "femur_head_neck": (92, hip + 8),
        "femur_trochanteric": (108, hip + 22),
        "femur_subtrochanteric": (100, hip + 54),
        "femur_shaft": (88, hip + 130),
        "femur_distal": (71, hip + 200),
        "humerus_proximal": (118, shoulder + 36),
        "humerus_shaft": (126, shoulder + 90),
        "humerus_distal": (136, shoulder + 152),
        "radius_ulna": (150, shoulder + 240),
        "tibia": (64, hip + 330),
        "fibula": (88, hip + 336),
        "hand_foot": (168, shoulder + 345),
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
            ("coccyx", "midline"): (MIDLINE_X, _SPINE_BOTTOM + 8),
        }
    )
    return geometry


SITE_GEOMETRY = _build_site_geometry()
_FEET_BOTTOM = _hip_y() + 476
_LEGEND_ORIGIN = (12.0, _hip_y() + 270)
_OTHER_ROW = 17
_OTHER_ROWS_MAX = 12


@dataclass(frozen=True)
class _Placement:
    mark: LesionMark
    key: tuple
    x: float
    y: float
    box: tuple[float, float, float, float] | None = None  # keeps a vertebra's marks inside its box


def _check_mark(mark: LesionMark) -> None:
    if mark.severity not in SEVERITY_COLOURS:
        raise ValueError(f"unknown severity {mark.severity!r}: expected 'low', 'moderate', 'high' or None")
    if mark.side not in SIDES:
        raise ValueError(f"unknown side {mark.side!r}: expected 'right', 'left', 'midline' or ''")


def _place(mark: LesionMark) -> list[_Placement]:
    """Where a mark goes: one point, two for a paired site without a side (bilateral or unknown), or
    none when it belongs in the "other sites" box (other, unknown site, missing level or rib number)."""
    sides = [mark.side] if mark.side in ("right", "left") else ["right", "left"]
    if mark.site == "vertebra":
        level = mark.vertebral_level.strip().upper()
        if level not in VERTEBRA_BOXES:
            return []
        return [_Placement(mark, ("vertebra", level), *_box_centre(level), box=VERTEBRA_BOXES[level])]
    if mark.site == "rib":
        if not isinstance(mark.rib_number, int) or not 1 <= mark.rib_number <= 12:
            return []
        return [_Placement(mark, ("rib", mark.rib_number, s), *rib_point(mark.rib_number, s)) for s in sides]
    if mark.site in PAIRED_SITES:
        return [_Placement(mark, (mark.site, s), *SITE_GEOMETRY[(mark.site, s)]) for s in sides]
    side = mark.side if (mark.site, mark.side) in SITE_GEOMETRY else "midline"
    if (mark.site, side) in SITE_GEOMETRY:
        return [_Placement(mark, (mark.site, side), *SITE_GEOMETRY[(mark.site, side)])]
    return []


def _spread(placements: list[_Placement]) -> list[tuple[_Placement, float, float]]:
    """Several lesions at the same place are set side by side (in two rows past three) so all show."""
    groups: dict[tuple, list[_Placement]] = defaultdict(list)
    for placement in placements:
        groups[placement.key].append(placement)
    result = []
    for group in groups.values():
        per_row = 3 if len(group) > 3 else len(group)
        rows = math.ceil(len(group) / per_row)
        for index, placement in enumerate(group):
            row, column = divmod(index, per_row)
            in_row = min(per_row, len(group) - row * per_row)
            x = placement.x + (column - (in_row - 1) / 2) * (MARK_RADIUS * 1.7)
            y = placement.y + (row - (rows - 1) / 2) * (MARK_RADIUS * 1.7)
            if placement.box is not None:
                bx, by, bw, bh = placement.box
                x = min(max(x, bx + 1), bx + bw - 1)
                y = min(max(y, by + 1), by + bh - 1)
            result.append((placement, x, y))
    return result


def _severity_glyph(severity: str | None, x: float, y: float, radius: float) -> str:
    """The non-colour cue: a double ring and "!" for high, "!" for moderate, a hollow centre for low,
    "?" for not scored."""
    colour = SEVERITY_COLOURS[severity]
    parts = []
    if severity == "high":
        parts.append(
            f"<circle{_attrs(cx=x, cy=y, r=radius + 3.2, fill='none', stroke=colour, stroke_width=2)}/>"
        )
    parts.append(f"<circle{_attrs(cx=x, cy=y, r=radius, fill=colour, stroke='#ffffff', stroke_width=1.2)}/>")
    if severity == "low":
        parts.append(f"<circle{_attrs(cx=x, cy=y, r=radius * 0.42, fill='#ffffff')}/>")
    else:
        glyph = "?" if severity is None else "!"
        parts.append(
            _text(
                x,
                y + radius * 0.62,
                glyph,
                size=radius * 1.75,
                anchor="middle",
                fill="#ffffff",
                font_weight="bold",
            )
        )
    return "".join(parts)


def _describe(mark: LesionMark) -> str:
    """The lesion in words, for its tooltip and the picture's description, when it has no label."""
    if mark.site == "vertebra" and mark.vertebral_level:
        name = mark.vertebral_level.strip().upper()
    elif mark.site == "rib" and mark.rib_number:
        name = gettext("Rib %(number)d") % {"number": mark.rib_number}
    else:
        name = gettext(SITE_NAMES.get(mark.site, SITE_NAMES["other"]))
    if mark.side in SIDE_WORDS and mark.site != "vertebra":
        name = gettext("%(site)s, %(side)s") % {"site": name, "side": gettext(SIDE_WORDS[mark.side])}
    return name


def _mark_group(mark: LesionMark, x: float, y: float, side: str) -> str:
    severity = "none" if mark.severity is None else mark.severity
    tooltip = mark.label or _describe(mark)
    return (
        f'<g class="lesion"{_attrs(data_site=mark.site, data_level=mark.vertebral_level.strip().upper(), data_side=side, data_severity=severity)}>'
        f"<title>{escape(tooltip)}</title>"
        f"{_severity_glyph(mark.severity, x, y, MARK_RADIUS)}</g>"
    )


def _bone(path: str, *, faint: bool = False) -> str:
    if faint:
        return f"<path{_attrs(d=path, fill='#f3f1ec', stroke='#b8b4aa', stroke_width=1, stroke_dasharray='3 2')}/>"
    return f"<path{_attrs(d=path, fill='#ebe7de', stroke='#5f5a50', stroke_width=1.2, stroke_linejoin='round')}/>"


def _long_bone(
    x1: float, y1: float, x2: float, y2: float, width: float, end_width: float | None = None
) -> str:
    """A long bone from (x1, y1) to (x2, y2): a shaft with rounded, slightly wider ends."""
    end_width = end_width or width * 1.6
    angle = math.atan2(y2 - y1, x2 - x1)
    nx, ny = -math.sin(angle), math.cos(angle)
    h, e = width / 2, end_width / 2
    ux, uy = math.cos(angle) * 6, math.sin(angle) * 6
    pts = [
        (x1 + nx * e, y1 + ny * e),
        (x1 + ux * 2 + nx * h, y1 + uy * 2 + ny * h),
        (x2 - ux * 2 + nx * h, y2 - uy * 2 + ny * h),
        (x2 + nx * e, y2 + ny * e),
        (x2 - nx * e, y2 - ny * e),
        (x2 - ux * 2 - nx * h, y2 - uy * 2 - ny * h),
        (x1 + ux * 2 - nx * h, y1 + uy * 2 - ny * h),
        (x1 - nx * e, y1 - ny * e),
    ]
    d = (
        f"M{_num(pts[0][0])},{_num(pts[0][1])} L{_num(pts[1][0])},{_num(pts[1][1])} "
        f"L{_num(pts[2][0])},{_num(pts[2][1])} L{_num(pts[3][0])},{_num(pts[3][1])} "
        f"A{_num(e)},{_num(e)} 0 0 0 {_num(pts[4][0])},{_num(pts[4][1])} "
        f"L{_num(pts[5][0])},{_num(pts[5][1])} L{_num(pts[6][0])},{_num(pts[6][1])} "
        f"L{_num(pts[7][0])},{_num(pts[7][1])} A{_num(e)},{_num(e)} 0 0 0 {_num(pts[0][0])},{_num(pts[0][1])} Z"
    )
    return _bone(d)


def _path(*points: tuple[float, float], close: bool = True) -> str:
    d = "M" + " L".join(f"{_num(x)},{_num(y)}" for x, y in points)
    return d + (" Z" if close else "")


def _side_bones(side: str) -> list[str]:
    """The bones of one side, outside in: scapula (faint, behind), clavicle, humerus, forearm, hand,
    ilium, ischium and pubis, femur, tibia and fibula, foot."""
    m = lambda dx: _mirror(side, dx)  # noqa: E731
    out = []
    shoulder = vertebra_box("T2")[1] - 2
    hip = _hip_y()
    # Scapula, faint: it lies behind the ribs.
    out.append(
        _bone(
            _path(
                (m(54), shoulder - 8), (m(102), shoulder - 6), (m(100), shoulder + 14), (m(78), shoulder + 92)
            ),
            faint=True,
        )
    )
    # Clavicle: a gentle S from the manubrium to the acromion.
    out.append(
        _bone(
            f"M{_num(m(16))},{_num(shoulder - 8)} C{_num(m(40))},{_num(shoulder - 4)} {_num(m(70))},{_num(shoulder - 24)} "
            f"{_num(m(104))},{_num(shoulder - 16)} L{_num(m(104))},{_num(shoulder - 9)} "
            f"C{_num(m(70))},{_num(shoulder - 16)} {_num(m(40))},{_num(shoulder + 4)} {_num(m(16))},{_num(shoulder - 1)} Z"
        )
    )
    # Upper limb, slightly away from the trunk.
    out.append(
        f"<circle{_attrs(cx=m(112), cy=shoulder + 4, r=11, fill='#ebe7de', stroke='#5f5a50', stroke_width=1.2)}/>"
    )
    out.append(_long_bone(m(114), shoulder + 10, m(138), shoulder + 166, 10, 18))
    out.append(_long_bone(m(136), shoulder + 176, m(146), shoulder + 316, 5, 8))  # ulna
    out.append(_long_bone(m(146), shoulder + 176, m(160), shoulder + 314, 6, 9))  # radius
    wrist = shoulder + 322
    out.append(
        _bone(
            _path(
                (m(140), wrist),
                (m(166), wrist - 2),
                (m(176), wrist + 22),
                (m(178), wrist + 56),
                (m(164), wrist + 60),
                (m(150), wrist + 52),
                (m(140), wrist + 24),
            )
        )
    )
    for finger in range(4):
        fx = 146 + finger * 7.5
        out.append(
            f"<line{_attrs(x1=m(fx), y1=wrist + 26, x2=m(fx + 3), y2=wrist + 54, stroke='#8a847a', stroke_width=1)}/>"
        )
    # Pelvis: ilium (wing), pubis and ischium around the obturator foramen, the acetabulum.
    s1_top = vertebra_box("S1")[1]
    out.append(
        _bone(
            f"M{_num(m(22))},{_num(s1_top + 2)} C{_num(m(34))},{_num(s1_top - 40)} {_num(m(80))},{_num(s1_top - 46)} "
            f"{_num(m(104))},{_num(s1_top - 20)} C{_num(m(112))},{_num(s1_top - 4)} {_num(m(104))},{_num(s1_top + 18)} "
            f"{_num(m(86))},{_num(hip - 14)} L{_num(m(48))},{_num(hip - 12)} "
            f"C{_num(m(36))},{_num(hip - 24)} {_num(m(26))},{_num(s1_top + 30)} {_num(m(22))},{_num(s1_top + 2)} Z"
        )
    )
    out.append(
        _bone(
            f"M{_num(m(86))},{_num(hip - 14)} C{_num(m(90))},{_num(hip + 30)} {_num(m(80))},{_num(hip + 56)} "
            f"{_num(m(60))},{_num(hip + 58)} C{_num(m(44))},{_num(hip + 58)} {_num(m(30))},{_num(hip + 40)} "
            f"{_num(m(3))},{_num(hip + 34)} L{_num(m(3))},{_num(hip + 6)} "
            f"C{_num(m(24))},{_num(hip + 4)} {_num(m(36))},{_num(hip - 6)} {_num(m(48))},{_num(hip - 12)} Z"
        )
    )
    out.append(
        f"<ellipse{_attrs(cx=m(48), cy=hip + 30, rx=13, ry=15, fill='#ffffff', stroke='#5f5a50', stroke_width=1)}/>"
    )
    out.append(
        f"<circle{_attrs(cx=m(74), cy=hip + 2, r=15, fill='#ddd8cc', stroke='#5f5a50', stroke_width=1.2)}/>"
    )
    # Femur: head in the acetabulum, neck, greater trochanter, shaft, condyles; the patella in front.
    def outline(*points: tuple[float, float]) -> str:
        return _bone(_path(*((m(dx), hip + dy) for dx, dy in points)))

    out.append(
        outline(
            (80, -5), (100, 0), (108, -4), (116, 4), (117, 24), (110, 42), (92, 150), (86, 206), (94, 218),
            (92, 230), (76, 234), (70, 228), (64, 234), (50, 230), (48, 216), (58, 204), (76, 118), (88, 50),
            (82, 40), (84, 24), (78, 12),
        )
    )
    out.append(f"<circle{_attrs(cx=m(74), cy=hip + 2, r=10, fill='#ebe7de', stroke='#5f5a50', stroke_width=1.2)}/>")
    out.append(
        f"<ellipse{_attrs(cx=m(71), cy=hip + 214, rx=8, ry=10, fill='#f6f3ec', stroke='#8a847a', stroke_width=1)}/>"
    )
    # Leg: tibia (medial, large) and fibula (lateral, thin), then the foot.
    out.append(
        outline(
            (46, 240), (86, 240), (90, 250), (74, 268), (70, 400), (74, 416), (68, 424), (48, 424), (50, 410),
            (56, 398), (58, 268), (44, 252),
        )
    )
    out.append(_long_bone(m(92), hip + 248, m(86), hip + 418, 5, 8))
    out.append(outline((48, 430), (90, 430), (98, 452), (104, 472), (80, 476), (58, 472), (46, 450)))
    return out


def _midline_bones() -> list[str]:
    out = []
    # Skull: cranium, orbits, nasal aperture, maxilla; the mandible below.
    out.append(
        f"<ellipse{_attrs(cx=MIDLINE_X, cy=92, rx=40, ry=48, fill='#ebe7de', stroke='#5f5a50', stroke_width=1.4)}/>"
    )
    for dx in (-16, 16):
        out.append(
            f"<ellipse{_attrs(cx=MIDLINE_X + dx, cy=98, rx=10, ry=8, fill='#ffffff', stroke='#5f5a50', stroke_width=1)}/>"
        )
    out.append(_bone(_path((MIDLINE_X, 106), (MIDLINE_X - 6, 120), (MIDLINE_X + 6, 120))))
    out.append(
        _bone(
            f"M{_num(MIDLINE_X - 34)},{_num(120)} C{_num(MIDLINE_X - 34)},{_num(146)} {_num(MIDLINE_X - 20)},{_num(162)} "
            f"{_num(MIDLINE_X)},{_num(162)} C{_num(MIDLINE_X + 20)},{_num(162)} {_num(MIDLINE_X + 34)},{_num(146)} "
            f"{_num(MIDLINE_X + 34)},{_num(120)} L{_num(MIDLINE_X + 26)},{_num(124)} "
            f"C{_num(MIDLINE_X + 24)},{_num(146)} {_num(MIDLINE_X + 14)},{_num(150)} {_num(MIDLINE_X)},{_num(150)} "
            f"C{_num(MIDLINE_X - 14)},{_num(150)} {_num(MIDLINE_X - 24)},{_num(146)} {_num(MIDLINE_X - 26)},{_num(124)} Z"
        )
    )
    out.append(
        f"<line{_attrs(x1=MIDLINE_X - 18, y1=132, x2=MIDLINE_X + 18, y2=132, stroke='#8a847a', stroke_width=1)}/>"
    )
    return out


def _ribs() -> list[str]:
    """Twelve ribs a side: the back of each rib (thin, behind) from its vertebra out to the lateral arc,
    the front (stronger) back to the sternum or the costal margin; 11 and 12 float."""
    out = []
    for side in ("right", "left"):
        for number in range(1, 13):
            half, y0 = _rib_start(number)
            lateral_x, lateral_y = rib_point(number, side)
            start_x = _mirror(side, half)
            control_x = _mirror(side, half + (_RIB_LATERAL[number - 1] - half) * 0.6)
            back = (
                f"M{_num(start_x)},{_num(y0)} C{_num(control_x)},{_num(y0 - 8)} "
                f"{_num(lateral_x)},{_num(y0 + 2)} {_num(lateral_x)},{_num(lateral_y)}"
            )
            front_end = _RIB_FRONT[number - 1]
            if front_end is None:
                tip_x = _mirror(side, _RIB_LATERAL[number - 1] - 14)
                back += f" Q{_num(lateral_x)},{_num(lateral_y + 10)} {_num(tip_x)},{_num(lateral_y + 16)}"
            out.append(
                f"<path{_attrs(d=back, fill='none', stroke='#7d776c', stroke_width=3.2, stroke_linecap='round')}/>"
            )
            out.append(
                f"<path{_attrs(d=back, fill='none', stroke='#ebe7de', stroke_width=1.6, stroke_linecap='round')}/>"
            )
            if front_end is not None:
                end_x, end_y = _mirror(side, front_end[0]), front_end[1]
                cx1 = _mirror(side, _RIB_LATERAL[number - 1] * 0.55 + front_end[0] * 0.45)
                front = (
                    f"M{_num(lateral_x)},{_num(lateral_y)} C{_num(lateral_x)},{_num(lateral_y + 14)} "
                    f"{_num(cx1)},{_num(end_y + 4)} {_num(end_x)},{_num(end_y)}"
                )
                colour = "#5f5a50" if number <= 7 else "#8a847a"
                out.append(
                    f"<path{_attrs(d=front, fill='none', stroke=colour, stroke_width=2.4, stroke_linecap='round')}/>"
                )
    return out


def _sternum() -> list[str]:
    top = vertebra_box("T1")[1] + 4
    d = _path(
        (MIDLINE_X - 20, top),
        (MIDLINE_X + 20, top),
        (MIDLINE_X + 12, top + 34),
        (MIDLINE_X + 14, top + 118),
        (MIDLINE_X + 6, top + 128),
        (MIDLINE_X, top + 142),
        (MIDLINE_X - 6, top + 128),
        (MIDLINE_X - 14, top + 118),
        (MIDLINE_X - 12, top + 34),
    )
    return [
        f"<path{_attrs(d=d, fill='#e8e3d6', fill_opacity=0.55, stroke='#5f5a50', stroke_width=1.3, stroke_dasharray='5 2')}/>"
    ]


def _spine() -> tuple[list[str], list[str]]:
    """One box per vertebra, then the coccyx; and the level labels, drawn last so that the sternum in
    front does not hide them."""
    out, labels = [], []
    for level in VERTEBRAL_LEVELS:
        x, y, width, height = VERTEBRA_BOXES[level]
        sacral = level.startswith("S")
        out.append(
            f'<rect class="vertebra"{_attrs(data_level=level, x=x, y=y, width=width, height=height, rx=2, fill="#ddd6c6" if sacral else "#e6e0d2", stroke="#4b463d", stroke_width=1)}/>'
        )
        size = min(7.5, height * 0.66)
        labels.append(
            _text(
                x + width / 2, y + height / 2 + size * 0.36, level, size=size, anchor="middle", fill="#2b2823"
            )
        )
    s5 = VERTEBRA_BOXES["S5"]
    top = s5[1] + s5[3] + 1.5
    out.append(
        _bone(
            _path(
                (MIDLINE_X - 7, top),
                (MIDLINE_X + 7, top),
                (MIDLINE_X + 2, top + 14),
                (MIDLINE_X - 2, top + 14),
            )
        )
    )
    return out, labels


def _legend() -> list[str]:
    x, y = _LEGEND_ORIGIN
    out = [
        f"<rect{_attrs(x=x - 4, y=y - 18, width=112, height=100, rx=4, fill='#ffffff', stroke='#c9c5bb')}/>",
        _text(x + 2, y - 4, gettext("Severity"), size=11, font_weight="bold"),
    ]
    for row, severity in enumerate(("high", "moderate", "low", None)):
        cy = y + 14 + row * 19
        out.append(
            f'<g class="legend-item"{_attrs(data_severity=severity or "none")}>'
            f"{_severity_glyph(severity, x + 12, cy, MARK_RADIUS)}"
            f"{_text(x + 28, cy + 3.8, gettext(SEVERITY_WORDS[severity]), size=10.5)}</g>"
        )
    return out


def _other_box_height(count: int) -> float:
    return 0 if not count else 30 + min(count, _OTHER_ROWS_MAX) * _OTHER_ROW


def _other_box(marks: list[LesionMark]) -> list[str]:
    """The lesions that have no place on the drawing, one row each, in a box under the feet."""
    if not marks:
        return []
    x, y, width, height = 8.0, _FEET_BOTTOM + 12, SKELETON_WIDTH - 16.0, _other_box_height(len(marks))
    row_height = _OTHER_ROW
    shown = marks if len(marks) <= _OTHER_ROWS_MAX else marks[: _OTHER_ROWS_MAX - 1]
    out = [
        f"<rect{_attrs(x=x, y=y, width=width, height=height, rx=4, fill='#ffffff', stroke='#8a847a', stroke_dasharray='4 2')}/>",
        _text(x + 8, y + 15, gettext("Other sites"), size=11, font_weight="bold"),
    ]
    for row, mark in enumerate(shown):
        cy = y + 32 + row * row_height
        cx = x + 14
        out.append(_mark_group(mark, cx, cy, mark.side))
        text = _truncate(mark.label or _describe(mark), 9, width - 32)
        out.append(_text(cx + 12, cy + 3.3, text, size=9))
    if len(shown) < len(marks):
        more = len(marks) - len(shown)
        out.append(
            _text(
                x + 8,
                y + 32 + len(shown) * row_height + 3,
                ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more},
                size=9,
                fill=MUTED,
            )
        )
    return out


def skeleton_svg(marks: list[LesionMark], *, title: str = "") -> SafeString:
    """A front view of the skeleton (anatomical position: the patient's right on the viewer's left)
    with one mark per lesion, coloured and shaped by severity.

    A paired site without a side (bilateral or unknown) is marked on both sides; a vertebra without a
    known level, a rib without its number, `other` and any unknown site go to the "Other sites" box;
    `hand_foot` is marked on the hand. Raises ValueError for an unknown severity or side."""
    for mark in marks:
        _check_mark(mark)
    placed: list[_Placement] = []
    others: list[LesionMark] = []
    for mark in marks:
        spots = _place(mark)
        placed.extend(spots)
        if not spots:
            others.append(mark)

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

    uid = _uid("skeleton", repr((marks, title)))
    height = _FEET_BOTTOM + 12 + (_other_box_height(len(others)) + 8 if others else 0)
    out = _svg_open(uid=uid, width=SKELETON_WIDTH, height=height, title=heading, desc=desc)
    out.append(_text(MIDLINE_X, 18, heading, size=14, anchor="middle", font_weight="bold"))
    out.append(
        _text(
            MIDLINE_X,
            33,
            gettext("Front view: the patient's right is on your left"),
            size=9.5,
            anchor="middle",
            fill=MUTED,
        )
    )
    out.append(_text(18, 62, gettext("R"), size=20, font_weight="bold", fill=MUTED))
    out.append(
        _text(SKELETON_WIDTH - 18, 62, gettext("L"), size=20, anchor="end", font_weight="bold", fill=MUTED)
    )
    out.append('<g class="bones">')
    for side in ("right", "left"):
        out.extend(_side_bones(side))
    out.extend(_ribs())
    vertebrae, levels = _spine()
    out.extend(vertebrae)
    out.extend(_sternum())
    out.extend(levels)
    out.extend(_midline_bones())
    out.append("</g>")
    out.extend(_legend())
    out.extend(_other_box(others))
    out.append('<g class="lesions">')
    for placement, x, y in _spread(placed):
        side = placement.key[-1] if placement.key[-1] in ("right", "left") else placement.mark.side
        out.append(_mark_group(placement.mark, x, y, side))
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text and attribute above is escaped


# --------------------------------------------------------------------------------------------------
# Timeline
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    """One dated fact. `end` None is a point, except for a systemic, bone-modifying or radiotherapy
    course, where it means ongoing (the bar runs to today)."""

    kind: str  # diagnosis, systemic, bma, radiotherapy, surgery, interventional, imaging, event, decision
    label: str
    start: date
    end: date | None = None
    severity: str | None = None


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
LANE_OF_KIND = {kind: code for code, _, kinds in LANES for kind in kinds}
# Courses that go on until stopped; surgery and interventional procedures without an end are one day.
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
_GUTTER = 178  # lane names, left of the plot
_PLOT_LEFT = _GUTTER + 14
_PLOT_RIGHT = TIMELINE_WIDTH - 44  # room for the "ongoing" arrows
_HEADER = 40
_ROW = 22
_LANE_PAD = 6
_LABEL_SIZE = 10.5
_TICK_SIZE = 10.5
_MIN_TICK_GAP = 44
_POINT_LABEL_ROOM = 150


def x_for(day: date, start: date, end: date, width: float) -> float:
    """The x (0 at `start`, `width` at `end`) of a day on a linear axis; not clamped, and an empty
    span counts as one day."""
    span = max((end - start).days, 1)
    return (day - start).days / span * width


def _domain(items: list[TimelineItem], today: date) -> tuple[date, date]:
    """The axis span: the earliest item to today (or the latest item), with a small margin each side;
    at least a week, a year back from today when there is nothing."""
    if not items:
        return today - timedelta(days=365), today + timedelta(days=14)
    days = [item.start for item in items] + [item.end for item in items if item.end]
    first, last = min(days), max(max(days), today)
    if (last - first).days < 7:
        first = last - timedelta(days=7)
    span = (last - first).days
    return first - timedelta(days=max(1, round(span * 0.02))), last + timedelta(
        days=max(1, round(span * 0.04))
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _tick_candidates(start: date, end: date):
    """(ticks, labels) for each tick step, finest first: days under two months, months under about two
    years, years beyond."""
    span = (end - start).days
    if span <= 62:
        for step in (1, 2, 7, 14, 28):
            first = start + timedelta(days=1)
            if step == 7:
                first += timedelta(days=(7 - first.weekday()) % 7)  # Mondays
            ticks, day = [], first
            while day <= end:
                ticks.append(day)
                day += timedelta(days=step)
            labels = [date_format(t, "j M Y" if i == 0 else "j M") for i, t in enumerate(ticks)]
            yield ticks, labels
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
    """(x, day, label) of the axis ticks: the finest step whose labels keep clear of each other."""
    chosen: list[tuple[float, date, str]] = []
    for ticks, labels in _tick_candidates(start, end):
        chosen = [(x_for(t, start, end, width), t, label) for t, label in zip(ticks, labels, strict=True)]
        widest = max((_text_width(label, _TICK_SIZE) for label in labels), default=0)
        gaps = [b[0] - a[0] for a, b in zip(chosen, chosen[1:], strict=False)]
        if not gaps or min(gaps) >= max(_MIN_TICK_GAP, widest + 12):
            return chosen
    return chosen


@dataclass
class _Drawn:
    item: TimelineItem
    x0: float
    x1: float
    bar: bool
    ongoing: bool
    reach: float = 0  # where the item and the label it should show end, for packing the rows
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
        for row, row_end in enumerate(row_ends):
            if entry.x0 >= row_end + 3:
                entry.row, row_ends[row] = row, end
                break
        else:
            entry.row = len(row_ends)
            row_ends.append(end)
    return max(1, len(row_ends))


def _wrap(text: str, size: float, room: float) -> list[str]:
    """One line, or two split at the space nearest the middle, when the text is too wide."""
    if _text_width(text, size) <= room or " " not in text:
        return [text]
    spaces = [i for i, char in enumerate(text) if char == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _draw_item(entry: _Drawn, y: float, room: float) -> str:
    """One item: a bar, a diamond, a tick, a triangle or a small square, with its label where it fits
    and its full description in its <title>."""
    item = entry.item
    colour = KIND_COLOURS[item.kind]
    if item.kind == "event" and item.severity in ("low", "moderate", "high"):
        colour = SEVERITY_COLOURS[item.severity]
    cy = y + _ROW / 2
    shapes, label_x, label_room, inside = [], entry.x1 + 5, room, False
    if entry.bar:
        width = entry.x1 - entry.x0
        shapes.append(f"<rect{_attrs(x=entry.x0, y=cy - 7, width=width, height=14, rx=2, fill=colour)}/>")
        if entry.ongoing:
            arrow = _path((entry.x1, cy - 9), (entry.x1 + 8, cy), (entry.x1, cy + 9))
            shapes.append(f"<path{_attrs(d=arrow, fill=colour)}/>")
            label_x, room = entry.x1 + 11, room - 8
        full = _text_width(item.label, _LABEL_SIZE)
        if full <= width - 8 or (full > room and width - 8 >= 36):
            inside, label_x, label_room = True, entry.x0 + 4, width - 8
        else:
            label_room = room
    elif item.kind in ("diagnosis", "decision"):
        diamond = _path((entry.x0 + 6, cy - 7), (entry.x0 + 12, cy), (entry.x0 + 6, cy + 7), (entry.x0, cy))
        fill = colour if item.kind == "diagnosis" else "#ffffff"
        shapes.append(f"<path{_attrs(d=diamond, fill=fill, stroke=colour, stroke_width=2)}/>")
    elif item.kind == "imaging":
        mid = (entry.x0 + entry.x1) / 2
        shapes.append(
            f"<line{_attrs(x1=mid, y1=cy - 7, x2=mid, y2=cy + 7, stroke=colour, stroke_width=2.2)}/>"
        )
        label_room = 0  # imaging ticks are many: their names stay in the tooltip
    elif item.kind == "event":
        triangle = _path((entry.x0 + 6, cy - 7), (entry.x0 + 12, cy + 6), (entry.x0, cy + 6))
        shapes.append(f"<path{_attrs(d=triangle, fill=colour, stroke='#ffffff', stroke_width=1)}/>")
        shapes.append(
            _text(entry.x0 + 6, cy + 4.5, "!", size=8, anchor="middle", fill="#ffffff", font_weight="bold")
        )
    elif item.kind == "surgery":
        shapes.append(f"<rect{_attrs(x=entry.x0 + 1, y=cy - 5, width=10, height=10, fill=colour)}/>")
    else:  # interventional, one day
        shapes.append(f"<circle{_attrs(cx=entry.x0 + 6, cy=cy, r=5.5, fill=colour)}/>")
    label = _truncate(item.label, _LABEL_SIZE, label_room) if label_room >= 24 else ""
    if label:
        fill = "#ffffff" if inside else INK
        shapes.append(_text(label_x, cy + 3.8, label, size=_LABEL_SIZE, fill=fill))
    return (
        f'<g class="item"{_attrs(data_kind=item.kind, data_lane=LANE_OF_KIND[item.kind], data_start=item.start.isoformat(), data_end=item.end.isoformat() if item.end else "", data_ongoing="true" if entry.ongoing else None)}>'
        f"<title>{escape(_item_title(item, entry.ongoing))}</title>{''.join(shapes)}</g>"
    )


def timeline_svg(items: list[TimelineItem], *, today: date, title: str = "") -> SafeString:
    """The history of a case on one horizontal time axis, lane by lane (diagnosis and decisions,
    systemic treatment, bone-modifying agent, radiotherapy, surgery and interventional procedures,
    imaging, skeletal-related events), from the earliest item to today. Raises ValueError for an
    unknown kind."""
    for item in items:
        if item.kind not in LANE_OF_KIND:
            raise ValueError(f"unknown timeline kind {item.kind!r}: expected one of {sorted(LANE_OF_KIND)}")
    start, end = _domain(items, today)
    plot_width = _PLOT_RIGHT - _PLOT_LEFT

    def x_of(day: date) -> float:
        return _PLOT_LEFT + x_for(day, start, end, plot_width)

    x_today = x_of(today)
    lanes: dict[str, list[_Drawn]] = {code: [] for code, _, _ in LANES}
    for item in items:
        course = item.kind in ONGOING_KINDS
        finish = item.end if item.end and (item.end > item.start or course) else None
        ongoing = item.end is None and course
        x0 = x_of(item.start)
        if ongoing or finish:
            x1 = max(x_today if ongoing else x_of(finish), x0 + 4)
            lanes[LANE_OF_KIND[item.kind]].append(_Drawn(item, x0, x1, True, ongoing and x0 < x_today))
        else:
            # A point keeps room for a short label on its row (imaging ticks show theirs on hover only).
            label = 0 if item.kind == "imaging" else min(_text_width(item.label, _LABEL_SIZE), _POINT_LABEL_ROOM)
            lanes[LANE_OF_KIND[item.kind]].append(_Drawn(item, x0 - 6, x0 + 6, False, False, x0 + 11 + label))

    heading = title or gettext("Timeline")
    out_lanes, y = [], float(_HEADER)
    lane_spans = {}
    for index, (code, name, _kinds) in enumerate(LANES):
        drawn = lanes[code]
        rows = _pack(drawn)
        words = _wrap(gettext(name), 11.5, _GUTTER - 16)
        height = max(rows * _ROW + 2 * _LANE_PAD, 16 * len(words) + 8)
        lane_spans[code] = (y, height)
        fill = "#f3f4f6" if index % 2 == 0 else "#ffffff"
        out_lanes.append(f'<g class="lane"{_attrs(data_lane=code)}>')
        out_lanes.append(
            f'<rect class="lane-band"{_attrs(data_lane=code, x=0, y=y, width=TIMELINE_WIDTH, height=height, fill=fill)}/>'
        )
        first_line = y + height / 2 - (len(words) - 1) * 7 + 4
        for line, word in enumerate(words):
            out_lanes.append(
                _text(_GUTTER, first_line + line * 14, word, size=11.5, anchor="end", font_weight="bold")
            )
        out_lanes.append("</g>")
        y += height
    lanes_bottom = y

    items_svg = []
    for code, drawn in lanes.items():
        lane_y, _height = lane_spans[code]
        by_row: dict[int, list[_Drawn]] = defaultdict(list)
        for entry in drawn:
            by_row[entry.row].append(entry)
        for row_entries in by_row.values():
            row_entries.sort(key=lambda d: d.x0)
            for position, entry in enumerate(row_entries):
                following = (
                    row_entries[position + 1].x0 if position + 1 < len(row_entries) else TIMELINE_WIDTH - 4
                )
                room = following - entry.x1 - 9
                items_svg.append(_draw_item(entry, lane_y + _LANE_PAD + entry.row * _ROW, room))

    ticks = axis_ticks(start, end, plot_width)
    axis = [
        f"<line{_attrs(x1=_PLOT_LEFT, y1=lanes_bottom, x2=_PLOT_RIGHT, y2=lanes_bottom, stroke=INK, stroke_width=1.2)}/>"
    ]
    for x, day, label in ticks:
        x += _PLOT_LEFT
        axis.append(
            f'<g class="tick"{_attrs(data_date=day.isoformat())}>'
            f"<line{_attrs(x1=x, y1=_HEADER, x2=x, y2=lanes_bottom, stroke='#d1d5db', stroke_width=1)}/>"
            f"<line{_attrs(x1=x, y1=lanes_bottom, x2=x, y2=lanes_bottom + 5, stroke=INK, stroke_width=1.2)}/>"
            f"{_text(x, lanes_bottom + 18, label, size=_TICK_SIZE, anchor='middle', fill=MUTED)}</g>"
        )
    height = lanes_bottom + 30

    today_line = (
        f'<g class="today">'
        f"<line{_attrs(x1=x_today, y1=_HEADER - 6, x2=x_today, y2=lanes_bottom, stroke=INK, stroke_width=1.5, stroke_dasharray='5 3')}/>"
        f"{_text(x_today + 4, _HEADER - 8, gettext('Today'), size=10.5, anchor='end', font_weight='bold')}</g>"
    )

    if items:
        listing = "; ".join(
            _item_title(entry.item, entry.ongoing)
            for code in lanes
            for entry in sorted(lanes[code], key=lambda d: d.x0)
        )
        desc = ngettext(
            "Timeline from %(start)s to today (%(today)s), %(count)d item: %(list)s.",
            "Timeline from %(start)s to today (%(today)s), %(count)d items: %(list)s.",
            len(items),
        ) % {
            "start": date_format(min(i.start for i in items), "SHORT_DATE_FORMAT"),
            "today": date_format(today, "SHORT_DATE_FORMAT"),
            "count": len(items),
            "list": listing,
        }
    else:
        desc = gettext("Timeline: no dated item to show.")

    uid = _uid("timeline", repr((items, today, title)))
    out = _svg_open(uid=uid, width=TIMELINE_WIDTH, height=height, title=heading, desc=desc)
    out.append(_text(8, 18, heading, size=14, font_weight="bold"))
    out.extend(out_lanes)
    out.extend(axis)
    if not items:
        out.append(
            _text(
                (_PLOT_LEFT + _PLOT_RIGHT) / 2,
                (_HEADER + lanes_bottom) / 2 + 4,
                gettext("No dated item to show yet."),
                size=13,
                anchor="middle",
                fill=MUTED,
                font_style="italic",
                class_="empty-note",
            )
        )
    out.append(today_line)
    out.append('<g class="items">')
    out.extend(items_svg)
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text and attribute above is escaped
