"""The declarative engine (scoring.base): validation of every kind of item, error messages, validate()
reporting every problem at once, results, and the declarations of every registered score."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.functional import Promise

from scoring import ScoreInputError, registry
from scoring.base import Band, Choice, Cutoff, Item, Score

VALID = {
    "mirels": {"site": "upper_limb", "pain": "mild", "lesion": "blastic", "size": "under_one_third"},
    "sins": {
        "location": "junctional",
        "pain": "mechanical",
        "lesion": "lytic",
        "alignment": "normal",
        "collapse": "none",
        "posterolateral": "none",
    },
    "tokuhashi": {
        "karnofsky": 70,
        "extraspinal_bone_metastases": 1,
        "vertebral_body_metastases": 2,
        "visceral_metastases": "none",
        "primary_site": "lung",
        "frankel": "E",
    },
    "tomita": {"primary_growth": "rapid", "visceral_metastases": "none", "bone_metastases": "multiple"},
    "rades": {
        "primary_tumour": "nsclc",
        "interval_months": 3,
        "visceral_metastases": True,
        "motor_function": "walking_with_aid",
        "deficit_days": 10,
    },
    "bilsky": {"grade": "1c"},
    "modified_bauer": {"visceral_metastases": False, "primary": "lung", "solitary_skeletal_metastasis": True},
    "van_der_linden": {"karnofsky": 60, "primary": "lung", "visceral_metastases": False},
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_every_registered_score_has_valid_example_inputs():
    assert set(VALID) == {score.slug for score in registry.all()}
    for slug, inputs in VALID.items():
        assert registry.get(slug).validate(inputs) == {}


@pytest.mark.parametrize(
    ("slug", "item", "value", "expected"),
    [
        ("tokuhashi", "karnofsky", 45, "expected a multiple of 10 from 10 to 100"),
        ("tokuhashi", "karnofsky", 110, "expected a multiple of 10 from 10 to 100"),
        ("tokuhashi", "karnofsky", 0, "expected a multiple of 10 from 10 to 100"),
        ("tokuhashi", "karnofsky", 70.0, "expected a multiple of 10 from 10 to 100"),  # a float is not an int
        ("tokuhashi", "karnofsky", "70", "expected a multiple of 10 from 10 to 100"),
        ("tokuhashi", "karnofsky", True, "expected a multiple of 10 from 10 to 100"),  # bool is not an int
        ("van_der_linden", "karnofsky", 45, "expected a multiple of 10 from 10 to 100"),
        ("van_der_linden", "karnofsky", 110, "expected a multiple of 10 from 10 to 100"),
        ("tokuhashi", "vertebral_body_metastases", 0, "expected an integer from 1 to 29"),
        ("tokuhashi", "vertebral_body_metastases", 99_999_999, "expected an integer from 1 to 29"),
        ("tokuhashi", "extraspinal_bone_metastases", -1, "expected an integer from 0 to 200"),
        ("tokuhashi", "extraspinal_bone_metastases", 201, "expected an integer from 0 to 200"),
        ("tokuhashi", "extraspinal_bone_metastases", False, "expected an integer from 0 to 200"),
        ("tokuhashi", "extraspinal_bone_metastases", 1.5, "expected an integer from 0 to 200"),
        ("tokuhashi", "frankel", "D1", "expected one of A, B, C, D, E"),
        ("tokuhashi", "primary_site", "Lung", "expected one of lung, osteosarcoma"),
        ("rades", "interval_months", -1, "expected a number from 0 to 1200"),
        ("rades", "interval_months", -0.5, "expected a number from 0 to 1200"),
        ("rades", "interval_months", float("nan"), "expected a number from 0 to 1200"),
        ("rades", "interval_months", float("inf"), "expected a number from 0 to 1200"),
        ("rades", "interval_months", "12", "expected a number from 0 to 1200"),
        ("rades", "interval_months", True, "expected a number from 0 to 1200"),
        ("rades", "interval_months", 1200.5, "expected a number from 0 to 1200"),
        ("rades", "deficit_days", -1, "expected an integer from 0 to 36525"),
        ("rades", "deficit_days", 36526, "expected an integer from 0 to 36525"),
        ("rades", "deficit_days", 2.5, "expected an integer from 0 to 36525"),
        ("rades", "visceral_metastases", "true", "expected True or False"),
        ("rades", "visceral_metastases", 1, "expected True or False"),
        ("rades", "visceral_metastases", "yes", "expected True or False"),
        ("rades", "primary_tumour", "lung", "expected one of breast, prostate, myeloma_lymphoma"),
        ("modified_bauer", "solitary_skeletal_metastasis", "false", "expected True or False"),
        ("modified_bauer", "visceral_metastases", 0, "expected True or False"),
        ("van_der_linden", "visceral_metastases", "true", "expected True or False"),
        ("mirels", "site", "femur", "expected one of upper_limb, lower_limb, peritrochanteric"),
        ("mirels", "site", 1, "expected one of upper_limb, lower_limb, peritrochanteric"),
        ("sins", "collapse", "over 50", "expected one of over_50, under_50, involvement_over_50, none"),
        ("tomita", "primary_growth", "fast", "expected one of slow, moderate, rapid"),
        ("bilsky", "grade", 2, "expected one of 0, 1a, 1b, 1c, 2, 3"),
        ("bilsky", "grade", "1d", "expected one of 0, 1a, 1b, 1c, 2, 3"),
    ],
)
def test_bad_value_raises_an_error_naming_the_item_and_what_it_accepts(slug, item, value, expected):
    with pytest.raises(ScoreInputError) as caught:
        registry.get(slug).compute(**{**VALID[slug], item: value})
    message = str(caught.value)
    assert message.startswith(f"{item}: {value!r} is not allowed; ")
    assert expected in message
    assert caught.value.item == item
    assert isinstance(caught.value, ValueError)


def test_karnofsky_message_reads_as_documented():
    with pytest.raises(
        ScoreInputError, match=r"^karnofsky: 45 is not allowed; expected a multiple of 10 from 10 to 100$"
    ):
        registry.get("tokuhashi").compute(**{**VALID["tokuhashi"], "karnofsky": 45})


@pytest.mark.parametrize(
    ("slug", "item"), [(slug, item) for slug, inputs in VALID.items() for item in inputs]
)
def test_every_missing_item_is_an_error_naming_it(slug, item):
    inputs = {k: v for k, v in VALID[slug].items() if k != item}
    with pytest.raises(ScoreInputError, match=rf"^{item}: missing; expected "):
        registry.get(slug).compute(**inputs)


@pytest.mark.parametrize("slug", VALID)
def test_none_counts_as_missing(slug):
    item = next(iter(VALID[slug]))
    errors = registry.get(slug).validate({**VALID[slug], item: None})
    assert list(errors) == [item]
    assert errors[item].startswith("missing; expected ")


@pytest.mark.parametrize("slug", VALID)
def test_an_unknown_extra_item_is_an_error_naming_it(slug):
    with pytest.raises(ScoreInputError, match=rf"^age: unknown item for {slug}; expected one of "):
        registry.get(slug).compute(**VALID[slug], age=70)


def test_validate_reports_every_problem_at_once_without_repeating_the_slug():
    errors = registry.get("tokuhashi").validate(
        {"karnofsky": 45, "vertebral_body_metastases": 0, "frankel": "D2", "primary_site": "lung", "ecog": 1}
    )
    assert errors == {
        "karnofsky": "45 is not allowed; expected a multiple of 10 from 10 to 100",
        "extraspinal_bone_metastases": "missing; expected an integer from 0 to 200",
        "vertebral_body_metastases": "0 is not allowed; expected an integer from 1 to 29",
        "visceral_metastases": "missing; expected one of unresectable, resectable, none",
        "frankel": "'D2' is not allowed; expected one of A, B, C, D, E",
        "ecog": (
            "unknown item for tokuhashi; expected one of karnofsky, extraspinal_bone_metastases, "
            "vertebral_body_metastases, visceral_metastases, primary_site, frankel"
        ),
    }


def test_validate_of_nothing_lists_every_item():
    score = registry.get("sins")
    assert list(score.validate({})) == [item.slug for item in score.items]


def test_compute_error_carries_every_problem():
    with pytest.raises(ScoreInputError) as caught:
        registry.get("mirels").compute(site="femur", lesion="lytic")
    error = caught.value
    assert error.item == "site"
    assert set(error.errors) == {"site", "pain", "size"}
    assert str(error).splitlines() == [
        "site: 'femur' is not allowed; expected one of upper_limb, lower_limb, peritrochanteric",
        "pain: missing; expected one of mild, moderate, functional",
        "size: missing; expected one of under_one_third, one_to_two_thirds, over_two_thirds",
    ]


def test_a_plain_score_input_error_still_works():
    error = ScoreInputError("today: missing")
    assert str(error) == "today: missing"
    assert error.detail == "today: missing"
    assert error.item is None and error.errors == {}


def test_item_clean_returns_the_value_and_checks_exact_types():
    karnofsky = registry.get("tokuhashi").item("karnofsky")
    assert karnofsky.clean(100) == 100
    interval = registry.get("rades").item("interval_months")
    assert interval.clean(0) == 0
    assert interval.clean(15.5) == 15.5
    visceral = registry.get("rades").item("visceral_metastases")
    assert visceral.clean(False) is False
    with pytest.raises(
        ScoreInputError, match="^visceral_metastases: 'true' is not allowed; expected True or False$"
    ):
        visceral.clean("true")


def test_result_carries_the_band_its_label_and_the_cleaned_inputs():
    score = registry.get("sins")
    result = score.compute(**VALID["sins"])
    band = score.band("indeterminate")
    assert result.score is score
    assert result.total == 8
    assert result.band == "indeterminate"
    assert result.band_label == band.label
    assert result.severity == "moderate"
    assert result.interpretation == band.interpretation
    assert result.inputs == VALID["sins"]
    assert list(result.inputs) == [item.slug for item in score.items]
    assert result.snapshot() == {
        "score": "sins",
        "version": "sins-2010",
        "inputs": VALID["sins"],
        "points": {"location": 3, "pain": 3, "lesion": 2, "alignment": 0, "collapse": 0, "posterolateral": 0},
        "total": 8,
        "band": "indeterminate",
    }


def test_item_and_band_lookup():
    score = registry.get("mirels")
    assert score.item("size").slug == "size"
    assert score.band("borderline").low == 8
    with pytest.raises(KeyError):
        score.item("nope")
    with pytest.raises(KeyError):
        score.band("nope")


@pytest.mark.parametrize("score", registry.all(), ids=lambda s: s.slug)
def test_declarations(score):
    assert score.version.startswith(f"{score.slug}-")
    assert score.reference and score.items and score.bands
    assert {band.severity for band in score.bands} <= {"low", "moderate", "high"}
    for item in score.items:
        assert item.kind in {"choice", "integer", "number", "boolean"}
        if item.kind == "boolean":
            assert [c.value for c in item.choices] == [True, False]
        for choice in item.choices:
            assert type(choice.points) is int


@pytest.mark.parametrize("score", registry.all(), ids=lambda s: s.slug)
def test_every_visible_string_is_lazily_translated_and_safe_for_gettext(score):
    texts = [score.name, *score.notes, *(correction.text for correction in score.corrections)]
    texts += [band.label for band in score.bands] + [band.interpretation for band in score.bands]
    for item in score.items:
        texts += [item.label] + [c.label for c in item.choices] + [c.label for c in item.cutoffs]
        if item.help_text:
            texts.append(item.help_text)
    for text in texts:
        assert isinstance(text, Promise), text
        assert str(text).strip()
        # "50 % of" would be read by xgettext as a python-format directive ("% o"): keep % before punctuation.
        assert not re.search(r"%\s*[#0\- +]*[a-zA-Z(]", str(text)), str(text)


@pytest.mark.parametrize("score", registry.all(), ids=lambda s: s.slug)
def test_module_docstring_gives_the_reference(score):
    module = importlib.import_module(f"scoring.{score.slug}")
    assert module.SCORE is score
    citation = score.reference.split(". ", 1)[1]  # journal year;volume:page
    assert citation in " ".join(module.__doc__.split())


def test_misdeclared_scores_are_refused():
    item = Item("x", "x", "choice", choices=(Choice("a", "a", 0), Choice("b", "b", 1)))
    with pytest.raises(ValueError, match="without gap or overlap"):
        Score(
            slug="s",
            version="s-1",
            reference="r",
            name="n",
            items=(item,),
            bands=(Band("a", "a", 1, 1, "low", "i"),),
        )
    with pytest.raises(ValueError, match="highest total"):
        Score(
            slug="s",
            version="s-1",
            reference="r",
            name="n",
            items=(item,),
            bands=(Band("a", "a", 0, 0, "low", "i"),),
        )
    with pytest.raises(ValueError, match="boolean"):
        Item("y", "y", "boolean", choices=(Choice(False, "no", 0), Choice(True, "yes", 1)))
    with pytest.raises(ValueError, match="open-ended"):
        Item("z", "z", "integer", min_value=0, cutoffs=(Cutoff(3, 1),))
    with pytest.raises(ValueError, match="severity"):
        Band("a", "a", 0, 0, "red", "i")


def test_scores_work_where_django_is_not_configured():
    """The contract checker runs in CI without settings: scoring must stay pure Python."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}}
    code = (
        "from scoring import registry; "
        "r = registry.get('mirels').compute(site='peritrochanteric', pain='functional', lesion='lytic', "
        "size='over_two_thirds'); print(r.total, r.band, r.interpretation)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("12 high Fracture risk at least 33 %")
