"""scoring.formulas (scores.md, "Formulas and classifications"): values, boundaries, rounding and
invalid inputs."""

import math
from decimal import Decimal

import pytest
from django.utils import translation

from scoring import ScoreInputError, formulas
from scoring.formulas import (
    bmi,
    calcium_status,
    corrected_calcium,
    creatinine_clearance,
    ecog_from_karnofsky,
    karnofsky_from_ecog,
    zoledronic_acid_dose,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("calcium", "albumin", "corrected"),
    [
        (2.40, 40, 2.40),
        (2.20, 30, 2.45),
        (2.50, 36, 2.60),
        (2.50, 35.6, 2.61),
        (2.60, 48, 2.40),
        (2.40, 39.8, 2.41),  # 2.405, half up
        (2.50, 39.8, 2.51),  # 2.505, half up
        (2.41, 39.8, 2.42),  # 2.415, half up
        (2.40, 40.2, 2.40),  # 2.395, half up
        (2.40, 40.6, 2.39),  # 2.385, half up
        (Decimal("2.40"), Decimal("39.8"), 2.41),
        (3, 20, 3.50),
    ],
)
def test_corrected_calcium(calcium, albumin, corrected):
    value = corrected_calcium(calcium, albumin)
    assert value == corrected
    assert isinstance(value, float)


def test_corrected_calcium_equals_ca_plus_40_minus_albumin_over_40():
    assert corrected_calcium(2.10, 24) == round(2.10 + (40 - 24) / 40, 2) == 2.50


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (1.80, "hypocalcaemia"),
        (2.19, "hypocalcaemia"),
        (2.194, "hypocalcaemia"),
        (2.195, "normal"),  # rounds half up to 2.20
        (2.20, "normal"),
        (2.60, "normal"),
        (2.604, "normal"),
        (2.605, "mild"),  # rounds half up to 2.61
        (2.61, "mild"),
        (2.99, "mild"),
        (3.00, "moderate"),
        (3, "moderate"),
        (3.50, "moderate"),
        (3.504, "moderate"),
        (3.505, "severe"),
        (3.51, "severe"),
        (4.2, "severe"),
        (Decimal("2.61"), "mild"),
    ],
)
def test_calcium_status(value, status):
    assert calcium_status(value) == status


def test_corrected_then_status_at_the_normal_edge():
    assert calcium_status(corrected_calcium(2.50, 36)) == "normal"  # 2.60
    assert calcium_status(corrected_calcium(2.50, 35.6)) == "mild"  # 2.61


def test_cockcroft_gault_known_value():
    male = creatinine_clearance(70, 70, 88.4, "male")
    assert male == pytest.approx(70 * 70 / 72)
    assert round(male, 2) == 68.06
    female = creatinine_clearance(70, 70, 88.4, "female")
    assert female == pytest.approx(male * 0.85)
    assert round(female, 2) == 57.85


def test_cockcroft_gault_uses_the_exact_88_4_conversion_and_is_unrounded():
    clearance = creatinine_clearance(65, 80, 100, "male")
    assert clearance == pytest.approx((140 - 65) * 80 / (72 * 100 / 88.4))
    assert clearance != round(clearance, 2)
    assert creatinine_clearance(65, Decimal("80.0"), Decimal("100"), "male") == pytest.approx(clearance)


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ((70, 70, 88.4, "M"), "sex"),
        ((70, 70, 88.4, ""), "sex"),
        ((70, 70, 88.4, None), "sex"),
        ((17, 70, 88.4, "male"), "age"),
        ((121, 70, 88.4, "male"), "age"),
        ((True, 70, 88.4, "male"), "age"),
        (("70", 70, 88.4, "male"), "age"),
        ((70, 0, 88.4, "male"), "weight_kg"),
        ((70, -70, 88.4, "male"), "weight_kg"),
        ((70, 70, 0, "male"), "creatinine_umol_l"),
        ((70, 70, None, "male"), "creatinine_umol_l"),
        ((70, 70, math.nan, "male"), "creatinine_umol_l"),
    ],
)
def test_creatinine_clearance_bad_inputs(args, argument):
    with pytest.raises(ScoreInputError, match=rf"^{argument}: .* is not allowed; expected "):
        creatinine_clearance(*args)


@pytest.mark.parametrize(
    ("clearance", "dose"),
    [
        (120, 4.0),
        (60.01, 4.0),
        (60, 3.5),
        (60.0, 3.5),
        (55, 3.5),
        (50, 3.5),
        (49.99, 3.3),
        (40, 3.3),
        (39.99, 3.0),
        (30, 3.0),
        (29.99, None),
        (0, None),
        (Decimal("60.00"), 3.5),
    ],
)
def test_zoledronic_acid_dose(clearance, dose):
    assert zoledronic_acid_dose(clearance) == dose


def test_zoledronic_acid_dose_takes_the_unrounded_clearance():
    clearance = creatinine_clearance(80, 72, 88.4 * 60 / 60.003, "male")  # 60.003 mL/min, "60.00" rounded
    assert clearance > 60
    assert zoledronic_acid_dose(clearance) == 4.0


@pytest.mark.parametrize("clearance", [-1, -0.01, "60", None, True, math.inf])
def test_zoledronic_acid_dose_bad_inputs(clearance):
    with pytest.raises(ScoreInputError, match=r"^clearance_ml_min: "):
        zoledronic_acid_dose(clearance)


@pytest.mark.parametrize(
    ("karnofsky", "ecog"),
    [(100, 0), (90, 0), (80, 1), (70, 1), (60, 2), (50, 2), (40, 3), (30, 3), (20, 4), (10, 4), (0, 5)],
)
def test_ecog_from_karnofsky(karnofsky, ecog):
    assert ecog_from_karnofsky(karnofsky) == ecog


@pytest.mark.parametrize("karnofsky", [45, 110, -10, 95, 90.0, "90", True, None])
def test_ecog_from_karnofsky_bad_inputs(karnofsky):
    with pytest.raises(ScoreInputError, match=r"^karnofsky: .* is not allowed; expected one of 0, 10, 20"):
        ecog_from_karnofsky(karnofsky)


@pytest.mark.parametrize(("ecog", "karnofsky"), [(0, 90), (1, 70), (2, 50), (3, 30), (4, 10), (5, 0)])
def test_karnofsky_from_ecog_takes_the_lower_value_of_the_pair(ecog, karnofsky):
    assert karnofsky_from_ecog(ecog) == karnofsky
    assert ecog_from_karnofsky(karnofsky_from_ecog(ecog)) == ecog


@pytest.mark.parametrize("ecog", [6, -1, 1.0, "1", True, None])
def test_karnofsky_from_ecog_bad_inputs(ecog):
    with pytest.raises(ScoreInputError, match=r"^ecog: .* is not allowed; expected one of 0, 1, 2, 3, 4, 5$"):
        karnofsky_from_ecog(ecog)


@pytest.mark.parametrize(
    ("weight", "height", "value"),
    [
        (70, 175, 22.9),
        (72.9, 180, 22.5),
        (72.738, 180, 22.5),  # exactly 22.45, half up
        (50, 160, 19.5),  # 19.53125
        (Decimal("70.0"), 175, 22.9),
    ],
)
def test_bmi(weight, height, value):
    assert bmi(weight, height) == value


@pytest.mark.parametrize(
    ("weight", "height", "argument"), [(0, 170, "weight_kg"), (70, 0, "height_cm"), (70, "170", "height_cm")]
)
def test_bmi_bad_inputs(weight, height, argument):
    with pytest.raises(ScoreInputError, match=rf"^{argument}: "):
        bmi(weight, height)


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ((0, 40), "calcium_mmol_l"),
        ((-2.4, 40), "calcium_mmol_l"),
        (("2.4", 40), "calcium_mmol_l"),
        ((True, 40), "calcium_mmol_l"),
        ((2.4, 0), "albumin_g_l"),
        ((2.4, None), "albumin_g_l"),
        ((2.4, math.nan), "albumin_g_l"),
    ],
)
def test_corrected_calcium_bad_inputs(args, argument):
    with pytest.raises(ScoreInputError, match=rf"^{argument}: .* is not allowed; expected a number > 0$"):
        corrected_calcium(*args)


@pytest.mark.parametrize("value", [0, -1, "2.5", None, False])
def test_calcium_status_bad_inputs(value):
    with pytest.raises(ScoreInputError, match=r"^corrected_mmol_l: "):
        calcium_status(value)


@pytest.mark.parametrize(
    ("value", "factor", "plausible", "expected"),
    [
        (9, formulas.CALCIUM_MMOL_L_PER_MG_DL, formulas.CALCIUM_MMOL_L_RANGE, Decimal("2.2455")),
        (
            Decimal("10.2"),
            formulas.CALCIUM_MMOL_L_PER_MG_DL,
            formulas.CALCIUM_MMOL_L_RANGE,
            Decimal("2.54490"),
        ),
        (Decimal("2.4"), formulas.CALCIUM_MMOL_L_PER_MG_DL, formulas.CALCIUM_MMOL_L_RANGE, None),  # mmol/L
        (50, formulas.CALCIUM_MMOL_L_PER_MG_DL, formulas.CALCIUM_MMOL_L_RANGE, None),  # 12.5: no unit fits
        (
            Decimal("1.2"),
            formulas.CREATININE_UMOL_L_PER_MG_DL,
            formulas.CREATININE_UMOL_L_RANGE,
            Decimal("106.08"),
        ),
        (80, formulas.CREATININE_UMOL_L_PER_MG_DL, formulas.CREATININE_UMOL_L_RANGE, None),  # µmol/L
        (Decimal("0.1"), formulas.CREATININE_UMOL_L_PER_MG_DL, formulas.CREATININE_UMOL_L_RANGE, None),
    ],
)
def test_a_value_typed_in_mg_dl_is_converted_when_only_that_reading_is_plausible(
    value, factor, plausible, expected
):
    assert formulas.converted_from_mg_dl(value, factor, plausible) == expected
