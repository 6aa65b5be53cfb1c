"""A patient's record read once, with the derived values a clinician needs on one screen."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from rcp.accounts.permissions import get_patient_for_user
from scoring import ScoreInputError, registry
from scoring.rules import LEVELS, evaluate

from .facts import missing_facts, order_and_label, patient_facts
from .models import LESION_SCORES, Patient, newest_first, record_prefetches
from .prefill import known, prefill
from .summary import record_summary, zoledronic_acid


@dataclass
class LabRow:
    lab: object
    weight_kg: object
    clearance: float | None

    @property
    def zoledronic_acid(self) -> dict | None:
        return zoledronic_acid(self.clearance)


@dataclass
class PatientRecord:
    patient: Patient
    lesions: list = field(init=False)  # tracked lesions, in anatomical order, labelled
    observations: list = field(init=False)  # every exam's observations, newest exam first

    def __post_init__(self):
        # Prefetching sets each observation's exam and each lesion's linked treatments; the
        # observations, read once through the exams, are shared out here: no query per row.
        lesions = {lesion.pk: lesion for lesion in self.patient.tracked_lesions.all()}
        self.observations = [observation for exam in self.exams for observation in exam.lesions.all()]
        observed = defaultdict(list)
        for observation in self.observations:
            if observation.lesion_id in lesions:
                observation.lesion = lesions[observation.lesion_id]
            observed[observation.lesion_id].append(observation)
        for lesion in lesions.values():
            lesion.loaded_observations = newest_first(observed[lesion.pk])
        self.lesions = order_and_label(lesions.values())

    @staticmethod
    def queryset():
        return Patient.objects.select_related(
            "centre", "referring_physician", "primary_tumour"
        ).prefetch_related(*record_prefetches())

    def reworded(self) -> "PatientRecord":
        """The same loaded record read again in the active language: its lesion labels, facts and
        findings are words, and a minute is written in French whoever validates it. No query: the rows
        are prefetched."""
        return PatientRecord(self.patient)

    @classmethod
    def load(cls, user, pk):
        return cls(get_patient_for_user(user, pk, queryset=cls.queryset()))

    @classmethod
    def load_many(cls, user, pks) -> dict:
        """{pk: record} of the patients this user may see, in a fixed number of queries."""
        return {
            patient.pk: cls(patient) for patient in cls.queryset().visible_to(user).filter(pk__in=set(pks))
        }

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

    @cached_property
    def latest_scores(self):
        """{(slug, lesion id or None): newest saved assessment}, from the prefetched rows."""
        return self.patient.score_assessments.all().latest_per_subject()

    def score_row(self, score, lesion=None) -> "ScoreRow":
        saved = self.latest_scores.get((score.slug, lesion.pk if lesion else None))
        return ScoreRow(score, saved, lesion, record=self)

    @cached_property
    def facts(self) -> dict:
        """The facts of the guideline's rules known from this record."""
        return patient_facts(self)

    @cached_property
    def zoledronic_acid(self) -> dict | None:
        """The zoledronic acid dose for the newest creatinine clearance of the record (`facts`)."""
        return zoledronic_acid(self.facts.get("creatinine_clearance"))

    @cached_property
    def summary(self) -> dict:
        """The record as plain data, in the active language (patients.summary)."""
        return record_summary(self)

    @cached_property
    def findings(self) -> list:
        """The guideline's findings, urgent first (scoring.rules)."""
        return evaluate(self.facts)

    @cached_property
    def findings_by_level(self) -> list:
        """[(level, [findings])] for the levels that have findings, most pressing first."""
        return [
            (level, [f for f in self.findings if f.level == level])
            for level in LEVELS
            if any(f.level == level for f in self.findings)
        ]

    @cached_property
    def missing(self) -> list:
        """What the record lacks for an important rule to speak."""
        return missing_facts(self, self.facts, self.findings)

    @cached_property
    def score_rows(self) -> list:
        """The patient's scores; each lesion gets `score_rows` for the scores of its site."""
        for lesion in self.lesions:
            lesion.score_rows = [
                self.score_row(registry.get(slug), lesion) for slug in lesion.applicable_scores
            ]
        return [self.score_row(score) for score in registry.all() if score.slug not in LESION_SCORES]

    @cached_property
    def corrected_scores(self) -> list:
        """The scores with a saved result in this record whose definition corrects the guideline's printed
        table, each once: a page showing these results explains the corrections."""
        rows = [*self.score_rows, *(row for lesion in self.lesions for row in lesion.score_rows)]
        return registry.with_corrections(row.score.slug for row in rows if row.latest)


@dataclass
class ScoreRow:
    """The latest saved assessment of one score for one subject, and whether the record now disagrees."""

    score: object
    latest: object = None
    lesion: object = None
    record: object = field(default=None, repr=False, compare=False)

    @cached_property
    def stale(self) -> bool:
        """Whether the record now gives another result, worked out when asked: it prefills the score
        again, and a page that shows no score (the meeting's agenda) never asks."""
        if self.latest is None or self.record is None:
            return False
        return is_stale(self.latest, prefill(self.score.slug, self.record, self.lesion))


def is_stale(assessment, prefilled) -> bool:
    """True when the record's prefill would now give another total or band than the saved one."""
    inputs = {**assessment.inputs, **known(prefilled)}
    if inputs == assessment.inputs:
        return False
    try:
        result = assessment.definition.compute(**inputs)
    except ScoreInputError:  # the prefill left the inputs incomplete: the saved result stands
        return False
    return (result.total, result.band) != (assessment.total, assessment.band)
