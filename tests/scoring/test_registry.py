"""scoring.registry: the only list of scores, and the package's public names."""

import pytest

import scoring
from scoring import ScoreInputError, registry
from scoring.base import Score
from scoring.base import ScoreInputError as BaseScoreInputError

SLUGS = ["mirels", "sins", "tokuhashi", "tomita", "rades", "bilsky", "modified_bauer", "van_der_linden"]


def test_all_lists_every_score_in_order():
    scores = registry.all()
    assert [score.slug for score in scores] == SLUGS
    assert all(isinstance(score, Score) for score in scores)
    assert registry.slugs() == SLUGS


def test_all_returns_a_fresh_list():
    registry.all().clear()
    assert len(registry.all()) == len(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_get(slug):
    score = registry.get(slug)
    assert score.slug == slug
    assert score is registry.get(slug)


@pytest.mark.parametrize("slug", ["unknown", "SINS", "", "van-der-linden"])
def test_get_unknown_is_a_key_error(slug):
    with pytest.raises(KeyError):
        registry.get(slug)


def test_public_names():
    assert scoring.__all__ == ["ScoreInputError", "registry"]
    assert ScoreInputError is BaseScoreInputError
    assert issubclass(ScoreInputError, ValueError)


@pytest.mark.parametrize(
    ("slug", "guideline"),
    [
        ("mirels", "OncoBFC/NEON/ONCORIF 2021 §3.5.2"),
        ("sins", "OncoBFC/NEON/ONCORIF 2021 §3.8.1"),
        ("tokuhashi", "OncoBFC/NEON/ONCORIF 2021 §3.8.3"),
        ("tomita", "OncoBFC/NEON/ONCORIF 2021 §3.8.4"),
        ("rades", "OncoBFC/NEON/ONCORIF 2021 §3.5.3"),
        ("bilsky", ""),
        ("modified_bauer", ""),
        ("van_der_linden", ""),
    ],
)
def test_guideline_sections(slug, guideline):
    assert registry.get(slug).guideline == guideline


def test_the_four_corrections_of_the_guideline_tables_belong_to_three_scores():
    corrected = {score.slug: len(score.corrections) for score in registry.all() if score.corrections}
    assert corrected == {"mirels": 1, "tokuhashi": 2, "rades": 1}


def test_with_corrections_keeps_the_corrected_scores_shown_once_in_display_order():
    shown = ["rades", "sins", "tokuhashi", "rades", "mirels", "bilsky"]
    assert [score.slug for score in registry.with_corrections(shown)] == ["mirels", "tokuhashi", "rades"]
    assert registry.with_corrections(["sins", "bilsky"]) == []
    assert registry.with_corrections([]) == []
