"""The decision form: structured proposals (built from rcp.proposals), conformity, trial, follow-up."""

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


class DecisionForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    conforms = forms.TypedChoiceField(
        label=_("Does the decision follow the guideline?"),
        choices=[("", _("Not said yet")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

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
