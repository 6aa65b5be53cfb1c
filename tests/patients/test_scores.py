"""Score forms: prefill from a realistic record, live fragment, saving, staleness, isolation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from patients import models as m
from patients.prefill import prefill
from patients.record import PatientRecord
from tests.factories import (
    AssessmentFactory,
    EventFactory,
    ExamFactory,
    LesionFactory,
    PatientFactory,
    PrimaryTumourFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db

SINS_INPUTS = {
    "location": "junctional",
    "pain": "mechanical",
    "lesion": "lytic",
    "alignment": "normal",
    "collapse": "none",
    "posterolateral": "none",
}


@pytest.fixture
def record_patient(centre, clinician):
    """EGFR-like patient: 2 vertebral lesions and 1 femoral lesion, a liver metastasis, ECOG 1."""
    today = timezone.localdate()
    patient = PatientFactory(centre=centre, referring_physician=clinician)
    PrimaryTumourFactory(patient=patient, histology="8140/3", diagnosis_date=today - timedelta(days=300))
    AssessmentFactory(
        patient=patient,
        date=today - timedelta(days=2),
        ecog=1,
        pain_nrs=6,
        pain_mechanical=True,
        frankel="D2",
        ambulatory_status="walking_with_aid",
        motor_deficit_onset=today - timedelta(days=6),
    )
    exam = ExamFactory(patient=patient, modality="spine_mri")
    LesionFactory(
        exam=exam,
        vertebral_level="T11",
        lesion_type="lytic",
        collapse="under_50",
        posterolateral="unilateral",
        alignment="normal",
        bilsky="2",
    )
    LesionFactory(exam=exam, vertebral_level="L3", lesion_type="mixed")
    femur = LesionFactory(
        exam=exam,
        site="femur_trochanteric",
        vertebral_level="",
        side="left",
        lesion_type="lytic",
        cortical_involvement="over_two_thirds",
    )
    # Each lesion's own pain (the patient's 6/10 above is not theirs): T11 and the femur hurt on loading.
    m.TrackedLesion.objects.filter(patient=patient, vertebral_level="T11").update(
        pain_nrs=6, pain_mechanical=True, pain_date=today - timedelta(days=2)
    )
    m.TrackedLesion.objects.filter(pk=femur.lesion_id).update(
        pain_nrs=6, pain_mechanical=True, pain_date=today - timedelta(days=2)
    )
    SiteFactory(patient=patient, organ="liver", resectability="unresectable")
    EventFactory(patient=patient, kind="cord_compression", date=today - timedelta(days=1))
    return patient


def load(user, patient):
    return PatientRecord.load(user, patient.pk)


def values(prefilled):
    return {slug: p.value for slug, p in prefilled.items()}


def test_tokuhashi_prefill_from_the_record(clinician, record_patient):
    with translation.override("en"):
        prefilled = prefill("tokuhashi", load(clinician, record_patient))
    assert values(prefilled) == {
        "karnofsky": None,  # ECOG 1 is Karnofsky 70 (1 point) or 80 (2 points): not chosen
        "extraspinal_bone_metastases": 1,
        "vertebral_body_metastases": 2,
        "visceral_metastases": "unresectable",
        "primary_site": "lung",
        "frankel": "D",  # D2 is grade D
    }
    assert prefilled["karnofsky"].source.startswith("Karnofsky needed: ECOG 1")


@pytest.mark.parametrize(("ecog", "karnofsky"), [(0, 90), (2, 50), (3, 30), (4, 10)])
def test_an_ecog_grade_whose_karnofsky_pair_scores_alike_is_converted(
    clinician, record_patient, ecog, karnofsky
):
    AssessmentFactory(patient=record_patient, date=timezone.localdate(), ecog=ecog)
    for slug in ("tokuhashi", "van_der_linden"):
        assert prefill(slug, load(clinician, record_patient))["karnofsky"].value == karnofsky


def test_karnofsky_needed_leaves_the_item_empty_on_the_form(client_for, clinician, record_patient):
    url = reverse("patients:score", args=[record_patient.pk, "tokuhashi"])
    page = client_for(clinician).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Karnofsky needed: ECOG 1" in page and 'data-needed="true"' in page


def test_karnofsky_is_used_as_assessed_when_it_is_the_latest(clinician, record_patient):
    AssessmentFactory(patient=record_patient, date=timezone.localdate(), ecog=None, karnofsky=60)
    prefilled = prefill("van_der_linden", load(clinician, record_patient))
    assert prefilled["karnofsky"].value == 60
    assert "ECOG" not in prefilled["karnofsky"].source


def test_tomita_bauer_and_van_der_linden_prefill(clinician, record_patient):
    record = load(clinician, record_patient)
    assert values(prefill("tomita", record)) == {
        "primary_growth": "rapid",
        "visceral_metastases": "untreatable",
        "bone_metastases": "multiple",
    }
    assert values(prefill("modified_bauer", record)) == {
        "visceral_metastases": True,
        "primary": "lung",
        "solitary_skeletal_metastasis": False,
    }
    assert values(prefill("van_der_linden", record))["visceral_metastases"] is True


def test_rades_prefill_from_the_dates_and_the_assessment(clinician, record_patient):
    prefilled = values(prefill("rades", load(clinician, record_patient)))
    assert prefilled["primary_tumour"] == "nsclc"
    assert prefilled["interval_months"] == round(299 / 30.4375, 1)
    assert prefilled["motor_function"] == "walking_with_aid"
    assert prefilled["deficit_days"] == 5  # onset 6 days ago, compression 1 day ago
    assert prefilled["visceral_metastases"] is True


def test_small_cell_histology_prefills_sclc(clinician, record_patient):
    m.PrimaryTumour.objects.filter(patient=record_patient).update(histology="8041/3")
    assert prefill("rades", load(clinician, record_patient))["primary_tumour"].value == "sclc"


def test_lesion_scores_prefill_from_the_lesion(clinician, record_patient):
    record = load(clinician, record_patient)
    t11, l3, femur = record.lesions
    assert values(prefill("sins", record, t11)) == {
        "location": "junctional",
        "lesion": "lytic",
        "collapse": "under_50",
        "posterolateral": "unilateral",
        "alignment": "normal",
        "pain": "mechanical",
    }
    assert values(prefill("sins", record, l3))["location"] == "mobile"
    assert values(prefill("mirels", record, femur)) == {
        "site": "peritrochanteric",
        "lesion": "lytic",
        "size": "over_two_thirds",
        "pain": "functional",
    }
    assert values(prefill("bilsky", record, t11)) == {"grade": "2"}


def test_only_the_scores_of_the_lesion_site_are_offered(client_for, clinician, record_patient):
    record = load(clinician, record_patient)
    t11, _l3, femur = record.lesions
    assert t11.applicable_scores == ["sins", "bilsky"]
    assert femur.applicable_scores == ["mirels"]
    client = client_for(clinician)
    assert (
        client.get(reverse("patients:lesion_score", args=[record_patient.pk, femur.pk, "sins"])).status_code
        == 404
    )
    assert client.get(reverse("patients:score", args=[record_patient.pk, "sins"])).status_code == 404
    assert (
        client.get(
            reverse("patients:lesion_score", args=[record_patient.pk, t11.pk, "tokuhashi"])
        ).status_code
        == 404
    )


def test_form_page_marks_prefilled_fields_and_shows_the_result(client_for, clinician, record_patient):
    t11 = load(clinician, record_patient).lesions[0]
    response = client_for(clinician).get(
        reverse("patients:lesion_score", args=[record_patient.pk, t11.pk, "sins"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert page.count('data-prefilled="true"') >= 6 * 2  # every radio of the six prefilled items
    assert "Prefilled from the record" in page
    result = response.context["result"]
    assert (result.total, result.band) == (3 + 3 + 2 + 0 + 2 + 1, "indeterminate")
    assert "Fisher CG et al. Spine 2010;35:E1221" in page


def test_tokuhashi_page_says_the_lung_ceiling(client_for, clinician, record_patient):
    page = (
        client_for(clinician)
        .get(reverse("patients:score", args=[record_patient.pk, "tokuhashi"]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "cannot exceed 10" in page
    assert "six" in page  # the sixth item missing from the regional guideline's table


def test_live_fragment_computes_from_the_posted_inputs(client_for, clinician, record_patient):
    url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    response = client_for(clinician).post(
        url,
        {"primary_growth": "rapid", "visceral_metastases": "none", "bone_metastases": "solitary"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["result"].total == 5
    page = response.content.decode()
    assert "<html" not in page  # a fragment
    assert 'id="score-band"' in page
    assert not m.ScoreAssessment.objects.exists()


def test_live_fragment_names_missing_items_and_never_shows_a_total(client_for, clinician, record_patient):
    url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    response = client_for(clinician).post(
        url, {"primary_growth": "rapid"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert response.context["result"] is None
    assert 'id="score-total"' not in page
    assert "Visceral metastases" in page and "Bone metastases" in page


def test_live_fragment_refuses_out_of_range_values(client_for, clinician, record_patient):
    url = reverse("patients:score", args=[record_patient.pk, "van_der_linden"])
    response = client_for(clinician).post(
        url, {"karnofsky": "45", "primary": "lung", "visceral_metastases": "false"}, HTTP_HX_REQUEST="true"
    )
    assert response.context["result"] is None
    assert "45" in response.content.decode()


def test_live_fragment_query_count_is_small_and_constant(
    django_assert_max_num_queries, client_for, clinician, record_patient
):
    t11 = load(clinician, record_patient).lesions[0]
    client = client_for(clinician)
    url = reverse("patients:lesion_score", args=[record_patient.pk, t11.pk, "sins"])
    # session, user, the user's permissions (user's, groups': reading needs a role), the patient (centre
    # check), the lesion (belongs to the patient): nothing else, and no access-log row.
    with django_assert_max_num_queries(6):
        client.post(url, SINS_INPUTS, HTTP_HX_REQUEST="true")
    for _ in range(20):
        LesionFactory(exam=t11.latest.exam, lesion=t11)
    with django_assert_max_num_queries(6):
        client.post(url, SINS_INPUTS, HTTP_HX_REQUEST="true")


def test_saving_stores_inputs_version_total_band_and_author(client_for, clinician, record_patient):
    t11 = load(clinician, record_patient).lesions[0]
    url = reverse("patients:lesion_score", args=[record_patient.pk, t11.pk, "sins"])
    response = client_for(clinician).post(url, {**SINS_INPUTS, "save": "1"})
    assert response.status_code == 302
    saved = m.ScoreAssessment.objects.get()
    assert (saved.score, saved.version, saved.total, saved.band) == ("sins", "sins-2010", 8, "indeterminate")
    assert saved.inputs == SINS_INPUTS
    assert saved.lesion == t11 and saved.patient == record_patient and saved.created_by == clinician
    assert saved.points["pain"] == 3


def test_saving_an_incomplete_form_saves_nothing_and_keeps_the_input(client_for, clinician, record_patient):
    url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    response = client_for(clinician).post(url, {"primary_growth": "slow", "save": "1"})
    assert response.status_code == 400
    assert not m.ScoreAssessment.objects.exists()
    assert "visceral_metastases" in response.context["form"].errors
    assert (
        'value="slow" data-prefilled="true" id="id_primary_growth_0" required checked'
        in response.content.decode()
        or response.context["form"]["primary_growth"].value() == "slow"
    )


def test_compute_button_without_javascript_shows_the_result_without_saving(
    client_for, clinician, record_patient
):
    url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    response = client_for(clinician).post(
        url,
        {
            "primary_growth": "rapid",
            "visceral_metastases": "untreatable",
            "bone_metastases": "multiple",
            "compute": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["result"].band == "supportive"
    assert not m.ScoreAssessment.objects.exists()


def test_viewer_can_compute_but_not_save(client_for, viewer, record_patient):
    url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    data = {"primary_growth": "rapid", "visceral_metastases": "none", "bone_metastases": "solitary"}
    client = client_for(viewer)
    assert client.post(url, {**data, "compute": "1"}).status_code == 200
    assert client.post(url, {**data, "save": "1"}).status_code == 403
    assert not m.ScoreAssessment.objects.exists()


def test_other_centre_gets_404_on_forms_and_fragments(client_for, outsider, record_patient):
    client = client_for(outsider)
    url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"primary_growth": "rapid"}, HTTP_HX_REQUEST="true").status_code == 404


def test_patient_page_shows_latest_scores_and_flags_a_changed_record(client_for, clinician, record_patient):
    client = client_for(clinician)
    t11 = load(clinician, record_patient).lesions[0]
    sins_url = reverse("patients:lesion_score", args=[record_patient.pk, t11.pk, "sins"])
    client.post(
        sins_url,
        {
            **SINS_INPUTS,
            "location": "junctional",
            "collapse": "under_50",
            "posterolateral": "unilateral",
            "save": "1",
        },
    )
    tomita_url = reverse("patients:score", args=[record_patient.pk, "tomita"])
    client.post(
        tomita_url,
        {
            "primary_growth": "rapid",
            "visceral_metastases": "untreatable",
            "bone_metastases": "multiple",
            "save": "1",
        },
    )
    page_url = reverse("patients:detail", args=[record_patient.pk])
    response = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en")
    rows = {row.score.slug: row for row in response.context["score_rows"]}
    assert rows["tomita"].latest.total == 10 and not rows["tomita"].stale
    t11_rows = {row.score.slug: row for row in response.context["record"].lesions[0].score_rows}
    assert t11_rows["sins"].latest.band == "indeterminate" and not t11_rows["sins"].stale
    assert "record changed" not in response.content.decode()

    # The liver metastasis turns out resectable and the lesion is now blastic: old results stand, flagged.
    m.MetastaticSite.objects.update(resectability="resectable")
    m.LesionObservation.objects.filter(lesion_id=t11.pk).update(lesion_type="blastic", collapse="none")
    response = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en")
    rows = {row.score.slug: row for row in response.context["score_rows"]}
    assert rows["tomita"].stale and rows["tomita"].latest.total == 10
    t11_rows = {row.score.slug: row for row in response.context["record"].lesions[0].score_rows}
    assert t11_rows["sins"].stale
    assert "record changed" in response.content.decode()


def test_a_saved_assessment_is_never_rewritten(clinician, record_patient):
    saved = m.ScoreAssessment.objects.create(
        patient=record_patient,
        score="tomita",
        version="tomita-2001",
        inputs={},
        total=10,
        band="supportive",
        created_by=clinician,
    )
    saved.total = 2
    with pytest.raises(ValueError, match="never changed"):
        saved.save()


def test_lesion_score_needs_a_lesion_in_the_database(clinician, record_patient):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        m.ScoreAssessment.objects.create(
            patient=record_patient, score="sins", version="sins-2010", inputs={}, total=1, band="stable"
        )


def test_weight_prefill_uses_decimal_safe_values(clinician, record_patient):
    AssessmentFactory(patient=record_patient, date=timezone.localdate(), weight_kg=Decimal("61.5"), ecog=2)
    assert prefill("tokuhashi", load(clinician, record_patient))["karnofsky"].value == 50


@pytest.fixture
def fresh_score_forms(monkeypatch):
    """As after a restart: no score form class built yet."""
    from patients import score_forms

    monkeypatch.setattr(score_forms, "_FORMS", {})


def render_sins_form(language):
    from django.utils import translation

    from patients.score_forms import score_form_class
    from scoring import registry

    with translation.override(language):
        return str(score_form_class(registry.get("sins"))())


@pytest.mark.parametrize("first", ["en", "fr"])
def test_score_answers_follow_each_visitors_language_whoever_came_first(fresh_score_forms, first):
    second = "fr" if first == "en" else "en"
    rendered = {first: render_sins_form(first), second: render_sins_form(second)}
    assert "Jonctionnelle (occiput–C2, C7–T2, T11–L1, L5–S1) — 3 pt" in rendered["fr"]
    assert "Localisation" in rendered["fr"]
    assert "Junctional (occiput–C2" not in rendered["fr"]
    assert "Junctional (occiput–C2, C7–T2, T11–L1, L5–S1) — 3 pt" in rendered["en"]
    assert "Jonctionnelle" not in rendered["en"]
