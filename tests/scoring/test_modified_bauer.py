"""Modified Bauer (Leithner, Eur Spine J 2008;17:1488): one point per criterion, band edges."""

import pytest

from scoring import registry

SCORE = registry.get("modified_bauer")


@pytest.mark.parametrize(
    ("primary", "points"),
    [("lung", 0), ("other", 1), ("breast", 2), ("kidney", 2), ("lymphoma", 2), ("myeloma", 2)],
)
def test_primary_carries_two_criteria(primary, points):
    result = SCORE.compute(visceral_metastases=True, primary=primary, solitary_skeletal_metastasis=False)
    assert result.points == {"visceral_metastases": 0, "primary": points, "solitary_skeletal_metastasis": 0}


@pytest.mark.parametrize(
    ("visceral", "solitary", "points"),
    [(True, False, (0, 0)), (False, False, (1, 0)), (True, True, (0, 1)), (False, True, (1, 1))],
)
def test_boolean_items(visceral, solitary, points):
    result = SCORE.compute(
        visceral_metastases=visceral, primary="lung", solitary_skeletal_metastasis=solitary
    )
    assert (result.points["visceral_metastases"], result.points["solitary_skeletal_metastasis"]) == points


@pytest.mark.parametrize(
    ("visceral", "primary", "solitary", "total", "band", "severity"),
    [
        (True, "lung", False, 0, "poor", "high"),
        (True, "other", False, 1, "poor", "high"),
        (False, "lung", True, 2, "intermediate", "moderate"),
        (True, "breast", True, 3, "good", "low"),
        (False, "kidney", True, 4, "good", "low"),
    ],
)
def test_band_edges(visceral, primary, solitary, total, band, severity):
    result = SCORE.compute(
        visceral_metastases=visceral, primary=primary, solitary_skeletal_metastasis=solitary
    )
    assert (result.total, result.band, result.severity) == (total, band, severity)


def test_identity():
    assert SCORE.version == "modified_bauer-2008"
    assert SCORE.reference == "Leithner A et al. Eur Spine J 2008;17:1488"
    assert (SCORE.min_total, SCORE.max_total) == (0, 4)
