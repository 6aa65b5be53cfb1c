"""Van der Linden (Cancer 2005;103:320): points, band edges."""

import pytest

from scoring import ScoreInputError, registry

SCORE = registry.get("van_der_linden")


@pytest.mark.parametrize(
    ("item", "value", "points"),
    [
        ("karnofsky", 10, 0),
        ("karnofsky", 40, 0),
        ("karnofsky", 50, 1),
        ("karnofsky", 70, 1),
        ("karnofsky", 80, 2),
        ("karnofsky", 100, 2),
        ("primary", "breast", 3),
        ("primary", "prostate", 2),
        ("primary", "lung", 1),
        ("primary", "other", 0),
        ("visceral_metastases", True, 0),
        ("visceral_metastases", False, 1),
    ],
)
def test_item_points(item, value, points):
    inputs = {"karnofsky": 10, "primary": "other", "visceral_metastases": True, item: value}
    result = SCORE.compute(**inputs)
    assert result.points[item] == points
    assert result.total == points


@pytest.mark.parametrize(
    ("karnofsky", "primary", "visceral", "total", "band", "severity"),
    [
        (10, "other", True, 0, "group_a", "high"),
        (80, "other", False, 3, "group_a", "high"),
        (80, "lung", False, 4, "group_b", "moderate"),
        (80, "prostate", False, 5, "group_b", "moderate"),
        (100, "breast", False, 6, "group_c", "low"),
    ],
)
def test_band_edges(karnofsky, primary, visceral, total, band, severity):
    result = SCORE.compute(karnofsky=karnofsky, primary=primary, visceral_metastases=visceral)
    assert (result.total, result.band, result.severity) == (total, band, severity)


@pytest.mark.parametrize("karnofsky", [0, 5, 45, 110, 95, 80.0, "80", True])
def test_bad_karnofsky(karnofsky):
    with pytest.raises(ScoreInputError, match=r"^karnofsky: "):
        SCORE.compute(karnofsky=karnofsky, primary="lung", visceral_metastases=False)


def test_identity():
    assert SCORE.version == "van_der_linden-2005"
    assert SCORE.reference == "van der Linden YM et al. Cancer 2005;103:320"
    assert (SCORE.min_total, SCORE.max_total) == (0, 6)
