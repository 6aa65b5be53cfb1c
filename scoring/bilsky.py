"""Bilsky scale (ESCC): grade of epidural spinal cord compression on MRI, a classification.

Reference: Bilsky MH, Laufer I, Fourney DR et al. Reliability analysis of the epidural spinal cord
compression scale. J Neurosurg Spine 2010;13:324.
The grade has no points and the result no total: the bands group the grades.
"""

from .base import Band, Choice, Item, Score
from .i18n import gettext_lazy as _

SCORE = Score(
    slug="bilsky",
    version="bilsky-2010",
    reference="Bilsky MH et al. J Neurosurg Spine 2010;13:324",
    name=_("Bilsky — epidural spinal cord compression scale"),
    items=(
        Item(
            "grade",
            _("Epidural compression grade"),
            "choice",
            help_text=_("On axial T2-weighted MRI, at the level of the most severe compression."),
            choices=(
                Choice("0", _("0 — bone only"), 0),
                Choice("1a", _("1a — epidural impingement without deformation of the thecal sac"), 0),
                Choice("1b", _("1b — deformation of the thecal sac without spinal cord abutment"), 0),
                Choice(
                    "1c", _("1c — deformation of the thecal sac with spinal cord abutment, no compression"), 0
                ),
                Choice("2", _("2 — spinal cord compression, cerebrospinal fluid visible"), 0),
                Choice("3", _("3 — spinal cord compression, no cerebrospinal fluid visible"), 0),
            ),
        ),
    ),
    bands=(
        Band(
            "low",
            _("Low grade (0, 1a, 1b)"),
            None,
            None,
            "low",
            _(
                "Low-grade epidural disease, no spinal cord compression: the grade alone does not call "
                "for decompression."
            ),
            grades=("0", "1a", "1b"),
        ),
        Band(
            "borderline",
            _("Borderline (1c)"),
            None,
            None,
            "moderate",
            _(
                "Cord abutment without compression: a contested grade, shown as borderline; discuss "
                "at the board."
            ),
            grades=("1c",),
        ),
        Band(
            "high",
            _("High grade (2, 3)"),
            None,
            None,
            "high",
            _("Spinal cord compression: decompression to discuss."),
            grades=("2", "3"),
        ),
    ),
    notes=(_("A classification: each grade maps to a band; there are no points and no total."),),
)
