"""The dossier of a case, assembled from the record when it is opened (nothing copied or stored)."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from patients import choices as c
from patients import record_cache
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


def discussed_cases(patient_ids) -> dict[int, list[CaseSubmission]]:
    """{patient id: the cases of that patient the board has discussed, oldest first}, in one query."""
    previous = {}
    discussed = CaseSubmission.objects.filter(
        patient_id__in=patient_ids, status=CaseSubmission.Status.DISCUSSED, discussed_at__isnull=False
    ).order_by("discussed_at")
    for past in discussed:
        previous.setdefault(past.patient_id, []).append(past)
    return previous


@dataclass
class AgendaItem:
    """A case of the meeting page's agenda: its urgent findings and what its record lacks."""

    case: CaseSubmission
    urgent_findings: list
    gaps: list


def agenda_items(user, cases) -> list[AgendaItem]:
    """The agenda's cases whose patient `user` may read, with their urgent findings and gaps: from the
    cache under each record's stamp (patients.record_cache), the others' records loaded together."""
    cases = list(cases)
    stamps = record_cache.visible_stamps(user, [case.patient_id for case in cases])
    cases = {case.pk: case for case in cases if case.patient_id in stamps}

    def compute(missing):
        return {d.case.pk: (d.urgent_findings, d.gaps) for d in dossiers(user, [cases[pk] for pk in missing])}

    entries = {
        pk: (case.patient_id, stamps[case.patient_id], (case.question, case.reason))
        for pk, case in cases.items()
    }
    found = record_cache.cached_many("agenda", entries, compute)
    return [AgendaItem(case, *found[pk]) for pk, case in cases.items() if pk in found]


def rendered_dossiers(user, meeting, cases) -> tuple[list[tuple[CaseSubmission, str]], list]:
    """([(case, its dossier's HTML)], the corrected scores they show) for the meeting dossier's page: the
    cases whose patient `user` may read, numbered in their order. Each HTML is cached under the record's
    stamp with what else the dossier shows (the case, the previous discussions, the board's open trials);
    the records of the others are loaded together."""
    cases = list(cases)
    stamps = record_cache.visible_stamps(user, [case.patient_id for case in cases])
    cases = [case for case in cases if case.patient_id in stamps]
    numbers = {case.pk: number for number, case in enumerate(cases, start=1)}
    by_pk = {case.pk: case for case in cases}
    previous = discussed_cases(stamps)
    open_trials = OpenTrials([meeting.pk])
    trials = sorted((rule, tuple(names)) for rule, names in open_trials.by_rule(meeting.pk).items())

    def compute(missing):
        rendered = {}
        for dossier in dossiers(user, [by_pk[pk] for pk in missing], open_trials=open_trials):
            context = {"dossier": dossier, "number": numbers[dossier.case.pk], "corrections_at_end": True}
            html = render_to_string("rcp/includes/case_dossier.html", context)
            rendered[dossier.case.pk] = (html, [score.slug for score in dossier.record.corrected_scores])
        return rendered

    def parts(case):
        earlier = previous.get(case.patient_id, [])
        discussed = [(past.pk, past.reason, past.discussed_at) for past in earlier if past.pk != case.pk]
        return (
            numbers[case.pk], case.question, case.reason, case.is_urgent,
            str(case.presenting_physician.display_name), discussed, trials,
        )  # fmt: skip

    entries = {case.pk: (case.patient_id, stamps[case.patient_id], parts(case)) for case in cases}
    found = record_cache.cached_many("meeting-dossier", entries, compute)
    shown = [(case, mark_safe(found[case.pk][0])) for case in cases if case.pk in found]  # noqa: S308 - rendered by the template above
    slugs = [slug for case in cases if case.pk in found for slug in found[case.pk][1]]
    return shown, registry.with_corrections(slugs)


def corrected_scores(dossiers) -> list:
    """The scores with a result in any of these dossiers that correct the guideline's printed tables,
    each once: a meeting's dossier explains them after its last case, not in every case."""
    return registry.with_corrections(score.slug for d in dossiers for score in d.record.corrected_scores)


def dossiers(user, cases, *, open_trials: OpenTrials | None = None) -> list[CaseDossier]:
    """The dossiers of `cases` (in their order), in a number of queries that does not grow with them."""
    cases = list(cases)
    records = PatientRecord.load_many(user, [case.patient_id for case in cases])
    previous = discussed_cases(records)
    if open_trials is None:
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
