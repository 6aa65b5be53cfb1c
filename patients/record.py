"""A patient's record read once, with the derived values a clinician needs on one screen."""

from dataclasses import dataclass, field
from functools import cached_property

from .models import Patient, record_prefetches


@dataclass
class LabRow:
    lab: object
    weight_kg: object
    clearance: float | None

    @property
    def zoledronic_acid_dose(self):
        from scoring import formulas

        return None if self.clearance is None else formulas.zoledronic_acid_dose(self.clearance)


@dataclass
class PatientRecord:
    patient: Patient
    lesions: list = field(init=False)

    def __post_init__(self):
        # Prefetching sets each lesion's exam and each exam's patient: no query per row.
        self.lesions = [lesion for exam in self.exams for lesion in exam.lesions.all()]

    @classmethod
    def load(cls, user, pk):
        from .access import get_patient_for_user

        queryset = Patient.objects.select_related(
            "centre", "referring_physician", "primary_tumour"
        ).prefetch_related(*record_prefetches())
        return cls(get_patient_for_user(user, pk, queryset=queryset))

    @cached_property
    def tumour(self):
        try:
            return self.patient.primary_tumour
        except Patient.primary_tumour.RelatedObjectDoesNotExist:
            return None

    @cached_property
    def assessments(self):
        return list(self.patient.clinicalassessments.all())  # newest first (model ordering)

    @cached_property
    def latest_assessment(self):
        return self.assessments[0] if self.assessments else None

    def latest(self, attribute):
        """(value, assessment) of the newest assessment where `attribute` is known."""
        for assessment in self.assessments:
            value = getattr(assessment, attribute)
            if value is not None and value != "":
                return value, assessment
        return None, None

    def weight_on(self, day):
        """The weight of the newest assessment on or before `day`, else the oldest one after it."""
        weighed = [a for a in self.assessments if a.weight_kg is not None]
        before = [a for a in weighed if a.date <= day]
        if before:
            return before[0].weight_kg
        return weighed[-1].weight_kg if weighed else None

    @cached_property
    def labs(self) -> list[LabRow]:
        rows = []
        for lab in self.patient.labresults.all():
            weight = self.weight_on(lab.date)
            rows.append(LabRow(lab=lab, weight_kg=weight, clearance=lab.creatinine_clearance(weight)))
        return rows

    @cached_property
    def treatments(self):
        return list(self.patient.treatments.all())

    @cached_property
    def exams(self):
        return list(self.patient.imagingexams.all())
