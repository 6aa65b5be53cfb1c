"""Writes that span several models of the record."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import ScoreInputError, registry

from . import choices as c
from .models import LesionObservation, Patient, ScoreAssessment, TrackedLesion, TreatedLesion
from .prefill import known, prefill
from .record import PatientRecord


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


# Corrections of tracked lesions: a lesion entered at the wrong site, twice, or an observation filed
# under the wrong lesion. Each is one transaction whose history rows carry the user and the reason.

REASON_MAX_LENGTH = 100  # the history's change reason column


def _touch(patient_id):
    Patient.objects.filter(pk=patient_id).update(updated_at=timezone.now())


def _save(obj, *, user, reason, **kwargs):
    obj._history_user = user
    obj._change_reason = reason
    obj.save(**kwargs)


def _delete(obj, *, user, reason):
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def _check_reason(reason):
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH}})


def check_observations_fit(observations, lesion, *, field):
    """Raise ValidationError (on `field`) when an observation records a finding the lesion's site
    cannot have (a Bilsky grade on a femur): the correction would silently lose it."""
    if lesion.is_spinal:
        return
    for observation in observations:
        spinal = [
            str(LesionObservation._meta.get_field(name).verbose_name)
            for name in LesionObservation.SPINAL_ONLY
            if getattr(observation, name) not in (None, "")
        ]
        if spinal:
            raise ValidationError(
                {
                    field: _(
                        "The observation of %(exam)s records findings of a vertebra (%(findings)s): "
                        "correct that observation first, or move it to a vertebral lesion."
                    )
                    % {"exam": observation.exam, "findings": ", ".join(spinal)}
                }
            )


def _refresh_scores(*, patient_id, lesion_ids, user):
    """Recompute the saved scores of these lesions with what the record now says (new assessments
    only when a result changes; the saved ones are kept)."""
    record = PatientRecord(PatientRecord.queryset().get(pk=patient_id))
    for lesion in record.lesions:
        if lesion.pk in lesion_ids:
            refresh_lesion_scores(record=record, lesion=lesion, user=user)


def correct_lesion(*, lesion, site, vertebral_level, rib_number, side, status, reason, user):
    """Correct where a tracked lesion is (site, level, rib, side) and where it stands (status), by
    hand, with the reason kept in its history. Its observations, treatments and saved scores stay
    attached; the saved scores are recomputed with the corrected site. Raises ValidationError (by
    field) for a site the taxonomy refuses or that its observations contradict."""
    _check_reason(reason)
    with transaction.atomic():
        lesion = TrackedLesion.objects.select_for_update().get(pk=lesion.pk)
        lesion.site, lesion.vertebral_level, lesion.rib_number, lesion.side = (
            site,
            vertebral_level or "",
            rib_number,
            side or "",
        )
        lesion.status = status
        lesion.full_clean(exclude=["patient"])
        check_observations_fit(lesion.observations.select_related("exam"), lesion, field="site")
        _save(
            lesion,
            user=user,
            reason=reason,
            update_fields=["site", "vertebral_level", "rib_number", "side", "status"],
        )
        _touch(lesion.patient_id)
        _refresh_scores(patient_id=lesion.patient_id, lesion_ids={lesion.pk}, user=user)
    return lesion


def merge_lesions(*, kept, absorbed, reason, user):
    """Merge `absorbed` into `kept`, two tracked lesions of one patient found to be the same lesion:
    its observations, treatment links and saved scores move to `kept`, and it is deleted; the history
    records the move of each row and the deletion, with the lesion it was merged into.

    `kept` keeps its site. It takes the other's status when its own is active (a stabilisation or a
    resection recorded on either stands), and the other's pain when its own is unknown or older. A
    treatment linked to both keeps one link, with the outcome that is not "treated" if either has one.
    """
    _check_reason(reason)
    if kept.pk == absorbed.pk:
        raise ValidationError({"absorbed": _("Choose another lesion than this one.")})
    if kept.patient_id != absorbed.patient_id:
        raise ValueError("Only two lesions of the same patient are merged.")
    with transaction.atomic():
        locked = TrackedLesion.objects.select_for_update().in_bulk([kept.pk, absorbed.pk])
        kept, absorbed = locked[kept.pk], locked[absorbed.pk]
        observations = list(absorbed.observations.select_related("exam"))
        check_observations_fit(observations, kept, field="absorbed")
        for observation in observations:
            observation.lesion = kept
            _save(observation, user=user, reason=reason, update_fields=["lesion"])
        kept_links = {link.treatment_id: link for link in TreatedLesion.objects.filter(lesion=kept)}
        for link in TreatedLesion.objects.filter(lesion=absorbed):
            twin = kept_links.get(link.treatment_id)
            if twin is None:
                link.lesion = kept
                _save(link, user=user, reason=reason, update_fields=["lesion"])
                continue
            if twin.outcome == c.LesionOutcome.TREATED and link.outcome != c.LesionOutcome.TREATED:
                twin.outcome = link.outcome
                _save(twin, user=user, reason=reason, update_fields=["outcome"])
            _delete(link, user=user, reason=reason)
        # A saved score is never rewritten; only the lesion it is about is corrected, as its
        # observations are. update() skips the model's guard against rewriting the result.
        ScoreAssessment.objects.filter(lesion=absorbed).update(lesion=kept)
        changed = []
        if kept.status == c.LesionStatus.ACTIVE and absorbed.status != c.LesionStatus.ACTIVE:
            kept.status = absorbed.status
            changed.append("status")
        if absorbed.pain_known and (
            not kept.pain_known
            or (kept.pain_date and absorbed.pain_date and absorbed.pain_date > kept.pain_date)
        ):
            kept.pain_nrs, kept.pain_mechanical, kept.pain_date = (
                absorbed.pain_nrs,
                absorbed.pain_mechanical,
                absorbed.pain_date,
            )
            changed += ["pain_nrs", "pain_mechanical", "pain_date"]
        if changed:
            _save(kept, user=user, reason=reason, update_fields=changed)
        absorbed._merged_into = kept.pk
        _delete(absorbed, user=user, reason=reason)
        _touch(kept.patient_id)
        _refresh_scores(patient_id=kept.patient_id, lesion_ids={kept.pk}, user=user)
    return kept


def move_observation(*, observation, lesion, reason, user):
    """File an exam's observation under another tracked lesion of the same patient (it was filed
    under the wrong one); the history records the move and its reason. The saved scores of both
    lesions are recomputed with what their observations now say."""
    _check_reason(reason)
    with transaction.atomic():
        observation = (
            LesionObservation.objects.select_for_update().select_related("exam").get(pk=observation.pk)
        )
        if lesion.patient_id != observation.exam.patient_id:
            raise ValueError("An observation is filed under a lesion of its exam's patient only.")
        if lesion.pk == observation.lesion_id:
            raise ValidationError({"lesion": _("The observation is already filed under this lesion.")})
        check_observations_fit([observation], lesion, field="lesion")
        previous = observation.lesion_id
        observation.lesion = lesion
        _save(observation, user=user, reason=reason, update_fields=["lesion"])
        _touch(lesion.patient_id)
        _refresh_scores(patient_id=lesion.patient_id, lesion_ids={previous, lesion.pk}, user=user)


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
