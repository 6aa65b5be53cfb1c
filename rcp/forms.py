from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from rcp.accounts.models import Specialty, User
from scoring.rule_titles import rule_choices
from scoring.rules import RULE_IDS

from .accounts.permissions import chair_candidates
from .meetings import outcome_choices
from .models import FROZEN_CASE, Attendance, Board, CaseSubmission, Meeting, Trial


def _helper(*fieldsets):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*[Fieldset(legend, *fields) for legend, fields in fieldsets])
    return helper


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def centre_users(centre):
    return User.objects.filter(centre=centre, is_active=True).order_by("last_name", "first_name")


class MeetingForm(forms.ModelForm):
    video_link = forms.URLField(label=_("video link"), required=False, assume_scheme="https")
    expected_specialties = forms.MultipleChoiceField(
        label=_("Specialties expected"),
        choices=Specialty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "place", "video_link", "chair", "deputy", "expected_specialties"]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        # Only members who hold the chair role may chair, or deputise (and so validate the decisions).
        self.fields["chair"].queryset = chair_candidates(centre)
        self.fields["deputy"].queryset = chair_candidates(centre)
        self.helper = _helper(
            (
                _("Meeting"),
                [
                    Div(
                        Div("title", css_class="col-md-8"),
                        Div("starts_at", css_class="col-md-4"),
                        css_class="row",
                    ),
                    Div(
                        Div("place", css_class="col-md-6"),
                        Div("video_link", css_class="col-md-6"),
                        css_class="row",
                    ),
                ],
            ),
            (
                _("Chair"),
                [
                    Div(
                        Div("chair", css_class="col-md-6"),
                        Div("deputy", css_class="col-md-6"),
                        css_class="row",
                    )
                ],
            ),
            (_("Specialties expected"), ["expected_specialties"]),
        )

    def clean(self):
        data = super().clean()
        if data.get("chair") and data.get("chair") == data.get("deputy"):
            self.add_error("deputy", _("The deputy must be another person than the chair."))
        return data


class CaseForm(forms.ModelForm):
    class Meta:
        model = CaseSubmission
        fields = ["patient", "meeting", "question", "reason", "urgency", "presenting_physician"]
        widgets = {"question": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"urgency": _("A spinal cord compression is always urgent.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centre = user.centre
        self.fields["patient"].queryset = Patient.objects.visible_to(user).alphabetical()
        self.fields["meeting"].queryset = (
            Meeting.objects.visible_to(user)
            .exclude(status=Meeting.Status.CLOSED)
            .filter(starts_at__gte=timezone.now() - timezone.timedelta(hours=12))
            .order_by("starts_at")
        )
        self.fields["meeting"].required = False
        self.fields["meeting"].empty_label = _("Next meeting")
        self.fields["presenting_physician"].queryset = centre_users(centre)
        self.helper = _helper(
            (
                _("Patient and meeting"),
                [
                    Div(
                        Div("patient", css_class="col-md-6"),
                        Div("meeting", css_class="col-md-6"),
                        css_class="row",
                    )
                ],
            ),
            (
                _("Question for the board"),
                [
                    "question",
                    Div(
                        Div("reason", css_class="col-md-6"),
                        Div("urgency", css_class="col-md-6"),
                        css_class="row",
                    ),
                ],
            ),
            (_("Presented by"), ["presenting_physician"]),
        )

    def clean(self):
        data = super().clean()
        if data.get("reason") == CaseSubmission.Reason.CORD_COMPRESSION:
            data["urgency"] = CaseSubmission.Urgency.URGENT
        meeting = data.get("meeting")
        if meeting and meeting.status == Meeting.Status.IN_PROGRESS and data.get("urgency") != "urgent":
            self.add_error("meeting", _("Only an urgent case can be added to a meeting under way."))
        return data


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        users = centre_users(meeting.board.centre).exclude(specialty="")
        self.fields["present"].queryset = users
        self.fields["present"].label_from_instance = lambda u: (
            f"{u.display_name} — {u.get_specialty_display()}"
        )


class GuestForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["guest_name", "specialty"]
        labels = {"guest_name": _("Guest's name")}
        widgets = {
            "guest_name": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "specialty": forms.Select(attrs={"class": "form-select form-select-sm"}),
        }
        help_texts = {
            "guest_name": _("A participant without an account, e.g. the patient's general practitioner.")
        }

    def clean_guest_name(self):
        name = self.cleaned_data["guest_name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the guest's name."))
        return name


class BoardForm(forms.ModelForm):
    GROUPS = 4

    class Meta:
        model = Board
        fields = ["name", "min_specialties", "rrc_id", "rcp_manager_id", "rcp_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_specialties"].min_value = 3
        self.fields["min_specialties"].widget.attrs["min"] = 3
        groups = list(self.instance.required_groups or [])
        for index in range(self.GROUPS):
            self.fields[f"group_{index}"] = forms.MultipleChoiceField(
                label=_("Required group %(number)s (one of)") % {"number": index + 1},
                choices=Specialty.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=groups[index] if index < len(groups) else [],
            )
        self.helper = _helper(
            (_("Board"), ["name", "min_specialties"]),
            (
                _("Required specialties: each group must be represented"),
                [f"group_{i}" for i in range(self.GROUPS)],
            ),
            (_("National identifiers (Fiche RCP)"), ["rrc_id", "rcp_manager_id", "rcp_id"]),
        )

    def clean_min_specialties(self):
        value = self.cleaned_data["min_specialties"]
        if value < 3:
            raise forms.ValidationError(_("A French RCP needs at least three specialties."))
        return value

    def save(self, commit=True):
        self.instance.required_groups = [
            self.cleaned_data[f"group_{i}"] for i in range(self.GROUPS) if self.cleaned_data[f"group_{i}"]
        ]
        return super().save(commit)


class PostponeForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Postpone to"), queryset=Meeting.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["meeting"].queryset = Meeting.objects.filter(
            board=case.meeting.board, status=Meeting.Status.PLANNED, starts_at__gt=case.meeting.starts_at
        ).order_by("starts_at")

    def clean_meeting(self):
        if self.case.has_validated_decision():  # its minute stays with the meeting that decided
            raise forms.ValidationError(FROZEN_CASE)
        return self.cleaned_data["meeting"]


class CloseMeetingForm(forms.Form):
    """One required choice per case left without a validated decision (rcp.meetings.Outcome)."""

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases
        for case in cases:
            self.fields[f"case_{case.pk}"] = forms.ChoiceField(
                label=str(case.patient),
                choices=outcome_choices(case),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Choose what happens to this case.")},
            )

    def rows(self):
        """(case, its bound field), in the order given: urgent first."""
        return [(case, self[f"case_{case.pk}"]) for case in self.cases]

    def outcomes(self) -> dict:
        return {case.pk: self.cleaned_data[f"case_{case.pk}"] for case in self.cases}


class TrialForm(forms.ModelForm):
    rule_ids = forms.MultipleChoiceField(
        label=capfirst(Trial._meta.get_field("rule_ids").verbose_name),
        help_text=Trial._meta.get_field("rule_ids").help_text,
        choices=rule_choices,  # called per form: the titles in the active language
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Trial
        fields = ["name", "description", "rule_ids"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        same = Trial.objects.filter(board=self.instance.board, name__iexact=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("This trial is already on the list."))
        return name

    def clean_rule_ids(self):
        chosen = set(self.cleaned_data["rule_ids"])
        return [rule for rule in RULE_IDS if rule in chosen]  # the order of the rules table
