"""SINS (Fisher, Spine 2010;35:E1221): points, band edges and vertebral level to location."""

import pytest
from django.utils import translation

from scoring import ScoreInputError, registry
from scoring.sins import LEVEL_LOCATIONS, location_for_level

SCORE = registry.get("sins")
LOWEST = {
    "location": "rigid",
    "pain": "none",
    "lesion": "blastic",
    "alignment": "normal",
    "collapse": "none",
    "posterolateral": "none",
}


@pytest.mark.parametrize(
    ("item", "value", "points"),
    [
        ("location", "junctional", 3),
        ("location", "mobile", 2),
        ("location", "semi_rigid", 1),
        ("location", "rigid", 0),
        ("pain", "mechanical", 3),
        ("pain", "occasional", 1),
        ("pain", "none", 0),
        ("lesion", "lytic", 2),
        ("lesion", "mixed", 1),
        ("lesion", "blastic", 0),
        ("alignment", "subluxation", 4),
        ("alignment", "deformity", 2),
        ("alignment", "normal", 0),
        ("collapse", "over_50", 3),
        ("collapse", "under_50", 2),
        ("collapse", "involvement_over_50", 1),
        ("collapse", "none", 0),
        ("posterolateral", "bilateral", 3),
        ("posterolateral", "unilateral", 1),
        ("posterolateral", "none", 0),
    ],
)
def test_item_points(item, value, points):
    result = SCORE.compute(**{**LOWEST, item: value})
    assert result.points[item] == points
    assert result.total == points


@pytest.mark.parametrize(
    ("changes", "total", "band", "severity"),
    [
        ({}, 0, "stable", "low"),
        ({"location": "junctional", "pain": "mechanical"}, 6, "stable", "low"),
        ({"location": "junctional", "pain": "mechanical", "lesion": "mixed"}, 7, "indeterminate", "moderate"),
        (
            {"location": "junctional", "pain": "mechanical", "lesion": "lytic", "alignment": "subluxation"},
            12,
            "indeterminate",
            "moderate",
        ),
        (
            {
                "location": "junctional",
                "pain": "mechanical",
                "lesion": "lytic",
                "alignment": "subluxation",
                "posterolateral": "unilateral",
            },
            13,
            "unstable",
            "high",
        ),
        (
            {
                "location": "junctional",
                "pain": "mechanical",
                "lesion": "lytic",
                "alignment": "subluxation",
                "collapse": "over_50",
                "posterolateral": "bilateral",
            },
            18,
            "unstable",
            "high",
        ),
    ],
)
def test_band_edges(changes, total, band, severity):
    result = SCORE.compute(**{**LOWEST, **changes})
    assert (result.total, result.band, result.severity) == (total, band, severity)


def test_contract_example():
    result = SCORE.compute(
        location="junctional",
        pain="mechanical",
        lesion="lytic",
        alignment="normal",
        collapse="none",
        posterolateral="none",
    )
    assert (result.total, result.band) == (8, "indeterminate")


@pytest.mark.parametrize(
    ("level", "location"),
    [
        ("C1", "junctional"),
        ("C2", "junctional"),
        ("C3", "mobile"),
        ("C6", "mobile"),
        ("C7", "junctional"),
        ("T1", "junctional"),
        ("T2", "junctional"),
        ("T3", "semi_rigid"),
        ("T10", "semi_rigid"),
        ("T11", "junctional"),
        ("T12", "junctional"),
        ("L1", "junctional"),
        ("L2", "mobile"),
        ("L4", "mobile"),
        ("L5", "junctional"),
        ("S1", "junctional"),
        ("S2", "rigid"),
        ("S5", "rigid"),
        ("t11", "junctional"),
        (" l3 ", "mobile"),
    ],
)
def test_location_for_level(level, location):
    assert location_for_level(level) == location


@pytest.mark.parametrize("level", ["Co1", "coccyx", "C0", "C8", "T13", "L6", "S6", "", "T", None, 11])
def test_unknown_level_or_coccyx_is_an_error(level):
    with pytest.raises(ScoreInputError, match=r"^level: .* is not allowed; expected a level from C1 to S5"):
        location_for_level(level)


def test_every_level_is_mapped_once():
    assert len(LEVEL_LOCATIONS) == 7 + 12 + 5 + 5
    assert set(LEVEL_LOCATIONS.values()) == set(SCORE.item("location").values)


def test_surgical_opinion_from_7():
    with translation.override("en"):
        assert "surgical opinion" in str(SCORE.band("indeterminate").interpretation)
        assert "surgical opinion" in str(SCORE.band("unstable").interpretation)


def test_identity():
    assert SCORE.version == "sins-2010"
    assert SCORE.reference == "Fisher CG et al. Spine 2010;35:E1221"
    assert SCORE.guideline == "OncoBFC/NEON/ONCORIF 2021 §3.8.1"
