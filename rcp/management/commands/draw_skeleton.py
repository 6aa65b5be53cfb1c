"""Draw the skeleton's anatomy into its static asset, `static/img/skeleton-anatomy.svg`.

The bones are the same in every dossier: rather than drawn again for each picture, they are drawn here
once, and `rcp.diagrams.skeleton_svg` inlines the file, adding each case's words and lesion marks at the
anchors of `rcp.diagrams` (which these bones are drawn from, so the marks land on them). Change the
drawing here, never the file by hand, and run `python manage.py draw_skeleton`; `--check` (run by the
tests) fails when the file is not what this draws.
"""

import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patients.choices import VERTEBRAL_LEVELS
from rcp.diagrams import (
    _RIB_REACH,
    ANATOMY_ASSET,
    ANATOMY_HEIGHT,
    HIP_Y,
    MIDLINE_X,
    SHOULDER_Y,
    SKELETON_WIDTH,
    SPINE_BOTTOM,
    VERTEBRA_BOXES,
    WHITE,
    Point,
    _attrs,
    _d,
    _el,
    _mirror,
    _num,
    _polygon,
    _rib_root,
    _text,
    rib_point,
)

BONE = {"fill": "#ebe7de", "stroke": "#5f5a50", "stroke_width": 1.2, "stroke_linejoin": "round"}
FAINT_BONE = {"fill": "#f3f1ec", "stroke": "#b8b4aa", "stroke_width": 1, "stroke_dasharray": "3 2"}
HOLE = {"fill": WHITE, "stroke": "#5f5a50", "stroke_width": 1}
DETAIL = {"stroke": "#8a847a", "stroke_width": 1}

# Where the front of each rib ends (x from the midline, y below the top of T1), at the sternum or
# the costal margin; 11 and 12 float.
_RIB_FRONT = (
    (14, 20),
    (13, 42),
    (13, 60),
    (13, 76),
    (13, 92),
    (13, 108),
    (14, 126),
    (28, 144),
    (42, 162),
    (58, 178),
)


def _bone(d: str, *, faint: bool = False) -> str:
    return _el("path", d=d, **(FAINT_BONE if faint else BONE))


def _long_bone(start: Point, end: Point, width: float, end_width: float) -> str:
    """A long bone: a straight shaft with rounded, wider ends."""
    (x1, y1), (x2, y2) = start, end
    angle = math.atan2(y2 - y1, x2 - x1)
    nx, ny = -math.sin(angle), math.cos(angle)
    ux, uy = math.cos(angle) * 12, math.sin(angle) * 12
    h, e = width / 2, end_width / 2

    def at(x: float, y: float, across: float) -> Point:
        return x + nx * across, y + ny * across

    cap = f"A {_num(e)},{_num(e)} 0 0 0"
    return _bone(
        _d(
            "M", at(x1, y1, e), "L", at(x1 + ux, y1 + uy, h), at(x2 - ux, y2 - uy, h), at(x2, y2, e),
            cap, at(x2, y2, -e),
            "L", at(x2 - ux, y2 - uy, -h), at(x1 + ux, y1 + uy, -h), at(x1, y1, -e),
            cap, at(x1, y1, e), "Z",
        )
    )  # fmt: skip


def _side_bones(side: str) -> list[str]:
    """The bones of one side: scapula (faint, behind the ribs), clavicle, humerus, ulna and radius,
    hand; ilium, pubis and ischium, acetabulum; femur, patella, tibia, fibula, foot."""

    def p(dx: float, y: float) -> Point:
        return _mirror(side, dx), y

    def outline(*points: Point, top: float) -> str:
        return _bone(_polygon(*(p(dx, top + dy) for dx, dy in points)))

    s, hip, s1 = SHOULDER_Y, HIP_Y, VERTEBRA_BOXES["S1"][1]
    wrist = s + 322
    out = [
        _bone(_polygon(p(54, s - 8), p(102, s - 6), p(100, s + 14), p(78, s + 92)), faint=True),
        _bone(
            _d(
                "M", p(16, s - 8), "C", p(40, s - 4), p(70, s - 24), p(104, s - 16), "L", p(104, s - 9),
                "C", p(70, s - 16), p(40, s + 4), p(16, s - 1), "Z",
            )
        ),
        _el("circle", cx=p(112, 0)[0], cy=s + 4, r=11, **BONE),
        _long_bone(p(114, s + 10), p(138, s + 166), 10, 18),
        _long_bone(p(136, s + 176), p(146, s + 316), 5, 8),
        _long_bone(p(146, s + 176), p(160, s + 314), 6, 9),
        outline((140, 0), (166, -2), (176, 22), (178, 56), (164, 60), (150, 52), (140, 24), top=wrist),
    ]  # fmt: skip
    for finger in range(4):
        x1, y1 = p(146 + finger * 7.5, wrist + 26)
        x2, y2 = p(149 + finger * 7.5, wrist + 54)
        out.append(_el("line", x1=x1, y1=y1, x2=x2, y2=y2, **DETAIL))
    out += [
        # Ilium (the wing), then pubis and ischium around the obturator foramen, and the acetabulum.
        _bone(
            _d(
                "M", p(22, s1 + 2), "C", p(34, s1 - 40), p(80, s1 - 46), p(104, s1 - 20),
                "C", p(112, s1 - 4), p(104, s1 + 18), p(86, hip - 14), "L", p(48, hip - 12),
                "C", p(36, hip - 24), p(26, s1 + 30), p(22, s1 + 2), "Z",
            )
        ),
        _bone(
            _d(
                "M", p(86, hip - 14), "C", p(90, hip + 30), p(80, hip + 56), p(60, hip + 58),
                "C", p(44, hip + 58), p(30, hip + 40), p(3, hip + 34), "L", p(3, hip + 6),
                "C", p(24, hip + 4), p(36, hip - 6), p(48, hip - 12), "Z",
            )
        ),
        _el("ellipse", cx=p(48, 0)[0], cy=hip + 30, rx=13, ry=15, **HOLE),
        _el("circle", cx=p(74, 0)[0], cy=hip + 2, r=15, **{**BONE, "fill": "#ddd8cc"}),
        # Femur: neck, greater trochanter, shaft and condyles; the head in the acetabulum; the patella.
        outline(
            (80, -5), (100, 0), (108, -4), (116, 4), (117, 24), (110, 42), (92, 150), (86, 206), (94, 218),
            (92, 230), (76, 234), (70, 228), (64, 234), (50, 230), (48, 216), (58, 204), (76, 118), (88, 50),
            (82, 40), (84, 24), (78, 12), top=hip,
        ),
        _el("circle", cx=p(74, 0)[0], cy=hip + 2, r=10, **BONE),
        _el("ellipse", cx=p(71, 0)[0], cy=hip + 214, rx=8, ry=10, fill="#f6f3ec", **DETAIL),
        # Tibia (medial, large), fibula (lateral, thin), foot.
        outline(
            (46, 240), (86, 240), (90, 250), (74, 268), (70, 400), (74, 416), (68, 424), (48, 424), (50, 410),
            (56, 398), (58, 268), (44, 252), top=hip,
        ),
        _long_bone(p(92, hip + 248), p(86, hip + 418), 5, 8),
        outline((48, 430), (90, 430), (98, 452), (104, 472), (80, 476), (58, 472), (46, 450), top=hip),
    ]  # fmt: skip
    return out


def _skull() -> list[str]:
    """Cranium, orbits, nasal aperture and teeth line; the mandible below."""
    x = MIDLINE_X
    return [
        _el("ellipse", cx=x, cy=92, rx=40, ry=48, **{**BONE, "stroke_width": 1.4}),
        _el("ellipse", cx=x - 16, cy=98, rx=10, ry=8, **HOLE),
        _el("ellipse", cx=x + 16, cy=98, rx=10, ry=8, **HOLE),
        _bone(_polygon((x, 106), (x - 6, 120), (x + 6, 120))),
        _bone(
            _d(
                "M", (x - 34, 120), "C", (x - 34, 146), (x - 20, 162), (x, 162),
                "C", (x + 20, 162), (x + 34, 146), (x + 34, 120), "L", (x + 26, 124),
                "C", (x + 24, 146), (x + 14, 150), (x, 150),
                "C", (x - 14, 150), (x - 24, 146), (x - 26, 124), "Z",
            )
        ),
        _el("line", x1=x - 18, y1=132, x2=x + 18, y2=132, **DETAIL),
    ]  # fmt: skip


def _ribs() -> list[str]:
    """Twelve ribs a side: the back of each rib (outlined, behind) from its vertebra out to its lateral
    point, the front (darker) down to the sternum or the costal margin; 11 and 12 float."""
    out = []
    t1_top = VERTEBRA_BOXES["T1"][1]
    for side in ("right", "left"):
        for number in range(1, 13):
            half, y0 = _rib_root(number)
            reach = _RIB_REACH[number - 1]
            lateral = rib_point(number, side)
            back = _d(
                "M", (_mirror(side, half), y0),
                "C", (_mirror(side, half + (reach - half) * 0.6), y0 - 8), (lateral[0], y0 + 2), lateral,
            )  # fmt: skip
            if number > len(_RIB_FRONT):
                back += " " + _d(
                    "Q", (lateral[0], lateral[1] + 10), (_mirror(side, reach - 14), lateral[1] + 16)
                )
            out.append(
                _el("path", d=back, fill="none", stroke="#7d776c", stroke_width=3.2, stroke_linecap="round")
            )
            out.append(
                _el("path", d=back, fill="none", stroke="#ebe7de", stroke_width=1.6, stroke_linecap="round")
            )
            if number <= len(_RIB_FRONT):
                end_dx, end_dy = _RIB_FRONT[number - 1]
                end = (_mirror(side, end_dx), t1_top + end_dy)
                bend = (_mirror(side, reach * 0.55 + end_dx * 0.45), end[1] + 4)
                front = _d("M", lateral, "C", (lateral[0], lateral[1] + 14), bend, end)
                colour = "#5f5a50" if number <= 7 else "#8a847a"
                out.append(
                    _el("path", d=front, fill="none", stroke=colour, stroke_width=2.4, stroke_linecap="round")
                )
    return out


def _sternum() -> str:
    """Manubrium, body and xiphoid, see-through: the thoracic vertebrae behind it stay visible."""
    x, top = MIDLINE_X, VERTEBRA_BOXES["T1"][1] + 4
    outline = _polygon(
        (x - 20, top), (x + 20, top), (x + 12, top + 34), (x + 14, top + 118), (x + 6, top + 128),
        (x, top + 142), (x - 6, top + 128), (x - 14, top + 118), (x - 12, top + 34),
    )  # fmt: skip
    return _el(
        "path",
        d=outline,
        fill="#e8e3d6",
        fill_opacity=0.55,
        stroke="#5f5a50",
        stroke_width=1.3,
        stroke_dasharray="5 2",
    )


def _spine() -> tuple[list[str], list[str]]:
    """One box per vertebra and the coccyx; and the level labels, drawn after the sternum."""
    boxes, labels = [], []
    for level in VERTEBRAL_LEVELS:
        x, y, width, height = VERTEBRA_BOXES[level]
        fill = "#ddd6c6" if level.startswith("S") else "#e6e0d2"
        boxes.append(
            _el(
                "rect", class_="vertebra", data_level=level, x=x, y=y, width=width, height=height, rx=2,
                fill=fill, stroke="#4b463d", stroke_width=1,
            )
        )  # fmt: skip
        size = min(7.5, height * 0.66)
        labels.append(_text(x + width / 2, y + height / 2 + size * 0.36, level, size=size, anchor="middle"))
    top = SPINE_BOTTOM + 1.5
    x = MIDLINE_X
    boxes.append(_bone(_polygon((x - 7, top), (x + 7, top), (x + 2, top + 14), (x - 2, top + 14))))
    return boxes, labels


def anatomy() -> str:
    """The bones, front view, on one line: `<g class="bones">`, the level labels in its
    `<g class="levels">` (the overview leaves them out)."""
    boxes, labels = _spine()
    levels = _el("g", "".join(labels), class_="levels")
    bones = _side_bones("right") + _side_bones("left") + _ribs() + boxes + [_sternum(), levels] + _skull()
    return _el("g", "".join(bones), class_="bones")


def asset() -> str:
    """The whole file: an SVG document the size of the skeleton, to be viewed on its own as well."""
    height = ANATOMY_HEIGHT
    return "\n".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
            + _attrs(width=SKELETON_WIDTH, height=height, viewBox=f"0 0 {SKELETON_WIDTH} {_num(height)}")
            + ">",
            "<!-- Drawn by `python manage.py draw_skeleton` (rcp/management/commands/draw_skeleton.py): "
            "change the drawing there, not this file. -->",
            anatomy(),
            "</svg>",
            "",
        ]
    )


class Command(BaseCommand):
    help = "Draw the skeleton's anatomy into static/img/skeleton-anatomy.svg (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail if the file is not what the drawing code draws."
        )

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "static" / ANATOMY_ASSET
        drawn = asset()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != drawn:
                raise CommandError(f"{path} is not what the drawing code draws: run manage.py draw_skeleton.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(drawn, encoding="utf-8")
        self.stdout.write(f"Drawn: {path}")
