"""The structured proposals of a decision: the one place that lists them, their choices and their labels."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients import choices as c

RT_SCHEMES = [
    ("8x1", _("8 Gy × 1")),
    ("20x5", _("20 Gy in 5 fractions")),
    ("24x6", _("24 Gy in 6 fractions")),
    ("30x10", _("30 Gy in 10 fractions")),
    ("sbrt", _("Stereotactic radiotherapy")),
    ("other", _("Other scheme")),
]
SUPPLEMENTS = [
    ("calcium_vitamin_d", _("Calcium and vitamin D")),
    ("vitamin_d", _("Vitamin D only")),
    ("none", _("No supplement")),
]
EXAMS = [
    ("spine_mri", _("Whole-spine MRI")),
    ("biopsy", _("Biopsy")),
    ("fdg_pet", _("FDG-PET/CT")),
    ("ct", _("CT")),
    ("bone_scan", _("Bone scan")),
    ("dental", _("Dental evaluation with panoramic X-ray")),
    ("other", _("Other")),
]

# Each proposal: key in the JSON, its label, and its detail fields (name -> (label, choices or None)).
PROPOSALS = {
    "radiotherapy": (_("Radiotherapy"), {"site": (_("Site"), None), "scheme": (_("Scheme"), RT_SCHEMES)}),
    "surgery": (_("Surgery"), {"type": (_("Type"), c.SurgeryType.choices), "site": (_("Site"), None)}),
    "interventional": (
        _("Interventional radiology"),
        {"procedure": (_("Procedure"), c.IRProcedure.choices), "site": (_("Site"), None)},
    ),
    "bma": (
        _("Bone-modifying agent"),
        {"agent": (_("Agent"), c.BoneAgent.choices), "supplements": (_("Supplements"), SUPPLEMENTS)},
    ),
    "systemic": (_("Systemic treatment"), {"text": (_("Which"), None)}),
    "analgesia": (_("Analgesia and supportive care"), {"text": (_("Which"), None)}),
    "exams": (_("Further examinations"), {"which": (_("Which"), EXAMS), "text": (_("Details"), None)}),
    "surveillance": (_("Surveillance"), {}),
}


def describe(proposals: dict) -> list[str]:
    """The proposals in words, in a fixed order (for the minute and the dossier)."""
    lines = []
    for key, (label, details) in PROPOSALS.items():
        if key not in proposals:
            continue
        values = proposals[key] or {}
        parts = []
        for name, (_detail_label, choices) in details.items():
            value = values.get(name)
            if not value:
                continue
            labels = dict(choices or [])
            if isinstance(value, list):
                parts.append(", ".join(str(labels.get(v, v)) for v in value))
            else:
                parts.append(str(labels.get(value, value)))
        details = gettext("; ").join(parts)
        lines.append(
            gettext("%(label)s: %(details)s") % {"label": label, "details": details} if parts else str(label)
        )
    return lines
