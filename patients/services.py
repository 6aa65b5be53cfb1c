"""Writes that span several models of the record."""

from django.db import transaction
from django.utils import timezone

from scoring import ScoreInputError, registry

from .models import ScoreAssessment
from .prefill import known, prefill


def save_record(form, *, user, patient=None):
    """Save a form of the record in one transaction, attributed to `user` in the history, and mark the
    patient's last activity."""
    from .models import Patient

    with transaction.atomic():
        if hasattr(form, "save_parents"):  # rows the form's object refers to, new with it
            form.save_parents(user=user)
        obj = form.save(commit=False)
        obj._history_user = user
        obj.save()
        form.save_m2m()
        if hasattr(form, "save_links"):  # rows that refer to the form's object, saved with it
            form.save_links(user=user)
        if patient is not None and obj is not patient:
            Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now())
    return obj


def refresh_lesion_scores(*, record, lesion, user) -> list[ScoreAssessment]:
    """After a correction of `lesion`, recompute its saved scores with what the record now says.

    Each score that was saved before is recomputed from its saved inputs overridden by the new
    prefill; a new assessment is stored when the result changes (the old one is kept, never
    rewritten). Returns the new assessments.
    """
    created = []
    with transaction.atomic():
        for slug in lesion.applicable_scores:
            saved = record.latest_scores.get((slug, lesion.pk))
            if saved is None:
                continue
            score = registry.get(slug)
            inputs = {**saved.inputs, **known(prefill(slug, record, lesion))}
            try:
                result = score.compute(**inputs)
            except ScoreInputError:
                continue
            if (result.total, result.band) == (saved.total, saved.band):
                continue
            created.append(
                ScoreAssessment.objects.record(result, patient=record.patient, lesion=lesion, user=user)
            )
    return created


def link_treated_lesions(*, treatment, lesions, user, outcomes=None) -> list:
    """Link a local treatment to the patient's tracked lesions it treats, replacing earlier links.

    `outcomes` ({lesion pk: LesionOutcome}) applies to a surgery or an interventional procedure only:
    a lesion it stabilised or resected takes that status (one transaction, attributed to `user` in the
    history). A lesion of another patient, or an outcome for a radiotherapy course, raises ValueError.
    """
    from . import choices as c
    from .models import TrackedLesion, TreatedLesion

    outcomes = dict(outcomes or {})
    lesions = list(lesions)
    if any(lesion.patient_id != treatment.patient_id for lesion in lesions):
        raise ValueError("A treatment treats lesions of its own patient only.")
    if treatment.category not in treatment.WITH_OUTCOME and any(
        outcome != c.LesionOutcome.TREATED for outcome in outcomes.values()
    ):
        raise ValueError("Only a surgery or a procedure stabilises or resects a lesion.")
    with transaction.atomic():
        for link in TreatedLesion.objects.filter(treatment=treatment).exclude(lesion__in=lesions):
            link._history_user = user
            link.delete()
        links = []
        for lesion in lesions:
            outcome = outcomes.get(lesion.pk, c.LesionOutcome.TREATED)
            link = TreatedLesion.objects.filter(treatment=treatment, lesion=lesion).first() or TreatedLesion(
                treatment=treatment, lesion=lesion
            )
            link.outcome = outcome
            link._history_user = user
            link.save()
            links.append(link)
            if outcome != c.LesionOutcome.TREATED and lesion.status != outcome:
                lesion = TrackedLesion.objects.select_for_update().get(pk=lesion.pk)
                lesion.status = outcome
                lesion._history_user = user
                lesion.save(update_fields=["status"])
        from .models import Patient

        Patient.objects.filter(pk=treatment.patient_id).update(updated_at=timezone.now())
    return links


def set_lesion_pain(*, form, record, user):
    """Save a lesion's pain (form: LesionPainForm) and recompute that lesion's saved scores with it
    (its Mirels or SINS pain item), in one transaction attributed to `user`. Returns the new
    assessments."""
    from .record import PatientRecord

    with transaction.atomic():
        lesion = save_record(form, user=user, patient=record.patient)
        fresh = PatientRecord(PatientRecord.queryset().get(pk=record.patient.pk))
        tracked = next(row for row in fresh.lesions if row.pk == lesion.pk)
        return refresh_lesion_scores(record=fresh, lesion=tracked, user=user)


def save_observation(*, form, user):
    """Save an exam's observation of a lesion (a valid LesionObservationForm, new or corrected) and
    recompute that lesion's saved scores with it: one transaction attributed to `user`, the patient's last
    activity marked. The patient page and presentation mode both save through here, so a lesion edited
    from either ends the same."""
    from .record import PatientRecord

    with transaction.atomic():
        patient = form.instance.exam.patient
        observation = save_record(form, user=user, patient=patient)
        record = PatientRecord(PatientRecord.queryset().get(pk=patient.pk))
        tracked = next(row for row in record.lesions if row.pk == observation.lesion_id)
        refresh_lesion_scores(record=record, lesion=tracked, user=user)
    return observation
