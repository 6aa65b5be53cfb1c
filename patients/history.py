"""The history panel: every change to a patient's clinical data, with who, when, and before → after.

Fed by django-simple-history's tables (written by the site and by the admin). One query per tracked
table, and one per model referred to by a foreign key, whatever the number of changes; the
before/after pairs are computed in Python and written in the active language (names, not ids; dates
and decimals as the reader writes them).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import models as m

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


def _related_objects(records_by_model):
    """{(model, field name): {id: object}} for every foreign key shown: one query per related model."""
    wanted = defaultdict(set)
    for _model, fields, records in records_by_model:
        for field in fields:
            if field.is_relation:
                wanted[field.related_model].update(
                    value for record in records if (value := getattr(record, field.attname)) is not None
                )
    loaded = {
        related_model: related_model._default_manager.in_bulk(ids)
        for related_model, ids in wanted.items()
        if ids
    }
    return {
        (model, field.name): loaded.get(field.related_model, {})
        for model, fields, _records in records_by_model
        for field in fields
        if field.is_relation
    }


def _tracked_querysets(patient):
    exam_ids = m.ImagingExam.history.filter(patient_id=patient.pk).values("id")
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
    related = _related_objects(records_by_model)
    for model, fields, records in records_by_model:
        for _pk, versions in groupby(records, key=lambda r: r.id):
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
                    entries.append(
                        Entry(
                            when=record.history_date,
                            user=record.history_user,
                            action=str(ACTIONS.get(record.history_type, "")),
                            what=str(model._meta.verbose_name),
                            obj=str(record.instance)
                            if model is not m.LesionObservation
                            else _display_lesion(record, related),
                            changes=changes,
                        )
                    )
                previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _display_lesion(record, related):
    """An observation is named by its tracked lesion (loaded with the other related objects)."""
    return str(related.get((m.LesionObservation, "lesion"), {}).get(record.lesion_id, "—"))
