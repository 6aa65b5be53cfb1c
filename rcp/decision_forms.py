"""The decision form: structured proposals (built from rcp.proposals), conformity, trial, follow-up."""

import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import centre_users
from .models import Decision, Trial
from .proposals import PROPOSALS

MULTIPLE = {("exams", "which")}


def _name(key, detail=None):
    return f"p_{key}" if detail is None else f"p_{key}_{detail}"


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
    revision = forms.IntegerField(widget=forms.HiddenInput)
    conforms = YesNoRadioField(label=_("Does the decision follow the guideline?"))

    class Meta:
        model = Decision
        fields = [
            "free_text",
            "trial",
            "conforms",
            "deviation_reason",
            "deviation_text",
            "follow_up_physician",
            "contradictions_confirmed",
            "quorum_override",
            "amendment_reason",
        ]
        widgets = {"free_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        board = case.meeting.board
        self.fields["trial"].queryset = Trial.objects.filter(board=board, active=True)
        self.fields["follow_up_physician"].queryset = centre_users(board.centre)
        self.fields["revision"].initial = self.instance.revision
        proposals = self.instance.proposals or {}
        groups = []
        for key, (label, details) in PROPOSALS.items():
            self.fields[_name(key)] = forms.BooleanField(
                label=label, required=False, initial=key in proposals
            )
            names = [_name(key)]
            for detail, (detail_label, choices) in details.items():
                initial = (proposals.get(key) or {}).get(detail)
                if (key, detail) in MULTIPLE:
                    field = forms.MultipleChoiceField(
                        label=detail_label,
                        choices=choices,
                        required=False,
                        widget=forms.CheckboxSelectMultiple,
                    )
                elif choices:
                    field = forms.ChoiceField(
                        label=detail_label, choices=[("", "—"), *choices], required=False
                    )
                else:
                    field = forms.CharField(label=detail_label, required=False, max_length=200)
                field.initial = initial
                self.fields[_name(key, detail)] = field
                names.append(_name(key, detail))
            details_row = Div(
                *[Div(n, css_class="col-md-6") for n in names[1:]], css_class="row ms-3 proposal-details"
            )
            groups.append(
                Div(
                    Field(names[0], wrapper_class="fw-bold proposal-toggle"),
                    details_row,
                    css_class="proposal mb-1",
                )
            )
        if self.instance.version == 1:
            del self.fields["amendment_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "revision",
            Fieldset(_("Proposals (each optional, combine them)"), *groups),
            Fieldset(_("Decision"), "free_text", "trial", "follow_up_physician"),
            Fieldset(_("Conformity to the guideline"), "conforms", "deviation_reason", "deviation_text"),
            Fieldset(
                _("Before validation"),
                "contradictions_confirmed",
                "quorum_override",
                *(["amendment_reason"] if "amendment_reason" in self.fields else []),
            ),
        )

    def proposals(self) -> dict:
        data = self.cleaned_data
        result = {}
        for key, (_label, details) in PROPOSALS.items():
            if not data.get(_name(key)):
                continue
            result[key] = {
                detail: data[_name(key, detail)]
                for detail in details
                if data.get(_name(key, detail)) not in (None, "", [])
            }
        return result

    def clean(self):
        data = super().clean()
        if data.get("conforms") is not False:
            data["deviation_reason"], data["deviation_text"] = "", ""
        elif data.get("deviation_reason") == Decision.Deviation.OTHER and not data.get("deviation_text"):
            self.add_error("deviation_text", _("Say what the other reason is."))
        self.instance.proposals = self.proposals()
        return data


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


def _labels() -> dict:
    """The label of each proposal field, with its proposal's ("Radiotherapy — Site")."""
    labels = {}
    for key, (label, details) in PROPOSALS.items():
        labels[_name(key)] = str(label)
        for detail, (detail_label, _choices) in details.items():
            labels[_name(key, detail)] = f"{label} — {detail_label}"
    return labels


def differences(posted, *, saved, case) -> list[dict]:
    """The fields where what the user posted differs from the saved decision `saved` (someone else's
    version), in the order of the form: for each, its label, both versions in words, and the saved
    version's control values (to put it back in the form). Nothing is cleaned or saved."""
    form = DecisionForm(posted, instance=saved, case=case)
    labels = _labels()
    proposals = [name for name in form.fields if name in labels]
    others = [name for name in form.fields if name not in labels and name != "revision"]
    rows = []
    for name in proposals + others:
        bound = form[name]
        if not bound.field.has_changed(bound.initial, bound.data):
            continue
        theirs, yours = _raw(bound.field, bound.initial), _raw(bound.field, bound.data)
        rows.append(
            {
                "name": name,
                "label": labels.get(name) or str(bound.label),
                "theirs": _shown(bound.field, theirs),
                "yours": _shown(bound.field, yours),
                "theirs_json": json.dumps(theirs, ensure_ascii=False),
            }
        )
    return rows
