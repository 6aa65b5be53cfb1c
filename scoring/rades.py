"""Rades score: ambulatory status after radiotherapy for metastatic spinal cord compression.

Reference: Rades D, Huttenlocher S, Dunst J et al. Matched pair analysis comparing surgery
followed by radiotherapy and radiotherapy alone for metastatic spinal cord compression. Int J Radiat
Oncol Biol Phys 2011;79:1503.
Guideline: OncoBFC/NEON/ONCORIF 2021 §3.5.3, whose "compression vasculaire" means spinal cord
compression and whose interval cut-off reads ≤ 15 / > 15 months (scores.md, known errors).
"""

from .base import Band, Choice, Correction, Cutoff, Item, Score
from .i18n import gettext_lazy as _

_PRIMARY_TUMOURS = (
    ("breast", _("Breast cancer"), 8),
    ("prostate", _("Prostate cancer"), 7),
    ("myeloma_lymphoma", _("Myeloma or lymphoma"), 9),
    ("nsclc", _("Non-small-cell lung cancer"), 5),
    ("sclc", _("Small-cell lung cancer"), 6),
    ("unknown_primary", _("Cancer of unknown primary"), 5),
    ("kidney", _("Kidney cancer"), 6),
    ("colorectal", _("Colorectal cancer"), 6),
    ("other", _("Other tumour"), 6),
)

SCORE = Score(
    slug="rades",
    version="rades-2011",
    reference="Rades D et al. Int J Radiat Oncol Biol Phys 2011;79:1503",
    name=_("Rades — ambulatory status after radiotherapy for spinal cord compression"),
    guideline="OncoBFC/NEON/ONCORIF 2021 §3.5.3",
    items=(
        Item(
            "primary_tumour",
            _("Type of primary tumour"),
            "choice",
            choices=tuple(Choice(slug, label, points) for slug, label, points in _PRIMARY_TUMOURS),
        ),
        Item(
            "interval_months",
            _("Interval from tumour diagnosis to spinal cord compression (months)"),
            "number",
            min_value=0,
            max_value=1200,  # 100 years: a span longer than a life is a typing slip
            cutoffs=(Cutoff(15, 6, _("15 months or less")), Cutoff(None, 8, _("over 15 months"))),
        ),
        Item(
            "visceral_metastases",
            _("Visceral metastases at the time of radiotherapy"),
            "boolean",
            choices=(Choice(True, _("Yes"), 5), Choice(False, _("No"), 8)),
        ),
        Item(
            "motor_function",
            _("Motor function before radiotherapy"),
            "choice",
            choices=(
                Choice("walking_without_aid", _("Walking without aid"), 10),
                Choice("walking_with_aid", _("Walking with aid"), 9),
                Choice("not_ambulatory", _("Not ambulatory"), 3),
                Choice("paraplegic", _("Paraplegic"), 1),
            ),
        ),
        Item(
            "deficit_days",
            _("Time developing motor deficits before radiotherapy (days)"),
            "integer",
            min_value=0,
            max_value=36525,  # 100 years in days: a span longer than a life is a typing slip
            cutoffs=(
                Cutoff(7, 4, _("7 days or less")),
                Cutoff(14, 7, _("8–14 days")),
                Cutoff(None, 9, _("over 14 days")),
            ),
        ),
    ),
    bands=(
        Band(
            "group_1",
            _("Group I (21–28)"),
            21,
            28,
            "high",
            _("Low chance of walking after radiotherapy, no benefit from surgery: 8 Gy in 1 fraction."),
        ),
        Band(
            "group_2",
            _("Group II (29–37)"),
            29,
            37,
            "moderate",
            _(
                "Intermediate chance of walking after radiotherapy: 20 Gy in 5 fractions or 30 Gy in "
                "10 fractions, with or without surgery."
            ),
        ),
        Band(
            "group_3",
            _("Group III (38–44)"),
            38,
            44,
            "low",
            _(
                "High chance of walking after radiotherapy: 20 Gy in 5 fractions or 30 Gy in 10 fractions; "
                "excellent result without surgery."
            ),
        ),
    ),
    corrections=(
        Correction(
            "OncoBFC/NEON/ONCORIF 2021 §3.5.3",
            _(
                "The guideline's table reads “compression vasculaire” (vascular compression) for spinal "
                "cord compression; its interval cut-off is ≤ 15 / > 15 months (an interval of 15 months "
                "scores 6)."
            ),
        ),
    ),
)
