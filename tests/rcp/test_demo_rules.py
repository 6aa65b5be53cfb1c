"""Every rule of rules.md version 2 fires on at least one demo patient (the board can see each one)."""

import pytest
from django.core.management import call_command
from django.utils import translation

from patients import models as m
from patients.record import PatientRecord
from rcp.accounts.models import User
from scoring.rules import RULE_IDS

pytestmark = pytest.mark.django_db


def test_every_rule_of_version_2_fires_on_a_demo_patient():
    call_command("demo_data")
    chair = User.objects.get(username="chair")
    fired = {}
    with translation.override("en"):
        for patient in m.Patient.objects.filter(centre=chair.centre).order_by("hospital_id"):
            for finding in PatientRecord.load(chair, patient.pk).findings:
                fired.setdefault(finding.rule, []).append(patient.hospital_id)
    assert [rule for rule in RULE_IDS if rule not in fired] == []


def test_the_demo_record_is_clinically_consistent():
    call_command("demo_data")
    # DEMO-010: a kyphosis is a de novo deformity, and Bilsky is never graded on a CT.
    l1 = m.TrackedLesion.objects.get(patient__hospital_id="DEMO-010", vertebral_level="L1")
    assert l1.observed("alignment") == "deformity"
    assert not m.LesionObservation.objects.exclude(exam__modality__in=["mri", "spine_mri", "wb_mri"]).exclude(
        bilsky=""
    )
    # DEMO-005: sotorasib after a first line.
    lines = m.Treatment.objects.filter(patient__hospital_id="DEMO-005", category="systemic").order_by(
        "start_date"
    )
    assert [t.name for t in lines][-1] == "sotorasib" and len(lines) == 2
    # DEMO-011: a bone-first presentation is not coded as a proven NSCLC.
    tumour = m.PrimaryTumour.objects.get(patient__hospital_id="DEMO-011")
    assert tumour.bone_first_presentation and tumour.histology == "8000/3"
    # DEMO-008: the nailed humerus is stabilised; DEMO-012: its rib is linked to its radiotherapy.
    humerus = m.TrackedLesion.objects.get(patient__hospital_id="DEMO-008")
    assert humerus.status == "stabilised" and humerus.treatments.get().surgery_type == "osteosynthesis"
    rib = m.TrackedLesion.objects.get(patient__hospital_id="DEMO-012")
    assert rib.treatments.filter(category="radiotherapy").exists()
