"""SINS — Spinal Instability Neoplastic Score, scored per spinal lesion.

Reference: Fisher CG, DiPaola CP, Ryken TC et al. A novel classification system for spinal
instability in neoplastic disease: an evidence-based approach and expert consensus from the Spine
Oncology Study Group. Spine 2010;35:E1221.
Guideline: OncoBFC/NEON/ONCORIF 2021 §3.8.1 (surgical opinion from 7).
"""

from .base import Band, Choice, Item, Score, input_error, not_allowed
from .i18n import gettext
from .i18n import gettext_lazy as _

# (region, first level, last level, location slug): occiput–C2, C7–T2, T11–L1 and L5–S1 are
# junctional, C3–C6 and L2–L4 mobile, T3–T10 semi-rigid, S2–S5 rigid. The coccyx is not scored.
_SEGMENTS = (
    ("C", 1, 2, "junctional"),
    ("C", 3, 6, "mobile"),
    ("C", 7, 7, "junctional"),
    ("T", 1, 2, "junctional"),
    ("T", 3, 10, "semi_rigid"),
    ("T", 11, 12, "junctional"),
    ("L", 1, 1, "junctional"),
    ("L", 2, 4, "mobile"),
    ("L", 5, 5, "junctional"),
    ("S", 1, 1, "junctional"),
    ("S", 2, 5, "rigid"),
)
LEVEL_LOCATIONS = {
    f"{region}{n}": location for region, first, last, location in _SEGMENTS for n in range(first, last + 1)
}


def location_for_level(level: str) -> str:
    """The SINS `location` slug of a vertebral level "C1"…"C7", "T1"…"T12", "L1"…"L5", "S1"…"S5"
    (case and surrounding spaces ignored). The coccyx or any other value raises ScoreInputError."""
    key = level.strip().upper() if isinstance(level, str) else level
    try:
        return LEVEL_LOCATIONS[key]
    except (KeyError, TypeError):
        expected = gettext("a level from C1 to S5 (C1–C7, T1–T12, L1–L5, S1–S5; the coccyx is not scored)")
        raise input_error("level", not_allowed(level, expected)) from None


SCORE = Score(
    slug="sins",
    version="sins-2010",
    reference="Fisher CG et al. Spine 2010;35:E1221",
    name=_("SINS — Spinal Instability Neoplastic Score"),
    guideline="OncoBFC/NEON/ONCORIF 2021 §3.8.1",
    items=(
        Item(
            "location",
            _("Location"),
            "choice",
            choices=(
                Choice("junctional", _("Junctional (occiput–C2, C7–T2, T11–L1, L5–S1)"), 3),
                Choice("mobile", _("Mobile spine (C3–C6, L2–L4)"), 2),
                Choice("semi_rigid", _("Semi-rigid (T3–T10)"), 1),
                Choice("rigid", _("Rigid (S2–S5)"), 0),
            ),
        ),
        Item(
            "pain",
            _("Pain"),
            "choice",
            choices=(
                Choice(
                    "mechanical", _("Mechanical: relieved by lying down or worse on movement or loading"), 3
                ),
                Choice("occasional", _("Occasional, not mechanical"), 1),
                Choice("none", _("Pain-free lesion"), 0),
            ),
        ),
        Item(
            "lesion",
            _("Bone lesion"),
            "choice",
            choices=(
                Choice("lytic", _("Lytic"), 2),
                Choice("mixed", _("Mixed (lytic and blastic)"), 1),
                Choice("blastic", _("Blastic"), 0),
            ),
        ),
        Item(
            "alignment",
            _("Radiographic spinal alignment"),
            "choice",
            choices=(
                Choice("subluxation", _("Subluxation or translation"), 4),
                Choice("deformity", _("De novo deformity (kyphosis or scoliosis)"), 2),
                Choice("normal", _("Normal alignment"), 0),
            ),
        ),
        Item(
            "collapse",
            _("Vertebral body collapse"),
            "choice",
            choices=(
                Choice("over_50", _("Collapse over 50 %"), 3),
                Choice("under_50", _("Collapse under 50 %"), 2),
                Choice("involvement_over_50", _("No collapse, vertebral body involved over 50 %"), 1),
                Choice("none", _("None of the above"), 0),
            ),
        ),
        Item(
            "posterolateral",
            _("Posterolateral involvement"),
            "choice",
            help_text=_("Facet, pedicle or costovertebral joint fracture or replacement by tumour."),
            choices=(
                Choice("bilateral", _("Bilateral"), 3),
                Choice("unilateral", _("Unilateral"), 1),
                Choice("none", _("None of the above"), 0),
            ),
        ),
    ),
    bands=(
        Band(
            "stable",
            _("Stable (0–6)"),
            0,
            6,
            "low",
            _("Stable spine: instability alone does not call for a surgical opinion."),
        ),
        Band(
            "indeterminate",
            _("Potentially unstable (7–12)"),
            7,
            12,
            "moderate",
            _("Indeterminate, potentially unstable: ask for a surgical opinion."),
        ),
        Band(
            "unstable",
            _("Unstable (13–18)"),
            13,
            18,
            "high",
            _("Unstable spine: ask for a surgical opinion."),
        ),
    ),
    notes=(_("Scored per spinal lesion; a surgical opinion is recommended from 7."),),
)
