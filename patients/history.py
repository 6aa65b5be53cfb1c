"""The history panel: every change to a patient's clinical data, with who, when, and before → after.

Fed by django-simple-history's tables (written by the site and by the admin). One query per tracked
table, whatever the number of changes; the before/after pairs are computed in Python.
"""

from dataclasses import dataclass
from itertools import groupby

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


def _display(field, value):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    return str(value)


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
    ):
        yield model, model.history.filter(patient_id=patient.pk)
    yield m.BoneLesion, m.BoneLesion.history.filter(exam_id__in=exam_ids)


def patient_history(patient, limit=200) -> list[Entry]:
    entries = []
    for model, queryset in _tracked_querysets(patient):
        fields = [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]
        records = queryset.select_related("history_user").order_by("id", "history_date", "history_id")
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
                        changes.append(
                            Change(
                                str(field.verbose_name),
                                _display(field, before) if previous else "",
                                _display(field, after),
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
                            if model is not m.BoneLesion
                            else _display_lesion(record),
                            changes=changes,
                        )
                    )
                previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _display_lesion(record):
    site = m.BoneLesion._meta.get_field("site")
    return record.vertebral_level or _display(site, record.site)
