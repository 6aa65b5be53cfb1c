"""factory_boy factories for the test suite (factories over fixtures)."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from patients import models as m
from rcp.accounts.models import Centre, Specialty, User
from rcp.accounts.roles import Role


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Centre {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    centre = factory.SubFactory(CentreFactory)
    specialty = Specialty.PULMONOLOGY
    password = factory.django.Password("test-password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Patient

    centre = factory.SubFactory(CentreFactory)
    hospital_id = factory.Sequence(lambda n: f"IPP{n:06d}")
    family_name = factory.Sequence(lambda n: f"Testpatient{n}")
    given_names = "Jeanne"
    birth_date = date(1958, 3, 14)
    sex = "female"


class PrimaryTumourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PrimaryTumour

    patient = factory.SubFactory(PatientFactory)
    histology = "8140/3"
    location = "C34.1"
    diagnosis_date = factory.LazyFunction(lambda: days_ago(365))
    t_category = "T2a"
    n_category = "N1"
    m_category = "M1b"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ClinicalAssessment

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(lambda: days_ago(3))
    ecog = 1
    weight_kg = Decimal("70.0")
    height_cm = 170


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.LabResult

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(lambda: days_ago(3))
    calcium = Decimal("2.40")
    albumin = Decimal("40.0")
    creatinine = Decimal("80.0")


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ImagingExam

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(lambda: days_ago(10))
    modality = "ct"
    conclusion = "Lésions osseuses."


class TrackedLesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TrackedLesion

    patient = factory.SubFactory(PatientFactory)
    site = "vertebra"
    vertebral_level = "T11"


class LesionFactory(factory.django.DjangoModelFactory):
    """An exam's observation of a lesion. Give `lesion`, or the site (site, vertebral_level, rib_number,
    side): the patient's tracked lesion at that site is used, or created."""

    class Meta:
        model = m.LesionObservation

    exam = factory.SubFactory(ExamFactory)
    lesion_type = "lytic"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        site = {
            "site": kwargs.pop("site", "vertebra"),
            "vertebral_level": kwargs.pop("vertebral_level", None),
            "rib_number": kwargs.pop("rib_number", None),
            "side": kwargs.pop("side", ""),
        }
        if site["vertebral_level"] is None:
            site["vertebral_level"] = "T11" if site["site"] == "vertebra" else ""
        if kwargs.get("lesion") is None:
            kwargs["lesion"], _ = m.TrackedLesion.objects.get_or_create(
                patient=kwargs["exam"].patient, **site
            )
        return super()._create(model_class, *args, **kwargs)


class TreatmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Treatment

    patient = factory.SubFactory(PatientFactory)
    category = "systemic"
    systemic_class = "targeted"
    name = "osimertinib"
    start_date = factory.LazyFunction(lambda: days_ago(100))


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MetastaticSite

    patient = factory.SubFactory(PatientFactory)
    organ = "liver"
    resectability = "unresectable"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SkeletalEvent

    patient = factory.SubFactory(PatientFactory)
    kind = "pathological_fracture"
    date = factory.LazyFunction(lambda: days_ago(20))


class MolecularFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MolecularAlteration

    patient = factory.SubFactory(PatientFactory)
    gene = "EGFR"
    variant = "exon 19 deletion"


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rcp.Board"

    centre = factory.SubFactory(CentreFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rcp.Meeting"

    board = factory.SubFactory(BoardFactory)
    title = "RCP os"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    chair = factory.SubFactory(UserFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rcp.CaseSubmission"

    patient = factory.SubFactory(PatientFactory)
    meeting = factory.SubFactory(MeetingFactory)
    question = "Radiothérapie ?"
    reason = "pain"
    presenting_physician = factory.SubFactory(UserFactory)
    submitted_by = factory.SelfAttribute("presenting_physician")
    status = "scheduled"
    position = factory.Sequence(lambda n: n + 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rcp.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    guest_name = factory.Sequence(lambda n: f"Guest {n}")
    specialty = "medical_oncology"


class TrialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rcp.Trial"

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"TRIAL-{n}")
    rule_ids = factory.LazyFunction(list)


def started_meeting(*, centre, chair, deputy, **kwargs):
    """A meeting of the centre's board under way for an hour (its decisions can be validated) with a
    quorum present: medical oncology, radiation oncology and orthopaedic surgery."""
    meeting = MeetingFactory(
        board=BoardFactory(centre=centre),
        chair=chair,
        deputy=deputy,
        starts_at=timezone.now() - timedelta(hours=1),
        **kwargs,
    )
    for specialty in ("medical_oncology", "radiation_oncology", "orthopaedic_surgery"):
        AttendanceFactory(meeting=meeting, specialty=specialty, guest_name=f"Dr {specialty}")
    return meeting


def propose(case, user, kind, *, lesions=(), **fields):
    """Add a proposal line of `kind` to the draft of `case` as the decision page does: through the form of
    its kind (fields by name, without the form's prefix) and the service. The form must be valid."""
    from patients.record import PatientRecord
    from rcp.proposals import Context, details_form
    from rcp.services import add_proposal_line

    record = PatientRecord.load(user, case.patient_id)
    data = {f"line-{name}": value for name, value in fields.items()}
    data["line-lesions"] = [lesion.pk for lesion in lesions]
    form = details_form(kind, data, context=Context.of(record))
    assert form.is_valid(), form.errors
    return add_proposal_line(case=case, form=form, user=user)
