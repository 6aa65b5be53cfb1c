"""Revised Tokuhashi (Spine 2005;30:2186): points, band edges, a lung primary's maximum of 10 and the
Frankel sub-grades."""

import itertools

import pytest
from django.utils import translation

from scoring import ScoreInputError, registry
from scoring.tokuhashi import frankel_grade

SCORE = registry.get("tokuhashi")
LOWEST = {
    "karnofsky": 10,
    "extraspinal_bone_metastases": 3,
    "vertebral_body_metastases": 3,
    "visceral_metastases": "unresectable",
    "primary_site": "lung",
    "frankel": "A",
}


@pytest.mark.parametrize(
    ("item", "value", "points"),
    [
        ("karnofsky", 10, 0),
        ("karnofsky", 40, 0),
        ("karnofsky", 50, 1),
        ("karnofsky", 70, 1),
        ("karnofsky", 80, 2),
        ("karnofsky", 100, 2),
        ("extraspinal_bone_metastases", 0, 2),
        ("extraspinal_bone_metastases", 1, 1),
        ("extraspinal_bone_metastases", 2, 1),
        ("extraspinal_bone_metastases", 3, 0),  # "≥ 3", not the guideline's "> 3"
        ("extraspinal_bone_metastases", 25, 0),
        ("vertebral_body_metastases", 1, 2),
        ("vertebral_body_metastases", 2, 1),
        ("vertebral_body_metastases", 3, 0),
        ("vertebral_body_metastases", 12, 0),
        ("visceral_metastases", "unresectable", 0),
        ("visceral_metastases", "resectable", 1),
        ("visceral_metastases", "none", 2),
        ("primary_site", "lung", 0),
        ("primary_site", "osteosarcoma", 0),
        ("primary_site", "stomach", 0),
        ("primary_site", "bladder", 0),
        ("primary_site", "oesophagus", 0),
        ("primary_site", "pancreas", 0),
        ("primary_site", "liver", 1),
        ("primary_site", "gallbladder", 1),
        ("primary_site", "unidentified", 1),
        ("primary_site", "other", 2),
        ("primary_site", "kidney", 3),
        ("primary_site", "uterus", 3),
        ("primary_site", "rectum", 4),
        ("primary_site", "thyroid", 5),
        ("primary_site", "breast", 5),
        ("primary_site", "prostate", 5),
        ("primary_site", "carcinoid", 5),
        ("frankel", "A", 0),
        ("frankel", "B", 0),
        ("frankel", "C", 1),
        ("frankel", "D", 1),
        ("frankel", "E", 2),
    ],
)
def test_item_points(item, value, points):
    result = SCORE.compute(**{**LOWEST, item: value})
    assert result.points[item] == points
    assert result.total == points


BEST_LUNG = {
    "karnofsky": 100,
    "extraspinal_bone_metastases": 0,
    "vertebral_body_metastases": 1,
    "visceral_metastases": "none",
    "primary_site": "lung",
    "frankel": "A",
}


@pytest.mark.parametrize(
    ("changes", "total", "band", "severity"),
    [
        (LOWEST, 0, "poor", "high"),
        ({}, 8, "poor", "high"),
        ({"frankel": "C"}, 9, "intermediate", "moderate"),
        ({"frankel": "E", "primary_site": "liver"}, 11, "intermediate", "moderate"),
        ({"frankel": "E", "primary_site": "other"}, 12, "good", "low"),
        ({"frankel": "E", "primary_site": "breast"}, 15, "good", "low"),
    ],
)
def test_band_edges(changes, total, band, severity):
    result = SCORE.compute(**{**BEST_LUNG, **changes})
    assert (result.total, result.band, result.severity) == (total, band, severity)


def test_a_lung_primary_cannot_exceed_10():
    totals = {
        SCORE.compute(
            karnofsky=karnofsky,
            extraspinal_bone_metastases=extraspinal,
            vertebral_body_metastases=vertebral,
            visceral_metastases=visceral,
            primary_site="lung",
            frankel=frankel,
        ).total
        for karnofsky, extraspinal, vertebral, visceral, frankel in itertools.product(
            range(10, 101, 10), range(5), range(1, 5), SCORE.item("visceral_metastases").values, "ABCDE"
        )
    }
    assert max(totals) == 10
    assert min(totals) == 0
    with translation.override("en"):
        assert "A lung primary scores 0 for the primary site: the total cannot exceed 10." in [
            str(note) for note in SCORE.notes
        ]


def test_corrections_cite_the_guideline_table_and_are_not_general_notes():
    with translation.override("en"):
        corrections = [str(c.text) for c in SCORE.corrections]
        notes = " ".join(map(str, SCORE.notes))
    assert len(corrections) == 2
    assert "lists five items; the revised score has six" in corrections[0]
    assert "vertebral-body metastases" in corrections[0]
    assert "“> 3”" in corrections[1] and "“≥ 3”" in corrections[1]
    assert {c.source for c in SCORE.corrections} == {"OncoBFC/NEON/ONCORIF 2021 §3.8.3"}
    assert "five items" not in notes and "> 3" not in notes


@pytest.mark.parametrize(
    ("recorded", "grade"),
    [
        ("A", "A"),
        ("B", "B"),
        ("C", "C"),
        ("D", "D"),
        ("D0", "D"),
        ("D1", "D"),
        ("D2", "D"),
        ("D3", "D"),
        ("E", "E"),
        ("d2", "D"),
        (" e ", "E"),
    ],
)
def test_frankel_grade_reads_sub_grades_as_d(recorded, grade):
    assert frankel_grade(recorded) == grade
    assert SCORE.compute(**{**BEST_LUNG, "frankel": frankel_grade(recorded)}).points["frankel"] in (0, 1, 2)


@pytest.mark.parametrize("recorded", ["D4", "F", "", None, 4])
def test_frankel_grade_refuses_anything_else(recorded):
    with pytest.raises(ScoreInputError, match=r"^frankel: .* is not allowed"):
        frankel_grade(recorded)


def test_identity():
    assert SCORE.version == "tokuhashi-2005"
    assert SCORE.reference == "Tokuhashi Y et al. Spine 2005;30:2186"
    assert SCORE.guideline == "OncoBFC/NEON/ONCORIF 2021 §3.8.3"
    assert [item.slug for item in SCORE.items] == [
        "karnofsky",
        "extraspinal_bone_metastases",
        "vertebral_body_metastases",
        "visceral_metastases",
        "primary_site",
        "frankel",
    ]
