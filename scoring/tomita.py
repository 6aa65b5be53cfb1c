"""Tomita score: surgical strategy for spinal metastases.

Reference: Tomita K, Kawahara N, Kobayashi T et al. Surgical strategy for spinal metastases.
Spine 2001;26:298.
Guideline: OncoBFC/NEON/ONCORIF 2021 §3.8.4 and §3.8.5. A lung primary is rapid growth; no
validated variant treats EGFR/ALK-driven disease differently, so it is not reclassified.
"""

from .base import Band, Choice, Item, Score
from .i18n import gettext_lazy as _

SCORE = Score(
    slug="tomita",
    version="tomita-2001",
    reference="Tomita K et al. Spine 2001;26:298",
    name=_("Tomita score — surgical strategy for spinal metastases"),
    guideline="OncoBFC/NEON/ONCORIF 2021 §3.8.4",
    items=(
        Item(
            "primary_growth",
            _("Growth of the primary tumour"),
            "choice",
            choices=(
                Choice("slow", _("Slow (e.g. breast, thyroid, prostate)"), 1),
                Choice("moderate", _("Moderate (e.g. kidney, uterus)"), 2),
                Choice("rapid", _("Rapid (e.g. lung, liver, stomach, colon, unknown primary)"), 4),
            ),
        ),
        Item(
            "visceral_metastases",
            _("Visceral metastases"),
            "choice",
            choices=(
                Choice("none", _("None"), 0),
                Choice("treatable", _("Treatable"), 2),
                Choice("untreatable", _("Untreatable"), 4),
            ),
        ),
        Item(
            "bone_metastases",
            _("Bone metastases"),
            "choice",
            choices=(
                Choice("solitary", _("Solitary or isolated"), 1),
                Choice("multiple", _("Multiple"), 2),
            ),
        ),
    ),
    bands=(
        Band(
            "en_bloc",
            _("Long-term local control (2–3)"),
            2,
            3,
            "low",
            _("Long-term local control intended: wide or marginal excision (en bloc)."),
        ),
        Band(
            "marginal",
            _("Middle-term local control (4–5)"),
            4,
            5,
            "low",
            _("Middle-term local control intended: marginal or intralesional excision."),
        ),
        Band(
            "palliative",
            _("Short-term palliation (6–7)"),
            6,
            7,
            "moderate",
            _("Short-term palliation: palliative surgery."),
        ),
        Band(
            "supportive",
            _("Supportive care (8–10)"),
            8,
            10,
            "high",
            _("Supportive care: non-operative management."),
        ),
    ),
    notes=(
        _("A lung primary is rapid growth (4 points): the total cannot fall below 5."),
        _(
            "No validated variant of the score treats EGFR- or ALK-driven lung cancer differently: "
            "lung stays rapid growth."
        ),
    ),
)
