"""Data: one tracked lesion per distinct lesion of a patient, and every record that named a lesion
pointed at it (issue 10). Nothing entered is lost:
- the lesions of a patient's exams with the same site, vertebral level, rib number and side are one
  tracked lesion (the merge the facts builder made); each row becomes that exam's observation of it;
- a lesion score (Mirels, SINS, Bilsky) saved on a row is attached to the row's tracked lesion;
- a local treatment (radiotherapy, surgery, interventional radiology) is linked to the lesions its
  free-text target names unambiguously (the interim heuristic of `patients.lesion_links`, kept for
  this migration); a stabilising surgery or procedure marks them stabilised, a resection resected when
  no later exam shows the lesion again. The target text is kept as it was.
"""

from django.db import migrations

from patients.lesion_links import linked_lesions, outcome_of

LOCAL = {"radiotherapy", "surgery", "interventional"}


def _outcome(treatment, last_seen):
    """A resection resects the lesion only when no later exam shows it again (a recurrence)."""
    outcome = outcome_of(treatment)
    if outcome == "resected" and last_seen > treatment.start_date:
        return "treated"
    return outcome


def forwards(apps, schema_editor):
    Observation = apps.get_model("patients", "LesionObservation")
    TrackedLesion = apps.get_model("patients", "TrackedLesion")
    ScoreAssessment = apps.get_model("patients", "ScoreAssessment")
    Treatment = apps.get_model("patients", "Treatment")
    TreatedLesion = apps.get_model("patients", "TreatedLesion")

    tracked = {}  # (patient, site, level, rib, side) -> TrackedLesion
    last_seen = {}  # tracked lesion pk -> date of the newest exam that shows it
    for row in Observation.objects.select_related("exam").order_by("exam__patient_id", "pk"):
        key = (row.exam.patient_id, row.site, row.vertebral_level, row.rib_number, row.side)
        if key not in tracked:
            tracked[key] = TrackedLesion.objects.create(
                patient_id=key[0],
                site=row.site,
                vertebral_level=row.vertebral_level,
                rib_number=row.rib_number,
                side=row.side,
                status="active",
            )
        lesion = tracked[key]
        row.lesion_id = lesion.pk
        row.save(update_fields=["lesion"])
        last_seen[lesion.pk] = max(last_seen.get(lesion.pk, row.exam.date), row.exam.date)
        ScoreAssessment.objects.filter(lesion_id=row.pk).update(tracked_lesion_id=lesion.pk)

    by_patient = {}
    for lesion in tracked.values():
        by_patient.setdefault(lesion.patient_id, []).append(lesion)
    statuses = {}
    for treatment in Treatment.objects.filter(category__in=LOCAL).order_by("start_date", "pk"):
        for lesion in linked_lesions(treatment.target, by_patient.get(treatment.patient_id, [])):
            outcome = _outcome(treatment, last_seen[lesion.pk])
            TreatedLesion.objects.create(treatment_id=treatment.pk, lesion_id=lesion.pk, outcome=outcome)
            if outcome != "treated":
                statuses[lesion.pk] = outcome  # the latest outcome stands
    for pk, status in statuses.items():
        TrackedLesion.objects.filter(pk=pk).update(status=status)


def backwards(apps, schema_editor):
    """Copy each tracked lesion's site back onto its observations, and the scores back onto a row."""
    Observation = apps.get_model("patients", "LesionObservation")
    ScoreAssessment = apps.get_model("patients", "ScoreAssessment")
    for row in Observation.objects.select_related("lesion"):
        lesion = row.lesion
        row.site, row.vertebral_level = lesion.site, lesion.vertebral_level
        row.rib_number, row.side = lesion.rib_number, lesion.side
        row.save(update_fields=["site", "vertebral_level", "rib_number", "side"])
    for assessment in ScoreAssessment.objects.exclude(tracked_lesion=None):
        newest = Observation.objects.filter(lesion_id=assessment.tracked_lesion_id).order_by(
            "-exam__date", "-pk"
        )
        assessment.lesion_id = newest.values_list("pk", flat=True).first()
        assessment.save(update_fields=["lesion"])


class Migration(migrations.Migration):
    dependencies = [("patients", "0007_tracked_lesions")]

    operations = [migrations.RunPython(forwards, backwards)]
