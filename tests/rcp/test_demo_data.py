import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from patients import models as m
from rcp.accounts.models import User

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            m.Patient,
            m.PrimaryTumour,
            m.ClinicalAssessment,
            m.LabResult,
            m.ImagingExam,
            m.LesionObservation,
            m.TrackedLesion,
            m.TreatedLesion,
            m.Treatment,
            m.SkeletalEvent,
            m.MetastaticSite,
            m.MolecularAlteration,
        )
    }


def test_demo_data_is_idempotent_and_covers_the_scenarios():
    call_command("demo_data", stdout=None)
    first = counts()
    call_command("demo_data")
    assert counts() == first
    assert first["Patient"] == 16
    demo = m.Patient.objects.filter(centre__name__startswith="CHU")
    assert demo.count() == 15
    genes = set(m.MolecularAlteration.objects.values_list("gene", flat=True))
    assert {"EGFR", "KRAS", "ALK"} <= genes
    assert m.SkeletalEvent.objects.filter(kind="cord_compression").exists()
    assert m.LesionObservation.objects.filter(lesion__site="femur_trochanteric", lesion_type="lytic").exists()
    assert m.Treatment.objects.filter(bone_agent="zoledronic_acid").exists()
    from rcp.models import CaseSubmission, Meeting

    assert Meeting.objects.count() == 2 and CaseSubmission.objects.count() == 9
    several_vertebrae = (
        m.Patient.objects.filter(imagingexams__lesions__lesion__site="vertebra")
        .annotate(n=Count("imagingexams__lesions"))
        .filter(n__gte=3)
    )
    assert several_vertebrae.exists()


def test_demo_accounts_log_in_with_demo_and_have_their_roles(client):
    call_command("demo_data")
    for username, role in [
        ("chair", "chair"),
        ("coordinator", "coordinator"),
        ("clinician", "clinician"),
        ("viewer", "viewer"),
        ("outsider", "clinician"),
        ("privacy", "privacy_officer"),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password("demo")
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert User.objects.get(username="outsider").centre != User.objects.get(username="chair").centre


def test_every_demo_record_passes_model_validation():
    call_command("demo_data")
    for model in (
        m.Patient,
        m.PrimaryTumour,
        m.ClinicalAssessment,
        m.LabResult,
        m.ImagingExam,
        m.LesionObservation,
        m.Treatment,
        m.SkeletalEvent,
        m.MetastaticSite,
        m.MolecularAlteration,
    ):
        for obj in model.objects.all():
            obj.full_clean()


def test_the_demo_past_meeting_has_minutes_actions_in_every_status_and_a_case_to_present_again():
    from rcp.followup import agenda_suggestions
    from rcp.models import Action, Meeting, Minute

    call_command("demo_data")
    call_command("demo_data")
    past = Meeting.objects.get(status="closed")
    assert Minute.objects.filter(decision__case__meeting=past).count() == 3
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == {"planned", "started", "done", "cancelled"}
    assert Action.objects.filter(status="planned", target_date__lt=timezone.localdate()).exists()  # overdue
    upcoming = Meeting.objects.get(status="planned")
    suggested = {s.patient.hospital_id for s in agenda_suggestions(upcoming)}
    assert suggested == {"DEMO-010", "DEMO-012"}  # worsened; surveillance due before the meeting
