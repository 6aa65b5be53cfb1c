"""scoring.rule_titles: one short title per rule of the table, translated."""

from django.utils import translation

from scoring.rule_titles import RULE_TITLES, rule_choices
from scoring.rules import RULE_IDS


def test_every_rule_has_one_title_in_the_order_of_the_table():
    assert list(RULE_TITLES) == list(RULE_IDS)
    assert all(str(title).strip() for title in RULE_TITLES.values())


def test_the_choices_name_each_rule_by_identifier_and_title_in_the_active_language():
    with translation.override("en"):
        english = dict(rule_choices())
    assert english["SBRT-OLIGO"] == "SBRT-OLIGO — Oligometastatic disease: stereotactic radiotherapy"
    with translation.override("fr"):
        choices = dict(rule_choices())
    assert choices["SBRT-OLIGO"] == "SBRT-OLIGO — Maladie oligométastatique : radiothérapie stéréotaxique"
    assert all(" — " in label and label != f"{rule} — " for rule, label in choices.items())


def test_every_title_is_translated_into_french():
    with translation.override("en"):
        english = {rule: str(title) for rule, title in RULE_TITLES.items()}
    with translation.override("fr"):
        french = {rule: str(title) for rule, title in RULE_TITLES.items()}
    assert [rule for rule in RULE_IDS if french[rule] == english[rule]] == []
