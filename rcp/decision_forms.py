"""The decision form: the free text, conformity, trial, follow-up and what the fiche RCP records; the
proposal lines have their own forms (rcp.proposals)."""

import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import centre_users
from .models import Decision, Trial
from .proposals import Kind


def _to_bool(value) -> bool:
    return value is True or value == "true"


class YesNoRadioField(forms.TypedChoiceField):
    """Yes / no / not said yet as radio buttons, for a nullable boolean: the model's True, False and None
    are shown as the choices "true", "false" and "" (a plain TypedChoiceField would render True as
    "True", which matches no choice, so no button would be checked and the next save would empty it)."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("", _("Not said yet")), ("true", _("Yes")), ("false", _("No"))],
            coerce=_to_bool,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True or value is False:
            return "true" if value else "false"
        return "" if value is None else value


class DecisionForm(forms.ModelForm):
    """The decision beside its proposal lines (which are saved one by one, rcp.services): the free text,
    the trial, conformity, what the fiche RCP records, and what the chair confirms before validating."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    conforms = YesNoRadioField(label=_("Does the decision follow the guideline?"))
    trial_proposed = YesNoRadioField(label=_("Inclusion in a clinical trial proposed?"))

    class Meta:
        model = Decision
        fields = [
            "discussion_type",
            "free_text",
            "trial_proposed",
            "trial",
            "conforms",
            "deviation_reason",
            "deviation_text",
            "follow_up_physician",
            "patient_informed",
            "patient_informed_by",
            "general_practitioner",
            "distribution",
            "contradictions_confirmed",
            "quorum_override",
            "amendment_reason",
        ]
        widgets = {
            "free_text": forms.Textarea(attrs={"rows": 3}),
            "distribution": forms.Textarea(attrs={"rows": 2}),
            "discussion_type": forms.RadioSelect,
            "patient_informed": forms.RadioSelect,
        }
        labels = {"free_text": _("Comment (the proposal lines say what is decided)")}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        board = case.meeting.board
        self.fields["trial"].queryset = Trial.objects.filter(board=board, active=True)
        self.fields["follow_up_physician"].queryset = centre_users(board.centre)
        self.fields["revision"].initial = self.instance.revision
        for name in ("discussion_type", "patient_informed"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        if self.instance.pk is None and case.is_urgent:
            self.fields["discussion_type"].initial = Decision.Discussion.EMERGENCY
        if self.instance.version == 1:
            del self.fields["amendment_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "revision",
            Fieldset(_("Decision"), "discussion_type", "free_text", "follow_up_physician"),
            Fieldset(_("Clinical trial"), "trial_proposed", "trial"),
            Fieldset(_("Conformity to the guideline"), "conforms", "deviation_reason", "deviation_text"),
            Fieldset(
                _("Patient and distribution"),
                Div(
                    Div("patient_informed", css_class="col-md-6"),
                    Div("patient_informed_by", css_class="col-md-6"),
                    css_class="row",
                ),
                "general_practitioner",
                "distribution",
            ),
            Fieldset(
                _("Before validation"),
                "contradictions_confirmed",
                "quorum_override",
                *(["amendment_reason"] if "amendment_reason" in self.fields else []),
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("conforms") is not False:
            data["deviation_reason"], data["deviation_text"] = "", ""
        elif data.get("deviation_reason") == Decision.Deviation.OTHER and not data.get("deviation_text"):
            self.add_error("deviation_text", _("Say what the other reason is."))
        if data.get("trial") and data.get("trial_proposed") is False:
            self.add_error("trial_proposed", _("A trial is chosen: say yes, or clear the trial."))
        return data


class NewLineForm(forms.Form):
    """Which kind of proposal line to add."""

    kind = forms.ChoiceField(label=_("Add a proposal"), choices=[("", "—"), *Kind.choices])


def _raw(field, value) -> list[str]:
    """A field's value as the form controls hold it (what the browser would send)."""
    if isinstance(field, forms.BooleanField):
        return ["on"] if field.to_python(value) else []
    value = field.prepare_value(value)
    values = value if isinstance(value, list | tuple) else [value]
    return ["" if v is None else str(v) for v in values]


def _shown(field, raw: list[str]) -> str:
    """A field's value in words, from the values of its controls."""
    if isinstance(field, forms.BooleanField):
        return str(_("Yes") if raw else _("No"))
    if isinstance(field, forms.ChoiceField):
        labels = {str(value): str(label) for value, label in field.choices if str(value)}
        return ", ".join(labels.get(value, value) for value in raw if value) or "—"
    return "\n".join(raw).strip() or "—"


def differences(posted, *, saved, case) -> list[dict]:
    """The fields where what the user posted differs from the saved decision `saved` (someone else's
    version), in the order of the form: for each, its label, both versions in words, and the saved
    version's control values (to put it back in the form). Nothing is cleaned or saved."""
    form = DecisionForm(posted, instance=saved, case=case)
    rows = []
    for name in [name for name in form.fields if name != "revision"]:
        bound = form[name]
        if not bound.field.has_changed(bound.initial, bound.data):
            continue
        theirs, yours = _raw(bound.field, bound.initial), _raw(bound.field, bound.data)
        rows.append(
            {
                "name": name,
                "label": str(bound.label),
                "theirs": _shown(bound.field, theirs),
                "yours": _shown(bound.field, yours),
                "theirs_json": json.dumps(theirs, ensure_ascii=False),
            }
        )
    return rows
