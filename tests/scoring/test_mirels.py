"""Mirels (Clin Orthop 1989;249:256): points of each answer and both sides of every band edge."""

import pytest
from django.utils import translation

from scoring import registry

SCORE = registry.get("mirels")
LOWEST = {"site": "upper_limb", "pain": "mild", "lesion": "blastic", "size": "under_one_third"}


@pytest.mark.parametrize(
    ("item", "value", "points"),
    [
        ("site", "upper_limb", 1),
        ("site", "lower_limb", 2),
        ("site", "peritrochanteric", 3),
        ("pain", "mild", 1),
        ("pain", "moderate", 2),
        ("pain", "functional", 3),
        ("lesion", "blastic", 1),
        ("lesion", "mixed", 2),
        ("lesion", "lytic", 3),
        ("size", "under_one_third", 1),
        ("size", "one_to_two_thirds", 2),
        ("size", "over_two_thirds", 3),
    ],
)
def test_item_points(item, value, points):
    result = SCORE.compute(**{**LOWEST, item: value})
    assert result.points[item] == points
    assert result.total == 3 + points


@pytest.mark.parametrize(
    ("site", "pain", "lesion", "size", "total", "band", "severity"),
    [
        ("upper_limb", "mild", "blastic", "under_one_third", 4, "low", "low"),
        ("peritrochanteric", "moderate", "blastic", "under_one_third", 7, "low", "low"),
        ("peritrochanteric", "moderate", "mixed", "under_one_third", 8, "borderline", "moderate"),
        ("peritrochanteric", "functional", "mixed", "under_one_third", 9, "high", "high"),
        ("peritrochanteric", "functional", "lytic", "over_two_thirds", 12, "high", "high"),
    ],
)
def test_band_edges(site, pain, lesion, size, total, band, severity):
    result = SCORE.compute(site=site, pain=pain, lesion=lesion, size=size)
    assert (result.total, result.band, result.severity) == (total, band, severity)


def test_range_is_4_to_12_not_the_guideline_3_to_12():
    assert (SCORE.min_total, SCORE.max_total) == (4, 12)
    with translation.override("en"):
        (correction,) = SCORE.corrections
        assert "4 to 12" in str(correction.text) and "3–12" in str(correction.text)
    assert correction.source == "OncoBFC/NEON/ONCORIF 2021 §3.5.2"
    assert SCORE.notes == ()


def test_interpretations_give_the_action():
    with translation.override("en"):
        assert "radiotherapy" in str(SCORE.band("low").interpretation)
        assert "board" in str(SCORE.band("borderline").interpretation)
        assert "prophylactic fixation" in str(SCORE.band("high").interpretation)


def test_identity():
    assert SCORE.version == "mirels-1989"
    assert SCORE.reference == "Mirels H. Clin Orthop 1989;249:256"
    assert SCORE.guideline == "OncoBFC/NEON/ONCORIF 2021 §3.5.2"
