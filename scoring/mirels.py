"""Mirels score: risk of pathological fracture of a long bone with a metastasis.

Reference: Mirels H. Metastatic disease in long bones. A proposed scoring system for diagnosing
impending pathologic fractures. Clin Orthop 1989;249:256.
Guideline: OncoBFC/NEON/ONCORIF 2021 §3.5.2, which prints the range as 3–12; four items of 1 to
3 points range 4–12 (scores.md, known errors).
"""

from .base import Band, Choice, Correction, Item, Score
from .i18n import gettext_lazy as _

SCORE = Score(
    slug="mirels",
    version="mirels-1989",
    reference="Mirels H. Clin Orthop 1989;249:256",
    name=_("Mirels — impending pathological fracture of a long bone"),
    guideline="OncoBFC/NEON/ONCORIF 2021 §3.5.2",
    items=(
        Item(
            "site",
            _("Site"),
            "choice",
            choices=(
                Choice("upper_limb", _("Upper limb"), 1),
                Choice("lower_limb", _("Lower limb"), 2),
                Choice("peritrochanteric", _("Peritrochanteric"), 3),
            ),
        ),
        Item(
            "pain",
            _("Pain"),
            "choice",
            choices=(
                Choice("mild", _("Mild"), 1),
                Choice("moderate", _("Moderate"), 2),
                Choice("functional", _("Functional (pain on use of the limb)"), 3),
            ),
        ),
        Item(
            "lesion",
            _("Lesion"),
            "choice",
            choices=(
                Choice("blastic", _("Blastic"), 1),
                Choice("mixed", _("Mixed"), 2),
                Choice("lytic", _("Lytic"), 3),
            ),
        ),
        Item(
            "size",
            _("Size"),
            "choice",
            help_text=_("Fraction of the bone's width involved, on a plain radiograph."),
            choices=(
                Choice("under_one_third", _("Under one third"), 1),
                Choice("one_to_two_thirds", _("One to two thirds"), 2),
                Choice("over_two_thirds", _("Over two thirds"), 3),
            ),
        ),
    ),
    bands=(
        Band("low", _("Low risk (4–7)"), 4, 7, "low", _("Fracture risk about 4 %: radiotherapy.")),
        Band(
            "borderline",
            _("Borderline (8)"),
            8,
            8,
            "moderate",
            _("Fracture risk about 15 %: discuss at the board."),
        ),
        Band(
            "high",
            _("High risk (9–12)"),
            9,
            12,
            "high",
            _("Fracture risk at least 33 %: prophylactic fixation, then radiotherapy."),
        ),
    ),
    corrections=(
        Correction(
            "OncoBFC/NEON/ONCORIF 2021 §3.5.2",
            _("The guideline prints a range of 3–12: four items of 1 to 3 points range from 4 to 12."),
        ),
    ),
)
