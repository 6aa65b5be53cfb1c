"""Rades (Int J Radiat Oncol Biol Phys 2011;79:1503): points, cut-offs of the interval and of the
deficit's onset, band edges."""

import pytest
from django.utils import translation

from scoring import ScoreInputError, registry

SCORE = registry.get("rades")
BASE = {
    "primary_tumour": "nsclc",
    "interval_months": 3,
    "visceral_metastases": True,
    "motor_function": "paraplegic",
    "deficit_days": 2,
}


@pytest.mark.parametrize(
    ("item", "value", "points"),
    [
        ("primary_tumour", "breast", 8),
        ("primary_tumour", "prostate", 7),
        ("primary_tumour", "myeloma_lymphoma", 9),
        ("primary_tumour", "nsclc", 5),
        ("primary_tumour", "sclc", 6),
        ("primary_tumour", "unknown_primary", 5),
        ("primary_tumour", "kidney", 6),
        ("primary_tumour", "colorectal", 6),
        ("primary_tumour", "other", 6),
        ("interval_months", 0, 6),
        ("interval_months", 14.9, 6),
        ("interval_months", 15, 6),
        ("interval_months", 15.0, 6),
        ("interval_months", 15.01, 8),
        ("interval_months", 16, 8),
        ("interval_months", 120, 8),
        ("visceral_metastases", True, 5),
        ("visceral_metastases", False, 8),
        ("motor_function", "walking_without_aid", 10),
        ("motor_function", "walking_with_aid", 9),
        ("motor_function", "not_ambulatory", 3),
        ("motor_function", "paraplegic", 1),
        ("deficit_days", 0, 4),
        ("deficit_days", 7, 4),
        ("deficit_days", 8, 7),
        ("deficit_days", 14, 7),
        ("deficit_days", 15, 9),
        ("deficit_days", 60, 9),
    ],
)
def test_item_points(item, value, points):
    assert SCORE.compute(**{**BASE, item: value}).points[item] == points


@pytest.mark.parametrize(
    ("inputs", "total", "band", "severity"),
    [
        (("nsclc", 3, True, "paraplegic", 2), 21, "group_1", "high"),
        (("nsclc", 20, True, "paraplegic", 20), 28, "group_1", "high"),
        (("sclc", 20, True, "paraplegic", 20), 29, "group_2", "moderate"),
        (("myeloma_lymphoma", 20, False, "not_ambulatory", 20), 37, "group_2", "moderate"),
        (("nsclc", 0, False, "walking_without_aid", 20), 38, "group_3", "low"),
        (("myeloma_lymphoma", 16.5, False, "walking_without_aid", 15), 44, "group_3", "low"),
    ],
)
def test_band_edges(inputs, total, band, severity):
    result = SCORE.compute(**dict(zip(BASE, inputs, strict=True)))
    assert (result.total, result.band, result.severity) == (total, band, severity)


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("interval_months", -1),
        ("interval_months", -0.01),
        ("interval_months", "3"),
        ("deficit_days", -1),
        ("deficit_days", 7.5),
        ("deficit_days", True),
        ("visceral_metastases", "true"),
        ("visceral_metastases", None),
    ],
)
def test_bad_inputs(item, value):
    with pytest.raises(ScoreInputError, match=rf"^{item}: "):
        SCORE.compute(**{**BASE, item: value})


def test_interpretations_give_the_fractionation():
    with translation.override("en"):
        assert "8 Gy in 1 fraction" in str(SCORE.band("group_1").interpretation)
        assert "with or without surgery" in str(SCORE.band("group_2").interpretation)
        assert "without surgery" in str(SCORE.band("group_3").interpretation)


def test_identity():
    assert SCORE.version == "rades-2011"
    assert SCORE.reference == "Rades D et al. Int J Radiat Oncol Biol Phys 2011;79:1503"
    assert SCORE.guideline == "OncoBFC/NEON/ONCORIF 2021 §3.5.3"
    assert (SCORE.min_total, SCORE.max_total) == (21, 44)


def test_the_correction_reads_cord_compression_and_the_15_month_cut_off():
    (correction,) = SCORE.corrections
    assert correction.source == "OncoBFC/NEON/ONCORIF 2021 §3.5.3"
    with translation.override("en"):
        text = str(correction.text)
    assert "“compression vasculaire”" in text and "spinal cord compression" in text
    assert "≤ 15 / > 15 months" in text
    assert SCORE.compute(**{**BASE, "interval_months": 15}).points["interval_months"] == 6
