"""Revised Tokuhashi score: expected survival with spinal metastases, to choose the surgery.

Reference: Tokuhashi Y, Matsuzaki H, Oda H et al. A revised scoring system for preoperative
evaluation of metastatic spine tumor prognosis. Spine 2005;30:2186.
Guideline: OncoBFC/NEON/ONCORIF 2021 §3.8.3 and §3.8.5. Its table lists five items: the revised
score has six (the number of vertebral-body metastases is missing there), and its "> 3"
extraspinal metastases reads "≥ 3" (scores.md, known errors).
"""

from .base import Band, Choice, Correction, Cutoff, Item, Score, input_error, not_allowed
from .i18n import gettext, pgettext_lazy
from .i18n import gettext_lazy as _

# Frankel grade, with the Japanese sub-grades of D (D0–D3, D1 walker, D2 cane, D3 no aid) read as D.
_FRANKEL_GRADES = {**{grade: grade for grade in "ABCDE"}, **{f"D{n}": "D" for n in range(4)}}


def frankel_grade(value: str) -> str:
    """The `frankel` choice ("A"…"E") of a recorded Frankel grade, for prefilling the form: the
    sub-grades "D0"…"D3" score as grade D (scores.md). Case and surrounding spaces are ignored;
    anything else raises ScoreInputError."""
    key = value.strip().upper() if isinstance(value, str) else value
    try:
        return _FRANKEL_GRADES[key]
    except (KeyError, TypeError):
        raise input_error("frankel", not_allowed(value, gettext("A, B, C, D (or D0–D3) or E"))) from None


_PRIMARY_SITES = (
    ("lung", _("Lung"), 0),
    ("osteosarcoma", _("Osteosarcoma"), 0),
    ("stomach", _("Stomach"), 0),
    ("bladder", _("Bladder"), 0),
    ("oesophagus", _("Oesophagus"), 0),
    ("pancreas", _("Pancreas"), 0),
    ("liver", _("Liver"), 1),
    ("gallbladder", _("Gallbladder"), 1),
    ("unidentified", _("Unidentified"), 1),
    ("other", _("Other"), 2),
    ("kidney", _("Kidney"), 3),
    ("uterus", _("Uterus"), 3),
    ("rectum", _("Rectum"), 4),
    ("thyroid", _("Thyroid"), 5),
    ("breast", _("Breast"), 5),
    ("prostate", _("Prostate"), 5),
    ("carcinoid", _("Carcinoid tumour"), 5),
)

SCORE = Score(
    slug="tokuhashi",
    version="tokuhashi-2005",
    reference="Tokuhashi Y et al. Spine 2005;30:2186",
    name=_("Revised Tokuhashi score — survival with spinal metastases"),
    guideline="OncoBFC/NEON/ONCORIF 2021 §3.8.3",
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
            "extraspinal_bone_metastases",
            _("Extraspinal bone metastases"),
            "integer",
            min_value=0,
            # Beyond plausibility: the adult skeleton has 206 bones, 180 of them outside the spine, and the
            # record's taxonomy tells about a hundred distinct sites apart; the score stops counting at 3.
            max_value=200,
            help_text=_("Number of bone metastatic foci outside the spine."),
            cutoffs=(
                Cutoff(0, 2, pgettext_lazy("metastases", "none")),
                Cutoff(2, 1, _("1–2")),
                Cutoff(None, 0, _("3 or more")),
            ),
        ),
        Item(
            "vertebral_body_metastases",
            _("Vertebral-body metastases"),
            "integer",
            min_value=1,
            # The vertebral levels of the record's taxonomy, C1–C7, T1–T12, L1–L5 and S1–S5 (the 24 mobile
            # vertebrae and the 5 sacral segments): no more vertebral bodies can be involved.
            max_value=29,
            help_text=_("Number of vertebral bodies with a metastasis."),
            cutoffs=(Cutoff(1, 2, _("1")), Cutoff(2, 1, _("2")), Cutoff(None, 0, _("3 or more"))),
        ),
        Item(
            "visceral_metastases",
            _("Metastases to major internal organs"),
            "choice",
            choices=(
                Choice("unresectable", _("Unresectable"), 0),
                Choice("resectable", _("Resectable"), 1),
                Choice("none", _("None"), 2),
            ),
        ),
        Item(
            "primary_site",
            _("Primary site of the cancer"),
            "choice",
            choices=tuple(Choice(slug, label, points) for slug, label, points in _PRIMARY_SITES),
        ),
        Item(
            "frankel",
            _("Palsy (Frankel grade)"),
            "choice",
            help_text=_("Sub-grades D0–D3 score as grade D."),
            choices=(
                Choice("A", _("A — complete"), 0),
                Choice("B", _("B — sensory only"), 0),
                Choice("C", _("C — motor useless"), 1),
                Choice("D", _("D — motor useful"), 1),
                Choice("E", _("E — normal"), 2),
            ),
        ),
    ),
    bands=(
        Band(
            "poor",
            _("Poor prognosis (0–8)"),
            0,
            8,
            "high",
            _("Expected survival under 6 months: conservative treatment."),
        ),
        Band(
            "intermediate",
            _("Intermediate prognosis (9–11)"),
            9,
            11,
            "moderate",
            _(
                "Expected survival 6 months or more: palliative surgery; excisional surgery if a single "
                "lesion and no visceral metastasis."
            ),
        ),
        Band(
            "good",
            _("Good prognosis (12–15)"),
            12,
            15,
            "low",
            _("Expected survival 1 year or more: excisional surgery."),
        ),
    ),
    notes=(_("A lung primary scores 0 for the primary site: the total cannot exceed 10."),),
    corrections=(
        Correction(
            "OncoBFC/NEON/ONCORIF 2021 §3.8.3",
            _(
                "The guideline's table lists five items; the revised score has six: the number of "
                "vertebral-body metastases, missing from the table, is scored here (without it the total "
                "could not reach the stated 15)."
            ),
        ),
        Correction(
            "OncoBFC/NEON/ONCORIF 2021 §3.8.3",
            _(
                "Extraspinal bone metastases: the guideline's table prints “> 3” where the score reads "
                "“≥ 3”; three foci score 0."
            ),
        ),
    ),
)
