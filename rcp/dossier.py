"""The dossier of a case, assembled from the record when it is opened (nothing copied or stored)."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.utils import timezone

from patients import choices as c
from patients.record import PatientRecord
from scoring import registry

from .completeness import case_gaps
from .diagrams import LesionMark, TimelineItem, lesion_zoom_svg, skeleton_svg, timeline_svg
from .models import CaseSubmission
from .trials import OpenTrials

SEVERITY_ORDER = [None, "low", "moderate", "high"]
TREATMENT_KINDS = {
    c.TreatmentCategory.SYSTEMIC: "systemic",
    c.TreatmentCategory.BONE_MODIFYING: "bma",
    c.TreatmentCategory.RADIOTHERAPY: "radiotherapy",
    c.TreatmentCategory.SURGERY: "surgery",
    c.TreatmentCategory.INTERVENTIONAL: "interventional",
}


def worst_severity(lesion):
    severities = [row.latest.severity for row in getattr(lesion, "score_rows", []) if row.latest]
    return max(severities, key=SEVERITY_ORDER.index, default=None)


def _score_text(row) -> str:
    total = "" if row.latest.total is None else f" {row.latest.total}"
    return f"{row.score.slug.upper()}{total} {row.latest.band_label}"


def _score_note(row) -> str:
    """The score and its value in a few characters, as on its badge: "SINS 11", "BILSKY 1b"."""
    value = row.latest.inputs.get("grade", "") if row.latest.total is None else row.latest.total
    return f"{row.score.slug.upper()} {value}".strip()


@dataclass
class CaseDossier:
    case: CaseSubmission
    record: PatientRecord
    previous_cases: list
    open_trials: OpenTrials | None = None

    def __post_init__(self):
        self.score_rows = self.record.score_rows  # also gives each lesion its score rows

    def reworded(self) -> "CaseDossier":
        """This dossier in the active language (PatientRecord.reworded), for the minute."""
        return replace(self, record=self.record.reworded())

    @cached_property
    def gaps(self):
        return case_gaps(self.case, self.record)

    @property
    def trials_by_rule(self) -> dict[str, list[str]]:
        """{rule identifier: names of the board's open trials linked to it}, shown beside the findings."""
        return self.open_trials.by_rule(self.case.meeting_id) if self.open_trials else {}

    @cached_property
    def summary(self) -> dict:
        """The record's summary (patients.summary) with, beside each finding, the names of the board's open
        trials linked to its rule: what the board is shown, and what its minute freezes."""
        summary = self.record.summary
        trials = self.trials_by_rule
        return {
            **summary,
            "findings": [{**f, "trials": trials.get(f["rule"], [])} for f in summary["findings"]],
        }

    @cached_property
    def urgent_findings(self):
        return [f for f in self.record.findings if f.level == "urgent"]

    @cached_property
    def lesion_marks(self) -> list[LesionMark]:
        marks = []
        for lesion in self.record.lesions:
            scores = ", ".join(_score_text(row) for row in lesion.score_rows if row.latest)
            marks.append(
                LesionMark(
                    site=lesion.site,
                    vertebral_level=lesion.vertebral_level,
                    rib_number=lesion.rib_number,
                    side=lesion.side,
                    severity=worst_severity(lesion),
                    label=f"{lesion.label} · {lesion.latest.get_lesion_type_display()}"
                    + (f" · {scores}" if scores else ""),
                    note=" · ".join(_score_note(row) for row in lesion.score_rows if row.latest),
                )
            )
        return marks

    @cached_property
    def skeleton(self):
        return skeleton_svg(self.lesion_marks)

    # Presentation mode: the skeleton small, the lesions zoomed beside it.
    @cached_property
    def skeleton_overview(self):
        return skeleton_svg(self.lesion_marks, overview=True)

    @cached_property
    def lesion_zoom(self):
        return lesion_zoom_svg(self.lesion_marks)

    @cached_property
    def timeline(self):
        items = []
        tumour = self.record.tumour
        if tumour:
            items.append(
                TimelineItem("diagnosis", str(tumour.get_histology_display()), tumour.diagnosis_date)
            )
        for t in self.record.treatments:
            kind = TREATMENT_KINDS.get(t.category)
            if kind:
                items.append(TimelineItem(kind, t.summary, t.start_date, t.end_date))
        for exam in self.record.exams:
            items.append(TimelineItem("imaging", str(exam), exam.date))
        for event in self.record.patient.skeletalevents.all():
            items.append(TimelineItem("event", str(event.get_kind_display()), event.date, severity="high"))
        for case in self.previous_cases:
            items.append(
                TimelineItem(
                    "decision", f"RCP — {case.get_reason_display()}", timezone.localdate(case.discussed_at)
                )
            )
        return timeline_svg(items, today=timezone.localdate())


def corrected_scores(dossiers) -> list:
    """The scores with a result in any of these dossiers that correct the guideline's printed tables,
    each once: a meeting's dossier explains them after its last case, not in every case."""
    return registry.with_corrections(score.slug for d in dossiers for score in d.record.corrected_scores)


def dossiers(user, cases) -> list[CaseDossier]:
    """The dossiers of `cases` (in their order), in a number of queries that does not grow with them."""
    cases = list(cases)
    records = PatientRecord.load_many(user, [case.patient_id for case in cases])
    previous = {}
    discussed = CaseSubmission.objects.filter(
        patient_id__in=records, status=CaseSubmission.Status.DISCUSSED, discussed_at__isnull=False
    ).order_by("discussed_at")
    for past in discussed:
        previous.setdefault(past.patient_id, []).append(past)
    open_trials = OpenTrials(case.meeting_id for case in cases)  # shared: one query for all the dossiers
    return [
        CaseDossier(
            case,
            records[case.patient_id],
            [p for p in previous.get(case.patient_id, []) if p.pk != case.pk],
            open_trials,
        )
        for case in cases
        if case.patient_id in records
    ]
