"""The admin keeps each centre's staff inside their centre, as the site does: the lists, every foreign-key
choice of every ModelAdmin and inline, the raw id boxes, the history pages, and the models' own check of
the centres on save (which holds for superusers too)."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from patients import models as m
from rcp.accounts.admin import CentreScopedAdminMixin
from rcp.accounts.models import AccessLog, Centre, User
from rcp.accounts.scoping import centre_path
from rcp.models import (
    Action,
    Attendance,
    Board,
    CaseSubmission,
    Decision,
    Meeting,
    Minute,
    Outcome,
    ProposalLine,
    Trial,
)
from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    BoardFactory,
    CaseFactory,
    EventFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    MolecularFactory,
    PatientFactory,
    PrimaryTumourFactory,
    SiteFactory,
    TreatmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APPS = {"patients", "rcp", "accounts"}


def centre_rows(centre, user) -> dict:
    """One row of every model of the three apps, all belonging to `centre`."""
    patient = PatientFactory(centre=centre, referring_physician=user)
    exam = ExamFactory(patient=patient)
    board = BoardFactory(centre=centre)
    meeting = MeetingFactory(board=board, chair=user)
    trial = Trial.objects.create(board=board, name="STEREO-OS")
    case = CaseFactory(patient=patient, meeting=meeting, presenting_physician=user)
    decision = Decision.objects.create(case=case, conforms=True, trial=trial, follow_up_physician=user)
    line = ProposalLine.objects.create(decision=decision, position=1, kind="surveillance")
    decision.status, decision.validated_by, decision.validated_at = "validated", user, timezone.now()
    decision.save()
    minute = Minute.objects.create(
        decision=decision,
        number=f"RCP-{centre.pk:03d}",
        version=1,
        snapshot={},
        pdf=b"%PDF",
        sha256="0" * 64,
        centre=centre,
        position=1,
        previous_chain_sha256="0" * 64,
        chain_sha256="0" * 64,
    )
    return {
        Centre: centre,
        User: user,
        m.Patient: patient,
        m.PrimaryTumour: PrimaryTumourFactory(patient=patient),
        m.MolecularAlteration: MolecularFactory(patient=patient),
        m.ClinicalAssessment: AssessmentFactory(patient=patient),
        m.LabResult: LabFactory(patient=patient),
        m.ImagingExam: exam,
        m.LesionObservation: (observation := LesionFactory(exam=exam)),
        m.TrackedLesion: observation.lesion,
        m.TreatedLesion: m.TreatedLesion.objects.create(
            treatment=TreatmentFactory(
                patient=patient, category="radiotherapy", systemic_class="", rt_dose_gy=8, rt_fractions=1
            ),
            lesion=observation.lesion,
        ),
        m.MetastaticSite: SiteFactory(patient=patient),
        m.Treatment: TreatmentFactory(patient=patient),
        m.SkeletalEvent: EventFactory(patient=patient),
        Board: board,
        Meeting: meeting,
        Attendance: AttendanceFactory(meeting=meeting, user=user, guest_name=""),
        CaseSubmission: case,
        Trial: trial,
        Decision: decision,
        Minute: minute,
        ProposalLine: line,
        Action: Action.objects.create(line=line, owner=user, target_date=date(2026, 1, 1)),
        Outcome: Outcome.objects.create(
            case=case, milestone=3, recorded_on=date(2026, 1, 1), alive="unknown", recorded_by=user
        ),
        AccessLog: AccessLog.objects.create(
            user=user,
            username=user.username,
            centre=centre,
            patient=patient,
            kind="record",
            path="/",
            method="GET",
        ),
    }


@pytest.fixture
def staff(centre):
    """Staff of centre A with every permission of the three apps, but not a superuser: only the centre
    scoping keeps them out of centre B."""
    user = UserFactory(username="staff", centre=centre, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    return user


@pytest.fixture
def rows_a(centre, staff):
    return centre_rows(centre, staff)


@pytest.fixture
def rows_b(other_centre, outsider):
    return centre_rows(other_centre, outsider)


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def every_admin():
    """(label, ModelAdmin or inline instance) for every admin of the three apps."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        yield model._meta.label, model_admin
        for inline_class in model_admin.inlines:
            yield (
                f"{model._meta.label} inline {inline_class.model._meta.label}",
                inline_class(model, admin.site),
            )


def test_every_admin_and_inline_of_the_three_apps_is_centre_scoped():
    admins = list(every_admin())
    assert len(admins) >= 20
    assert [
        label for label, model_admin in admins if not isinstance(model_admin, CentreScopedAdminMixin)
    ] == []


def test_every_foreign_key_choice_of_every_admin_excludes_other_centres(staff, rows_a, rows_b):
    request = request_for(staff)
    checked = []
    for label, model_admin in every_admin():
        for field in model_admin.model._meta.get_fields():
            if not (field.concrete and isinstance(field, (models.ForeignKey, models.ManyToManyField))):
                continue
            target = field.remote_field.model
            if centre_path(target) is None:
                continue  # groups, permissions: not a centre's
            formfield = model_admin.formfield_for_dbfield(field, request)
            if formfield is None:  # a many-to-many through its own model, whose admin is checked
                continue
            choices = set(formfield.queryset.values_list("pk", flat=True))
            assert rows_b[target].pk not in choices, f"{label}.{field.name} offers another centre's row"
            assert rows_a[target].pk in choices, f"{label}.{field.name} lost the user's own centre"
            checked.append(f"{label}.{field.name}")
    print(f"{len(checked)} foreign-key choices checked")
    assert len(checked) >= 25, checked
    assert "rcp.CaseSubmission.patient" in checked and "rcp.Meeting inline rcp.Attendance.user" in checked


def test_every_admin_list_and_page_shows_only_the_users_centre(client_for, staff, rows_a, rows_b):
    request = request_for(staff)
    superuser_request = request_for(
        UserFactory(username="root", is_superuser=True, is_staff=True, centre=None)
    )
    client = client_for(staff)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        mine, theirs = rows_a[model], rows_b[model]
        visible = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        assert theirs.pk not in visible and mine.pk in visible, model
        assert theirs.pk in set(model_admin.get_queryset(superuser_request).values_list("pk", flat=True))
        info = model._meta.app_label, model._meta.model_name
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[mine.pk])).status_code == 200
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[theirs.pk])).status_code == 302
        assert client.get(reverse("admin:{}_{}_history".format(*info), args=[mine.pk])).status_code == 200
        assert client.get(reverse("admin:{}_{}_history".format(*info), args=[theirs.pk])).status_code in {
            302,
            404,
        }
        if hasattr(model, "history"):  # django-simple-history: a past version, which can be reverted
            version = theirs.history.first().history_id
            url = reverse("admin:{}_{}_simple_history".format(*info), args=[theirs.pk, version])
            assert client.get(url).status_code == 404, model
            own = reverse("admin:{}_{}_simple_history".format(*info), args=[mine.pk, mine.history.first().pk])
            assert client.get(own).status_code == 200, model


@pytest.fixture
def staff_clinician(clinician):
    clinician.is_staff = True
    clinician.save(update_fields=["is_staff"])
    return clinician


def lab_data(patient):
    return {"patient": patient.pk, "date": date(2024, 5, 2).isoformat(), "calcium": "2.60", "notes": ""}


def test_a_centres_staff_cannot_add_a_lab_result_to_another_centres_patient(
    client_for, staff_clinician, patient, outsider
):
    theirs = PatientFactory(centre=outsider.centre, family_name="Autrecentre")
    client = client_for(staff_clinician)
    url = reverse("admin:patients_labresult_add")
    response = client.post(url, lab_data(theirs))
    assert response.status_code == 200
    assert "patient" in response.context["adminform"].form.errors
    assert not m.LabResult.objects.exists()
    assert "Autrecentre" not in response.content.decode().upper()  # the raw id box does not name them
    # The raw id lookup lists the user's centre only; their own patient is accepted.
    lookup = client.get(reverse("admin:patients_patient_changelist"), {"_to_field": "id", "_popup": "1"})
    assert [p.pk for p in lookup.context["cl"].result_list] == [patient.pk]
    assert client.post(url, lab_data(patient)).status_code == 302
    assert m.LabResult.objects.get().patient == patient


def case_data(case, **changes):
    data = {
        "patient": case.patient_id,
        "meeting": case.meeting_id,
        "question": case.question,
        "reason": case.reason,
        "urgency": case.urgency,
        "presenting_physician": case.presenting_physician_id,
        "submitted_by": case.submitted_by_id,
        "position": case.position,
        "status": case.status,
        "discussed_at_0": "",
        "discussed_at_1": "",
        "discussed_with_quorum": "unknown",
    }
    return {**data, **changes}


@pytest.fixture
def case_a(patient, clinician, chair):
    meeting = MeetingFactory(board=BoardFactory(centre=patient.centre), chair=chair)
    return CaseFactory(patient=patient, meeting=meeting, presenting_physician=clinician)


def test_a_case_cannot_be_pointed_at_another_centres_patient_in_the_admin(
    client_for, admin_client, coordinator, case_a, outsider
):
    theirs = PatientFactory(centre=outsider.centre)
    other_mine = PatientFactory(centre=case_a.patient.centre)
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    url = reverse("admin:rcp_casesubmission_change", args=[case_a.pk])
    # A coordinator of the centre: another centre's patient is not a choice.
    response = client_for(coordinator).post(url, case_data(case_a, patient=theirs.pk))
    assert response.status_code == 200 and "patient" in response.context["adminform"].form.errors
    # A superuser sees every centre: the case's own check refuses a patient of another centre than its
    # meeting and physicians.
    response = admin_client.post(url, case_data(case_a, patient=theirs.pk))
    assert response.status_code == 200
    assert {"meeting", "presenting_physician", "submitted_by"} <= set(
        response.context["adminform"].form.errors
    )
    case_a.refresh_from_db()
    assert case_a.patient.centre != theirs.centre
    # The same form with a patient of the same centre is saved (the data above was complete).
    assert client_for(coordinator).post(url, case_data(case_a, patient=other_mine.pk)).status_code == 302
    case_a.refresh_from_db()
    assert case_a.patient == other_mine


def test_related_rows_of_another_centre_are_refused_by_the_models_themselves(
    centre, chair, clinician, outsider, case_a
):
    patient = PatientFactory(centre=centre, referring_physician=outsider)
    meeting = case_a.meeting
    meeting.deputy = outsider
    decision = Decision(case=case_a, follow_up_physician=outsider)
    attendance = Attendance(meeting=meeting, user=outsider, specialty="medical_oncology")
    for instance, field in [
        (patient, "referring_physician"),
        (meeting, "deputy"),
        (decision, "follow_up_physician"),
        (attendance, "user"),
    ]:
        with pytest.raises(ValidationError) as error:
            instance.full_clean()
        assert field in error.value.message_dict, instance
    case_a.presenting_physician = outsider
    with pytest.raises(ValidationError) as error:
        case_a.full_clean()
    assert "presenting_physician" in error.value.message_dict
    case_a.presenting_physician = clinician
    case_a.full_clean()  # the case of the fixture is consistent
