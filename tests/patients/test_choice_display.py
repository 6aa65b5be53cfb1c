"""`get_FOO_display()` (patients.choices.ChoiceDisplay) answers what Django's own does, for every choice
of every model that uses it, in both languages, and the stored value when it is not a choice."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from patients.choices import ChoiceDisplay

FIELDS = [
    (model, field)
    for model in apps.get_models()
    if issubclass(model, ChoiceDisplay)
    for field in model._meta.concrete_fields
    if field.choices
]


def test_the_records_and_the_boards_models_use_it():
    users = {model._meta.label for model, _field in FIELDS}
    assert {"patients.TrackedLesion", "patients.PrimaryTumour", "rcp.CaseSubmission", "rcp.Decision"} <= users


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("model", "field"), FIELDS, ids=lambda x: getattr(x, "label", getattr(x, "name", x)))
def test_each_label_is_djangos(model, field, language):
    instance = model()
    with translation.override(language):
        for value, _label in [*field.flatchoices, ("not-a-choice", None)]:
            setattr(instance, field.attname, value)
            ours = getattr(instance, f"get_{field.name}_display")()
            assert ours == models.Model._get_FIELD_display(instance, field)
            assert type(ours) is str or value == "not-a-choice"
