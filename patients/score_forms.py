"""Django forms built from a score's own declaration (items, choices, points, ranges): nothing repeated.

Validation is the score's: `Score.validate` names every missing or wrong item, and the result is
computed only when all items are valid, so a partial form never shows a total.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

BOOLEAN_VALUES = {"true": True, "false": False}


def _points_text(label, points):
    return gettext("%(label)s — %(points)s pt") % {"label": label, "points": points}


# Lazy: the form classes are built once per process, so an answer's label is translated when a form is
# rendered, in that request's language, never frozen in the language of the first visitor.
_points = lazy(_points_text, str)


def _field(item):
    common = {"label": item.label, "required": False, "help_text": item.help_text}
    if item.kind == "choice":
        choices = [(choice.value, _points(choice.label, choice.points)) for choice in item.choices]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if item.kind == "boolean":
        choices = [
            ("true" if choice.value else "false", _points(choice.label, choice.points))
            for choice in item.choices
        ]
        return forms.TypedChoiceField(
            choices=choices, coerce=BOOLEAN_VALUES.get, empty_value=None, widget=forms.RadioSelect, **common
        )
    attrs = {
        key: value
        for key, value in (("min", item.min_value), ("max", item.max_value), ("step", item.step))
        if value is not None
    }
    if item.kind == "integer":
        return forms.IntegerField(widget=forms.NumberInput(attrs=attrs), **common)
    attrs.setdefault("step", "any")
    return forms.FloatField(widget=forms.NumberInput(attrs=attrs), **common)


def _as_initial(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class ScoreForm(forms.Form):
    """Base of the generated forms; `score` is set on the generated class."""

    score = None

    def __init__(self, *args, prefill=None, **kwargs):
        self.prefill = prefill or {}
        kwargs.setdefault(
            "initial",
            {slug: _as_initial(p.value) for slug, p in self.prefill.items() if p.value is not None},
        )
        super().__init__(*args, **kwargs)
        self.result = None
        for slug, value in self.prefill.items():
            field = self.fields[slug]
            if value.value is None:  # left empty on purpose: the source says what is needed
                note = value.source
                field.widget.attrs["data-needed"] = "true"
            else:
                field.widget.attrs["data-prefilled"] = "true"
                note = _("Prefilled from the record: %(source)s. Change it if needed.") % {
                    "source": value.source
                }
            field.help_text = f"{field.help_text} {note}".strip() if field.help_text else note
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(_("Items"), *[item.slug for item in self.score.items]))

    def inputs(self) -> dict:
        return {slug: value for slug, value in self.cleaned_data.items() if value not in (None, "")}

    def clean(self):
        inputs = self.inputs()
        errors = self.score.validate(inputs)
        for slug, message in errors.items():
            if slug in self.fields and slug not in self.errors:
                self.add_error(slug, message)
        if not self.errors:
            self.result = self.score.compute(**inputs)
        return self.cleaned_data

    @property
    def missing(self) -> list:
        """(label, message) of every item that keeps the score from being computed."""
        return [
            (self.fields[slug].label, " ".join(messages))
            for slug, messages in self.errors.items()
            if slug in self.fields
        ]


def evaluate(score, inputs):
    """(result, missing): the result when every item is valid, else the (label, message) of each problem."""
    errors = score.validate(inputs)
    if errors:
        return None, [(score.item(slug).label, message) for slug, message in errors.items()]
    return score.compute(**inputs), []


_FORMS = {}


def score_form_class(score):
    """The form class of `score`, built once per score (its labels stay lazy: translated per request)."""
    if score.slug not in _FORMS:
        fields = {item.slug: _field(item) for item in score.items}
        _FORMS[score.slug] = type(
            f"{score.slug.title().replace('_', '')}Form", (ScoreForm,), {"score": score, **fields}
        )
    return _FORMS[score.slug]
