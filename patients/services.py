"""Writes that span several models of the record."""

from django.db import transaction
from django.utils import timezone

from scoring import ScoreInputError, registry

from .models import ScoreAssessment
from .prefill import prefill


def save_record(form, *, user, patient=None):
    """Save a form of the record in one transaction, attributed to `user` in the history, and mark the
    patient's last activity."""
    from .models import Patient

    with transaction.atomic():
        obj = form.save(commit=False)
        obj._history_user = user
        obj.save()
        form.save_m2m()
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
            inputs = {**saved.inputs, **{item: p.value for item, p in prefill(slug, record, lesion).items()}}
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
