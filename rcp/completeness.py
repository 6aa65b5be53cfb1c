"""Is a case ready for the board? Computed from the record each time, never stored."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import thresholds as th


@dataclass(frozen=True)
class Gap:
    message: str
    kind: str = ""  # the record part that completes it (patients' record kinds), if any


def case_gaps(case, record) -> list[Gap]:
    """What the referring physician should complete before the meeting."""
    today = timezone.localdate()
    gaps = []
    if not (case.question or "").strip():
        gaps.append(Gap(_("No question put to the board.")))
    if not any(exam.date >= today - timedelta(days=th.COMPLETE_IMAGING_WITHIN_DAYS) for exam in record.exams):
        gaps.append(Gap(_("No imaging in the last 3 months."), "exam"))
    if not any(
        a.date >= today - timedelta(days=th.COMPLETE_ASSESSMENT_WITHIN_DAYS) and a.ecog_value is not None
        for a in record.assessments
    ):
        gaps.append(Gap(_("No performance status in the last month."), "assessment"))
    recent_labs = [
        row.lab for row in record.labs if row.lab.date >= today - timedelta(days=th.COMPLETE_LABS_WITHIN_DAYS)
    ]
    for field, label in (
        ("calcium", _("calcium")),
        ("albumin", _("albumin")),
        ("creatinine", _("creatinine")),
    ):
        if not any(getattr(lab, field) is not None for lab in recent_labs):
            gaps.append(Gap(_("No %(analyte)s in the last month.") % {"analyte": label}, "lab"))
    compression = record.facts.get("spinal_cord_compression") or case.reason == "cord_compression"
    if compression and ("rades", None) not in record.latest_scores:
        gaps.append(Gap(_("Spinal cord compression without a Rades score.")))
    gaps.extend(Gap(item.message, item.url_name) for item in record.missing)
    return gaps
