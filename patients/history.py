"""The history panel: every change to a patient's clinical data, with who, when, and before → after.

Fed by django-simple-history's tables (written by the site and by the admin). One query per tracked
table, and one per model referred to by a foreign key, whatever the number of changes; the
before/after pairs are computed in Python and written in the active language (names, not ids; dates
and decimals as the reader writes them).

Tracked lesions, their links to treatments and the observations filed under them are also told in a
sentence a clinician reads at a glance ("Lesion L2: status stabilised (surgery of 03/11/2026)"). They
are named from their own history rows, already loaded: a lesion deleted by a merge keeps its name.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import choices as c
from . import models as m
from .facts import order_and_label

SKIPPED_FIELDS = {"id", "patient", "exam", "updated_at", "created_at", "centre"}
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    when: object
    user: object
    action: str
    what: str
    obj: str
    changes: list
    summary: str = ""  # the change in one sentence, for lesions and their treatments
    reason: str = ""  # why, when the change was a correction


def _display(field, value, related=None):
    """`value` of `field` as a reader writes it; `related` maps a foreign key's ids to their objects."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return str((related or {}).get(value, value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(formats.localize(value))


def _related_objects(records_by_model, named):
    """{(model, field name): {id: object}} for every foreign key shown: one query per related model,
    none for a model in `named` ({model: {id: name}}, names read from its history rows)."""
    wanted = defaultdict(set)
    for _model, fields, records in records_by_model:
        for field in fields:
            if field.is_relation and field.related_model not in named:
                wanted[field.related_model].update(
                    value for record in records if (value := getattr(record, field.attname)) is not None
                )
    loaded = {
        related_model: related_model._default_manager.in_bulk(ids)
        for related_model, ids in wanted.items()
        if ids
    }
    return {
        (model, field.name): named.get(field.related_model) or loaded.get(field.related_model, {})
        for model, fields, _records in records_by_model
        for field in fields
        if field.is_relation
    }


def _tracked_querysets(patient):
    exam_ids = m.ImagingExam.history.filter(patient_id=patient.pk).values("id")
    treatment_ids = m.Treatment.history.filter(patient_id=patient.pk).values("id")
    yield m.Patient, m.Patient.history.filter(id=patient.pk)
    yield m.PrimaryTumour, m.PrimaryTumour.history.filter(patient_id=patient.pk)
    for model in (
        m.MolecularAlteration,
        m.ClinicalAssessment,
        m.LabResult,
        m.ImagingExam,
        m.MetastaticSite,
        m.Treatment,
        m.SkeletalEvent,
        m.TrackedLesion,
    ):
        yield model, model.history.filter(patient_id=patient.pk)
    yield m.LesionObservation, m.LesionObservation.history.filter(exam_id__in=exam_ids)
    yield m.TreatedLesion, m.TreatedLesion.history.filter(treatment_id__in=treatment_ids)


def patient_history(patient, limit=200) -> list[Entry]:
    entries = []
    records_by_model = [
        (
            model,
            [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS],
            list(queryset.select_related("history_user").order_by("id", "history_date", "history_id")),
        )
        for model, queryset in _tracked_querysets(patient)
    ]
    records = {model: rows for model, _fields, rows in records_by_model}
    names = Names(
        lesions=_lesion_labels(records[m.TrackedLesion]),
        treatments={
            row.id: _treatment_phrase(row) for row in _latest_versions(records[m.Treatment]).values()
        },
        exams={row.id: str(row.instance) for row in _latest_versions(records[m.ImagingExam]).values()},
    )
    related = _related_objects(
        records_by_model,
        {m.TrackedLesion: names.lesions, m.Treatment: names.treatments, m.ImagingExam: names.exams},
    )
    for model, fields, rows in records_by_model:
        for _pk, versions in groupby(rows, key=lambda r: r.id):
            previous = None
            for record in versions:
                changes = []
                for field in fields:
                    after = getattr(record, field.attname)
                    before = getattr(previous, field.attname) if previous else None
                    if previous is None and after in (None, ""):
                        continue
                    if previous is None or before != after:
                        objects = related.get((model, field.name))
                        changes.append(
                            Change(
                                str(field.verbose_name),
                                _display(field, before, objects) if previous else "",
                                _display(field, after, objects),
                            )
                        )
                if previous is None or changes or record.history_type == "-":
                    summary = SUMMARIES[model](record, previous, names) if model in SUMMARIES else ""
                    entries.append(
                        Entry(
                            when=record.history_date,
                            user=record.history_user,
                            action=str(ACTIONS.get(record.history_type, "")),
                            what=str(model._meta.verbose_name),
                            obj=_object_name(model, record, names),
                            # a link's fields are all in its sentence
                            changes=[] if model is m.TreatedLesion and summary else changes,
                            summary=summary,
                            reason=record.history_change_reason or "",
                        )
                    )
                previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


@dataclass
class Names:
    """How the history names lesions, treatments and exams: {id: name}, from their history rows."""

    lesions: dict
    treatments: dict
    exams: dict

    def lesion(self, pk):
        return self.lesions.get(pk, "—")

    def treatment(self, pk):
        return self.treatments.get(pk, "—")


def _latest_versions(rows) -> dict:
    """{id: newest history row} from rows ordered by id, then date."""
    return {row.id: row for row in rows}


def _lesion_labels(rows) -> dict:
    """{lesion id: label}: the patient's lesions labelled as the board labels them today, then the
    deleted ones by their last site, numbered on when that site's label is taken ("T11 (2)")."""
    latest = _latest_versions(rows)
    current = order_and_label(row.instance for row in latest.values() if row.history_type != "-")
    labels = {lesion.pk: lesion.label for lesion in current}
    taken = Counter(str(lesion.site_label) for lesion in current)
    for pk, row in sorted(latest.items()):
        if row.history_type == "-":
            label = str(row.instance.site_label)
            taken[label] += 1
            labels[pk] = label if taken[label] == 1 else f"{label} ({taken[label]})"
    return labels


def _treatment_phrase(row) -> str:
    """How a clinician names a treatment in a sentence: "surgery of 03/11/2026"."""
    return _("%(category)s of %(date)s") % {
        "category": str(row.instance.get_category_display()).lower(),
        "date": formats.date_format(row.start_date, "SHORT_DATE_FORMAT"),
    }


def _object_name(model, record, names):
    if model is m.TrackedLesion:
        return names.lesion(record.id)
    if model is m.LesionObservation:  # named by its tracked lesion
        return names.lesion(record.lesion_id)
    if model is m.TreatedLesion:  # str() would load its lesion and treatment, one query each
        return f"{names.lesion(record.lesion_id)} — {names.treatment(record.treatment_id)}"
    return str(record.instance)


# What a lesion's outcome says of it, in a sentence about the lesion.
OUTCOME_WORDS = {
    c.LesionOutcome.TREATED: pgettext_lazy("lesion", "treated"),
    c.LesionOutcome.STABILISED: pgettext_lazy("lesion", "stabilised"),
    c.LesionOutcome.RESECTED: pgettext_lazy("lesion", "resected"),
}
# A lesion's status, after the word "status" (its gender in French is the status's, not the lesion's).
STATUS_WORDS = {
    c.LesionStatus.ACTIVE: pgettext_lazy("lesion status", "active"),
    c.LesionStatus.STABILISED: pgettext_lazy("lesion status", "stabilised"),
    c.LesionStatus.RESECTED: pgettext_lazy("lesion status", "resected"),
}
LINKED = {
    c.LesionOutcome.TREATED: _("Lesion %(label)s: treated (%(treatment)s)"),
    c.LesionOutcome.STABILISED: _("Lesion %(label)s: status stabilised (%(treatment)s)"),
    c.LesionOutcome.RESECTED: _("Lesion %(label)s: status resected (%(treatment)s)"),
}


def _link_summary(record, previous, names) -> str:
    label, treatment = names.lesion(record.lesion_id), names.treatment(record.treatment_id)
    if record.history_type == "-":
        return _("Lesion %(label)s: no longer linked to the treatment %(treatment)s") % {
            "label": label,
            "treatment": treatment,
        }
    if previous is None:
        return LINKED.get(record.outcome, LINKED[c.LesionOutcome.TREATED]) % {
            "label": label,
            "treatment": treatment,
        }
    sentences = []
    if previous.lesion_id != record.lesion_id:
        sentences.append(
            _("Treatment %(treatment)s moved from lesion %(before)s to lesion %(after)s")
            % {"treatment": treatment, "before": names.lesion(previous.lesion_id), "after": label}
        )
    if previous.outcome != record.outcome:
        sentences.append(
            _("Lesion %(label)s: %(before)s, now %(after)s (%(treatment)s)")
            % {
                "label": label,
                "before": OUTCOME_WORDS.get(previous.outcome, previous.outcome),
                "after": OUTCOME_WORDS.get(record.outcome, record.outcome),
                "treatment": treatment,
            }
        )
    return ". ".join(str(sentence) for sentence in sentences)


def _pain_phrase(record) -> str:
    if record.pain_nrs is None and record.pain_mechanical is None:
        return str(pgettext_lazy("pain", "unknown"))
    parts = [f"{record.pain_nrs}/10"] if record.pain_nrs is not None else []
    if record.pain_mechanical is not None:
        parts.append(str(_("mechanical") if record.pain_mechanical else _("not mechanical")))
    if record.pain_date:
        parts.append(formats.date_format(record.pain_date, "SHORT_DATE_FORMAT"))
    return ", ".join(parts)


def _lesion_summary(record, previous, names) -> str:
    label = names.lesion(record.id)
    if record.history_type == "-":
        if record.merged_into:
            return _("Lesion %(label)s merged into lesion %(kept)s") % {
                "label": label,
                "kept": names.lesion(record.merged_into),
            }
        return _("Lesion %(label)s deleted") % {"label": label}
    if previous is None:
        return ""
    parts = []
    before, after = previous.instance, record.instance
    if before.site_key != after.site_key:
        parts.append(
            _("site %(before)s → %(after)s") % {"before": before.site_label, "after": after.site_label}
        )
    if before.status != after.status:
        parts.append(
            _("status %(before)s → %(after)s")
            % {
                "before": STATUS_WORDS.get(before.status, before.status),
                "after": STATUS_WORDS.get(after.status, after.status),
            }
        )
    if (before.pain_nrs, before.pain_mechanical, before.pain_date) != (
        after.pain_nrs,
        after.pain_mechanical,
        after.pain_date,
    ):
        parts.append(
            _("pain %(before)s → %(after)s") % {"before": _pain_phrase(before), "after": _pain_phrase(after)}
        )
    if not parts:
        return ""
    return _("Lesion %(label)s: %(changes)s") % {
        "label": label,
        "changes": str(pgettext_lazy("list separator", "; ")).join(str(p) for p in parts),
    }


def _observation_summary(record, previous, names) -> str:
    if previous is None or previous.lesion_id == record.lesion_id:
        return ""
    return _("Observation of %(exam)s moved from lesion %(before)s to lesion %(after)s") % {
        "exam": names.exams.get(record.exam_id, "—"),
        "before": names.lesion(previous.lesion_id),
        "after": names.lesion(record.lesion_id),
    }


SUMMARIES = {
    m.TrackedLesion: _lesion_summary,
    m.TreatedLesion: _link_summary,
    m.LesionObservation: _observation_summary,
}
