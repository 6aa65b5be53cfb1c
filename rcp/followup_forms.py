"""The forms of the follow-up: an action started, done, cancelled or rescheduled, and an outcome. They check
what a field alone can say; rcp.followup checks the rest (dates against the meeting, the status)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.choices import EventKind

from .followup import CANCEL_REASONS, today
from .forms import centre_users
from .models import Outcome


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _day(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


class StartForm(forms.Form):
    started_on = _day(_("Started on"), initial=today)


class DoneForm(forms.Form):
    done_on = _day(_("Done on"), initial=today)
    started_on = _day(
        _("Started on"), required=False, help_text=_("If it started before the day it was done.")
    )


class CancelForm(forms.Form):
    cancel_reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *[(r.value, r.label) for r in CANCEL_REASONS]]
    )
    cancel_text = forms.CharField(label=_("Details"), required=False, max_length=300)
    cancelled_on = _day(_("Cancelled on"), initial=today)


class RescheduleForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    target_date = _day(_("Target date"))

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = centre_users(centre)
        self.fields["owner"].label_from_instance = lambda user: user.display_name


FORMS = {"start": StartForm, "done": DoneForm, "cancel": CancelForm, "reschedule": RescheduleForm}

# The events an outcome counts (the list: hypercalcaemia is not a new skeletal event here).
OUTCOME_EVENTS = [
    (kind.value, kind.label)
    for kind in (
        EventKind.FRACTURE,
        EventKind.CORD_COMPRESSION,
        EventKind.BONE_SURGERY,
        EventKind.RT_TO_BONE,
    )
]


class OutcomeForm(forms.ModelForm):
    skeletal_events = forms.MultipleChoiceField(
        label=_("Which events"),
        choices=OUTCOME_EVENTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Outcome
        fields = [
            "recorded_on",
            "alive",
            "new_skeletal_event",
            "skeletal_events",
            "frankel",
            "pain_nrs",
            "ambulatory_status",
            "notes",
        ]
        widgets = {
            "recorded_on": DateInput(),
            "alive": forms.RadioSelect,
            "new_skeletal_event": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "alive": _("Unknown when the patient could not be reached: it is never counted as a death."),
            "frankel": _("Empty when the examination was not done (unknown)."),
            "pain_nrs": _("Empty when not asked (unknown)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = today
        self.fields["pain_nrs"].widget.attrs.update({"min": 0, "max": 10})

    def clean(self):
        data = super().clean()
        day = data.get("recorded_on")
        if day and day > today():
            self.add_error("recorded_on", _("This date is in the future."))
        if data.get("new_skeletal_event") == Outcome.Answer.YES and not data.get("skeletal_events"):
            self.add_error("skeletal_events", _("Tick the events."))
        elif data.get("new_skeletal_event") != Outcome.Answer.YES and data.get("skeletal_events"):
            self.add_error("new_skeletal_event", _("Events are ticked: answer yes, or untick them."))
        if data.get("alive") == Outcome.Answer.NO:
            for name in ("frankel", "pain_nrs", "ambulatory_status"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, _("The patient died: leave this empty."))
        return data


def action_form(name, data=None, *, action):
    """The form `name` (start, done, cancel, reschedule) of `action`, bound to `data` if given."""
    if name == "reschedule":
        initial = {"owner": action.owner_id, "target_date": action.target_date}
        return RescheduleForm(
            data, centre=action.line.decision.case.patient.centre, initial=initial, prefix=name
        )
    return FORMS[name](data, prefix=name)
