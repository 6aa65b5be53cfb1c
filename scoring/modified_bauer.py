"""Modified Bauer score: survival with spinal metastases, to choose the surgery.

Reference: Leithner A, Radl R, Gruber G et al. Predictive value of seven preoperative prognostic
scoring systems for spinal metastases. Eur Spine J 2008;17:1488.
One point each: no visceral metastases; primary not lung; primary breast, kidney, lymphoma or
myeloma; solitary skeletal metastasis. The two primary criteria are scored on the `primary` item.
"""

from .base import Band, Choice, Item, Score
from .i18n import gettext_lazy as _

SCORE = Score(
    slug="modified_bauer",
    version="modified_bauer-2008",
    reference="Leithner A et al. Eur Spine J 2008;17:1488",
    name=_("Modified Bauer score — survival with spinal metastases"),
    items=(
        Item(
            "visceral_metastases",
            _("Visceral metastases"),
            "boolean",
            choices=(Choice(True, _("Yes"), 0), Choice(False, _("No"), 1)),
        ),
        Item(
            "primary",
            _("Primary tumour"),
            "choice",
            help_text=_("One point if not lung, one more if breast, kidney, lymphoma or myeloma."),
            choices=(
                Choice("lung", _("Lung"), 0),
                Choice("breast", _("Breast"), 2),
                Choice("kidney", _("Kidney"), 2),
                Choice("lymphoma", _("Lymphoma"), 2),
                Choice("myeloma", _("Myeloma"), 2),
                Choice("other", _("Other"), 1),
            ),
        ),
        Item(
            "solitary_skeletal_metastasis",
            _("Solitary skeletal metastasis"),
            "boolean",
            choices=(Choice(True, _("Yes"), 1), Choice(False, _("No"), 0)),
        ),
    ),
    bands=(
        Band("poor", _("Poor (0–1)"), 0, 1, "high", _("Supportive care, no surgery.")),
        Band(
            "intermediate",
            _("Intermediate (2)"),
            2,
            2,
            "moderate",
            _("Short-term palliation: posterior surgery."),
        ),
        Band(
            "good",
            _("Good (3–4)"),
            3,
            4,
            "low",
            _("Middle-term local control: anterior-posterior surgery."),
        ),
    ),
    notes=(
        _(
            "The primary tumour carries two criteria: one point if not lung, one more if breast, kidney, "
            "lymphoma or myeloma. A lung primary scores 0: the total cannot exceed 2."
        ),
    ),
)
