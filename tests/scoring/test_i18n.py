"""French text of `scoring`: decimal commas in the findings, words that agree with what they qualify,
"soins de support" for Tomita 8–10, and the English source text where Django is not configured."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from scoring import i18n, registry
from scoring.rules import evaluate

CASE = {
    "today": datetime.date(2025, 6, 15),
    "corrected_calcium": 3.45,
    "bma_current": "zoledronic_acid",
    "creatinine_clearance": 55.4,
    "life_expectancy_months": 2.5,
    "lesions": [{"label": "Left femur", "region": "long_bone", "weight_bearing": True, "mirels": 9}],
}


def messages(language: str) -> dict[str, str]:
    with translation.override(language):
        return {finding.rule: finding.message for finding in evaluate(CASE)}


@pytest.mark.parametrize(
    ("language", "calcium", "clearance", "dose", "months"),
    [
        ("fr", "3,45 mmol/L", "55,4 mL/min", "3,5 mg", "2,5 mois"),
        ("en", "3.45 mmol/L", "55.4 mL/min", "3.5 mg", "2.5 months"),
    ],
)
def test_finding_messages_write_decimals_as_the_language_does(language, calcium, clearance, dose, months):
    found = messages(language)
    assert calcium in found["CA-HIGH"]
    assert clearance in found["BMA-RENAL"] and dose in found["BMA-RENAL"]
    assert months in found["SURGERY-CONTRAINDICATED"]


def test_tomita_8_to_10_is_supportive_care_never_end_of_life_care():
    band = registry.get("tomita").band("supportive")
    with translation.override("fr"):
        assert str(band.label) == "Soins de support (8–10)"
        assert str(band.interpretation).startswith("Soins de support")
    with translation.override("en"):
        assert str(band.label) == "Supportive care (8–10)"


def test_words_agree_with_what_they_qualify():
    visceral = next(i for i in registry.get("van_der_linden").items if i.slug == "visceral_metastases")
    extraspinal = next(i for i in registry.get("tokuhashi").items if i.slug == "extraspinal_bone_metastases")
    with translation.override("fr"):
        assert [str(choice.label) for choice in visceral.choices] == ["Présentes", "Absentes"]
        assert str(extraspinal.cutoffs[0].label) == "aucune"
        # The same English words elsewhere: the board members present, no skeletal event.
        assert translation.gettext("Present") == "Présents"
        assert translation.gettext("none") == "aucun"


def test_pgettext_gives_the_english_source_text_without_django_settings(monkeypatch):
    def unconfigured(context, message):
        raise ImproperlyConfigured

    monkeypatch.setattr(translation, "pgettext", unconfigured)
    assert i18n.pgettext("metastases", "Present") == "Present"
