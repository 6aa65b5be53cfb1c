"""Van der Linden score: survival with spinal metastases treated by radiotherapy.

Reference: van der Linden YM, Dijkstra SP, Vonk EJ et al. Prediction of survival in patients with
metastases in the spinal column: results based on a randomized trial of radiotherapy.
Cancer 2005;103:320.
"""

from .base import Band, Choice, Cutoff, Item, Score
from .i18n import gettext_lazy as _
from .i18n import pgettext_lazy

SCORE = Score(
    slug="van_der_linden",
    version="van_der_linden-2005",
    reference="van der Linden YM et al. Cancer 2005;103:320",
    name=_("Van der Linden score — survival with spinal metastases"),
    items=(
        Item(
            "karnofsky",
            _("Karnofsky performance status"),
            "integer",
            min_value=10,
            max_value=100,
            step=10,
            cutoffs=(Cutoff(40, 0, _("10–40")), Cutoff(70, 1, _("50–70")), Cutoff(None, 2, _("80–100"))),
        ),
        Item(
            "primary",
            _("Primary tumour"),
            "choice",
            choices=(
                Choice("breast", _("Breast"), 3),
                Choice("prostate", _("Prostate"), 2),
                Choice("lung", _("Lung"), 1),
                Choice("other", _("Other"), 0),
            ),
        ),
        Item(
            "visceral_metastases",
            _("Visceral metastases"),
            "boolean",
            choices=(
                Choice(True, pgettext_lazy("metastases", "Present"), 0),
                Choice(False, pgettext_lazy("metastases", "Absent"), 1),
            ),
        ),
    ),
    bands=(
        Band(
            "group_a",
            _("Group A (0–3)"),
            0,
            3,
            "high",
            _(
                "Median survival about 3 months; the score recommends no treatment of its own: "
                "weigh it at the board."
            ),
        ),
        Band(
            "group_b",
            _("Group B (4–5)"),
            4,
            5,
            "moderate",
            _(
                "Median survival about 9 months; the score recommends no treatment of its own: "
                "weigh it at the board."
            ),
        ),
        Band(
            "group_c",
            _("Group C (6)"),
            6,
            6,
            "low",
            _(
                "Median survival about 19 months; the score recommends no treatment of its own: "
                "weigh it at the board."
            ),
        ),
    ),
    notes=(_("A lung primary scores 1: the total cannot exceed 4 (group B at best)."),),
)
