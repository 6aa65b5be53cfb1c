"""Turn the demo data (`rcp.demo.centres`, `rcp.demo.patients`) into rows, idempotently.

A patient already there is left as it is: a second load creates nothing. The rows a clinician's
pages would derive (treated lesions, saved scores) go through the same services and read model.
"""

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from patients import choices as c
from patients import models as m
from patients.lesion_links import linked_lesions, outcome_of
from patients.prefill import known, prefill
from patients.record import PatientRecord
from patients.services import link_treated_lesions
from rcp import followup, meetings, services
from rcp.accounts.models import Centre, User
from rcp.accounts.roles import sync_role_groups
from rcp.models import Action, Board, CaseSubmission, Meeting, Trial
from rcp.proposals import Context, details_form
from scoring import registry

from . import centres as data

# Where a lesion is, besides its site (required): which tracked lesion an observation belongs to.
PLACE_DEFAULTS = {"vertebral_level": "", "rib_number": None, "side": ""}
# The lesion's own pain, assessed with the exam that observes it.
PAIN_KEYS = ("pain_nrs", "pain_mechanical")


class Loaded(NamedTuple):
    created: int  # patients
    existing: int


def ago(days):
    return timezone.localdate() - timedelta(days=days)


@transaction.atomic
def load() -> Loaded:
    """Create what of the demo is missing: centres, accounts, patients, the board and its meeting."""
    sync_role_groups()
    centres = _centres()
    users = _accounts(centres)
    created = total = 0
    for name, _city, physician, patients in data.CENTRES:
        for patient in patients:
            created += _patient(patient, centres[name], users[physician])
            total += 1
    _board(centres[data.BOARD_CENTRE], users)
    _past_meeting(centres[data.BOARD_CENTRE], users)
    return Loaded(created=created, existing=total - created)


def _centres() -> dict[str, Centre]:
    centres = {
        name: Centre.objects.get_or_create(name=name, defaults={"city": city})[0]
        for name, city, _physician, _patients in data.CENTRES
    }
    # Marked as demo centres, which nothing else can do: their accounts log in without a second
    # factor, in this database only (rcp/accounts/security.py; README, "Security").
    Centre.objects.filter(pk__in=[centre.pk for centre in centres.values()]).update(is_demo=True)
    return centres


def _accounts(centres) -> dict[str, User]:
    users = {}
    for username, first, last, specialty, role, centre in data.ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "specialty": specialty,
                "centre": centres[centre],
            },
        )
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role.value))
        users[username] = user
    return users


def _board(centre, users):
    """The board and its trials; its next meeting with an agenda, created once."""
    board, _created = Board.objects.get_or_create(centre=centre)
    for spec in data.TRIALS:
        trial, _created = Trial.objects.get_or_create(
            board=board, name=spec["name"], defaults={"description": spec["description"]}
        )
        if not trial.rule_ids:  # a demo made before the register linked trials to rules gets the link too
            trial.rule_ids = spec["rule_ids"]
            trial.save(update_fields=["rule_ids"])
    if board.meetings.exists():
        return
    spec = data.MEETING
    starts = timezone.localtime().replace(hour=spec["hour"], minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(
        board=board,
        title=spec["title"],
        starts_at=starts + timedelta(days=spec["in_days"]),
        place=spec["place"],
        chair=users[spec["chair"]],
        deputy=users[spec["deputy"]],
        expected_specialties=spec["expected_specialties"],
    )
    presenter = users[spec["presenting_physician"]]
    for position, (hospital_id, reason, urgency, question) in enumerate(data.AGENDA, start=1):
        CaseSubmission.objects.create(
            patient=m.Patient.objects.get(centre=centre, hospital_id=hospital_id),
            meeting=meeting,
            question=question,
            reason=reason,
            urgency=urgency,
            presenting_physician=presenter,
            submitted_by=presenter,
            position=position,
            status=CaseSubmission.Status.SCHEDULED,
        )


def _patient(spec, centre, physician) -> bool:
    """Create the patient and the whole record, unless the patient is already there."""
    today = timezone.localdate()
    patient, created = m.Patient.objects.get_or_create(
        centre=centre,
        hospital_id=spec["hospital_id"],
        defaults={
            "family_name": spec["family_name"],
            "given_names": spec["given_names"],
            "birth_date": today.replace(year=today.year - spec["age"]) - timedelta(days=40),
            "sex": spec["sex"],
            "referring_physician": physician,
        },
    )
    if not created:
        return False
    tumour = spec["tumour"]
    m.PrimaryTumour.objects.create(
        patient=patient,
        histology=tumour["histology"],
        location=tumour["location"],
        laterality=tumour.get("laterality", ""),
        diagnosis_date=ago(tumour["days"]),
        t_category=tumour["t"],
        n_category=tumour["n"],
        m_category=tumour["m"],
        pdl1_tps=tumour.get("pdl1"),
        bone_first_presentation=tumour.get("bone_first", False),
        notes=spec["scenario"],
    )
    for gene, variant in spec.get("molecular", []):
        m.MolecularAlteration.objects.create(
            patient=patient, gene=gene, variant=variant, test_date=ago(tumour["days"] - 10)
        )
    for assessment in spec.get("assessments", []):
        _assessment(patient, dict(assessment))
    for lab in spec.get("labs", []):
        lab = dict(lab)
        days = lab.pop("days")
        values = {key: (Decimal(value) if isinstance(value, str) else value) for key, value in lab.items()}
        m.LabResult.objects.create(patient=patient, date=ago(days), **values)
    for exam in spec.get("exams", []):
        _exam(patient, exam, physician)
    for organ, resectability in spec.get("sites", []):
        m.MetastaticSite.objects.create(patient=patient, organ=organ, resectability=resectability)
    for treatment in spec.get("treatments", []):
        _treatment(patient, dict(treatment), physician)
    for kind, days in spec.get("events", []):
        m.SkeletalEvent.objects.create(patient=patient, kind=c.EventKind(kind), date=ago(days))
    _scores(patient, physician)
    return True


def _assessment(patient, values):
    days = values.pop("days")
    deficit = values.pop("motor_deficit_days", None)
    for key in ("weight_kg", "life_expectancy_months"):
        if key in values:
            values[key] = Decimal(values[key])
    m.ClinicalAssessment.objects.create(
        patient=patient,
        date=ago(days),
        motor_deficit_onset=ago(days + deficit) if deficit else None,
        **values,
    )


def _exam(patient, spec, physician):
    exam = m.ImagingExam.objects.create(
        patient=patient,
        date=ago(spec["days"]),
        modality=spec["modality"],
        conclusion=spec.get("conclusion", ""),
        new_foci=spec.get("new_foci"),
    )
    for observed in spec["lesions"]:
        observed = dict(observed)
        place = {key: observed.pop(key, default) for key, default in PLACE_DEFAULTS.items()}
        pain = {key: observed.pop(key) for key in PAIN_KEYS if key in observed}
        mirels = observed.pop("mirels_saved", None)
        tracked, _created = m.TrackedLesion.objects.get_or_create(
            patient=patient, site=observed.pop("site"), **place
        )
        if pain:
            for key, value in {**pain, "pain_date": exam.date}.items():
                setattr(tracked, key, value)
            tracked.save()
        m.LesionObservation.objects.create(exam=exam, lesion=tracked, **observed)
        if mirels:  # a score saved then, before what a later exam shows
            result = registry.get("mirels").compute(**mirels)
            m.ScoreAssessment.objects.record(result, patient=patient, lesion=tracked, user=physician)


def _treatment(patient, values, physician):
    days, end_days = values.pop("days"), values.pop("end_days", None)
    if "rt_dose_gy" in values:
        values["rt_dose_gy"] = Decimal(values["rt_dose_gy"])
    treatment = m.Treatment.objects.create(
        patient=patient,
        start_date=ago(days),
        end_date=ago(end_days) if end_days is not None else None,
        **values,
    )
    # The lesions a local treatment treats are those its target names, linked as a clinician would.
    treated = linked_lesions(treatment.target, list(patient.tracked_lesions.all()))
    if treated and treatment.category in m.Treatment.LOCAL:
        outcome = outcome_of(treatment)
        link_treated_lesions(
            treatment=treatment,
            lesions=treated,
            user=physician,
            outcomes={lesion.pk: outcome for lesion in treated},
        )


def _scores(patient, physician):
    """Save every score the record answers completely, as a clinician would from the prefilled form."""
    record = PatientRecord.load(physician, patient.pk)
    subjects = [(score, None) for score in registry.all() if score.slug not in m.LESION_SCORES]
    subjects += [
        (registry.get(slug), lesion) for lesion in record.lesions for slug in lesion.applicable_scores
    ]
    for score, lesion in subjects:
        if score.slug == "rades" and not record.facts.get("spinal_cord_compression"):
            continue
        inputs = known(prefill(score.slug, record, lesion))
        if score.validate(inputs):
            continue  # incomplete: left for the clinician
        result = score.compute(**inputs)
        m.ScoreAssessment.objects.record(result, patient=patient, lesion=lesion, user=physician)


def _past_meeting(centre, users):
    """The board's previous meeting, created once: agenda, attendance, decisions validated by the chair,
    then what became of their actions, all through the services a clinician's pages use."""
    board = Board.objects.get(centre=centre)
    if board.meetings.filter(status=Meeting.Status.CLOSED).exists():
        return
    spec = data.PAST_MEETING
    chair, presenter = users[spec["chair"]], users[spec["presenting_physician"]]
    starts = timezone.localtime().replace(hour=spec["hour"], minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(
        board=board,
        title=spec["title"],
        starts_at=starts - timedelta(days=spec["days_ago"]),
        place=spec["place"],
        chair=chair,
        deputy=users[spec["deputy"]],
        expected_specialties=data.MEETING["expected_specialties"],
    )
    meetings.start_meeting(meeting=meeting, user=chair)
    meetings.set_attendance(meeting=meeting, present=[users[name] for name in spec["present"]], user=chair)
    for position, (hospital_id, reason, urgency, question, days_before, lines) in enumerate(
        data.PAST_AGENDA, start=1
    ):
        case = CaseSubmission.objects.create(
            patient=m.Patient.objects.get(centre=centre, hospital_id=hospital_id),
            meeting=meeting,
            question=question,
            reason=reason,
            urgency=urgency,
            presenting_physician=presenter,
            submitted_by=presenter,
            position=position,
            status=CaseSubmission.Status.SCHEDULED,
        )
        CaseSubmission.objects.filter(pk=case.pk).update(
            submitted_at=meeting.starts_at - timedelta(days=days_before)
        )
        record = PatientRecord.load(chair, case.patient_id)
        lesions = list(case.patient.tracked_lesions.all())
        for kind, places, fields, _then in lines:
            fields = dict(fields)
            if "represent_in" in fields:
                fields["represent_on"] = timezone.localdate() + timedelta(days=fields.pop("represent_in"))
            chosen = [
                lesion.pk
                for lesion in lesions
                if any(all(getattr(lesion, key) == value for key, value in place.items()) for place in places)
            ]
            form = details_form(
                kind,
                {**{f"line-{name}": value for name, value in fields.items()}, "line-lesions": chosen},
                context=Context.of(record),
            )
            if not form.is_valid():
                raise ValueError(f"demo line {hospital_id} {kind}: {form.errors.as_json()}")
            services.add_proposal_line(case=case, form=form, user=chair)
        draft = case.decisions.get()
        draft.conforms = True
        draft.contradictions_confirmed = True  # the board confirms, as a chair would on the page
        draft.follow_up_physician = users[spec["follow_up_physician"]]
        draft.discussion_type = "first"
        draft.save()
        services.validate_decision(decision=draft, user=chair)
        actions = Action.objects.filter(line__decision=draft).order_by("line__position")
        for action, (_kind, _places, _fields, fate) in zip(actions, lines, strict=True):
            _carry_out(action, fate, presenter)
    meetings.close_meeting(meeting=meeting, user=chair, outcomes={})


def _carry_out(action, fate, user):
    if fate is None:
        return
    if fate[0] == "started":
        followup.start_action(action=action, user=user, started_on=ago(fate[1]))
    elif fate[0] == "done":
        followup.complete_action(action=action, user=user, done_on=ago(fate[1]))
    else:
        followup.cancel_action(action=action, user=user, reason=fate[1], cancelled_on=ago(fate[2]))
