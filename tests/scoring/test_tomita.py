"""Tomita (Spine 2001;26:298): points, band edges, and a lung primary's minimum of 5."""

import itertools

import pytest
from django.utils import translation

from scoring import registry

SCORE = registry.get("tomita")
LOWEST = {"primary_growth": "slow", "visceral_metastases": "none", "bone_metastases": "solitary"}


@pytest.mark.parametrize(
    ("item", "value", "points"),
    [
        ("primary_growth", "slow", 1),
        ("primary_growth", "moderate", 2),
        ("primary_growth", "rapid", 4),
        ("visceral_metastases", "none", 0),
        ("visceral_metastases", "treatable", 2),
        ("visceral_metastases", "untreatable", 4),
        ("bone_metastases", "solitary", 1),
        ("bone_metastases", "multiple", 2),
    ],
)
def test_item_points(item, value, points):
    result = SCORE.compute(**{**LOWEST, item: value})
    assert result.points[item] == points


@pytest.mark.parametrize(
    ("growth", "visceral", "bone", "total", "band", "severity"),
    [
        ("slow", "none", "solitary", 2, "en_bloc", "low"),
        ("slow", "none", "multiple", 3, "en_bloc", "low"),
        ("moderate", "none", "multiple", 4, "marginal", "low"),
        ("rapid", "none", "solitary", 5, "marginal", "low"),
        ("rapid", "none", "multiple", 6, "palliative", "moderate"),
        ("slow", "untreatable", "multiple", 7, "palliative", "moderate"),
        ("moderate", "untreatable", "multiple", 8, "supportive", "high"),
        ("rapid", "untreatable", "multiple", 10, "supportive", "high"),
    ],
)
def test_band_edges(growth, visceral, bone, total, band, severity):
    result = SCORE.compute(primary_growth=growth, visceral_metastases=visceral, bone_metastases=bone)
    assert (result.total, result.band, result.severity) == (total, band, severity)


def test_a_lung_primary_is_rapid_and_cannot_fall_below_5():
    totals = {
        SCORE.compute(primary_growth="rapid", visceral_metastases=visceral, bone_metastases=bone).total
        for visceral, bone in itertools.product(
            SCORE.item("visceral_metastases").values, SCORE.item("bone_metastases").values
        )
    }
    assert min(totals) == 5
    with translation.override("en"):
        assert "A lung primary is rapid growth (4 points): the total cannot fall below 5." in [
            str(note) for note in SCORE.notes
        ]
        assert "lung" in str(SCORE.item("primary_growth").choice("rapid").label)


def test_identity():
    assert SCORE.version == "tomita-2001"
    assert SCORE.reference == "Tomita K et al. Spine 2001;26:298"
    assert (SCORE.min_total, SCORE.max_total) == (2, 10)
