"""Bilsky ESCC scale (J Neurosurg Spine 2010;13:324): a classification, no total."""

import pytest

from scoring import ScoreInputError, registry

SCORE = registry.get("bilsky")


@pytest.mark.parametrize(
    ("grade", "band", "severity"),
    [
        ("0", "low", "low"),
        ("1a", "low", "low"),
        ("1b", "low", "low"),
        ("1c", "borderline", "moderate"),
        ("2", "high", "high"),
        ("3", "high", "high"),
    ],
)
def test_grade_to_band(grade, band, severity):
    result = SCORE.compute(grade=grade)
    assert (result.total, result.band, result.severity) == (None, band, severity)
    assert result.points == {}
    assert result.inputs == {"grade": grade}


@pytest.mark.parametrize("grade", [0, 2, "1d", "4", "2a", None, True])
def test_bad_grade(grade):
    with pytest.raises(ScoreInputError, match=r"^grade: "):
        SCORE.compute(grade=grade)


def test_is_a_classification():
    assert SCORE.is_classification
    assert SCORE.min_total is None and SCORE.max_total is None
    assert all(band.low is None and band.high is None for band in SCORE.bands)
    assert SCORE.version == "bilsky-2010"
    assert SCORE.reference == "Bilsky MH et al. J Neurosurg Spine 2010;13:324"
