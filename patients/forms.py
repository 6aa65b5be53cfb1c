"""Forms of the patient record: crispy layouts in fieldsets, errors beside each field."""

from decimal import ROUND_HALF_UP, Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from scoring import formulas

from . import choices as c
from . import models as m
from .validators import EARLIEST_CLINICAL_DATE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RecordForm(forms.ModelForm):
    """A model form laid out from `fieldsets`: [(legend, [row, …]), …]; a row is a name or a tuple."""

    fieldsets: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput(
                    attrs={"min": EARLIEST_CLINICAL_DATE.isoformat(), **field.widget.attrs}
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.lay_out(self.fieldsets)

    def lay_out(self, fieldsets):
        self.helper.layout = Layout(*[self._fieldset(legend, rows) for legend, rows in fieldsets])

    @staticmethod
    def _fieldset(legend, rows):
        parts = []
        if rows and isinstance(rows[0], HTML):  # a fieldset's explanation, before its fields
            parts.append(rows[0])
            rows = rows[1:]
        for row in rows:
            names = row if isinstance(row, tuple) else (row,)
            width = max(12 // len(names), 3)
            parts.append(Div(*[Div(name, css_class=f"col-md-{width}") for name in names], css_class="row"))
        return Fieldset(legend, *parts)


class PatientForm(RecordForm):
    fieldsets = [
        (_("Identity"), [("family_name", "given_names"), ("birth_date", "sex")]),
        (_("Identifiers"), [("hospital_id", "ins")]),
        (_("Follow-up"), ["referring_physician"]),
    ]

    class Meta:
        model = m.Patient
        fields = [
            "family_name",
            "given_names",
            "birth_date",
            "sex",
            "hospital_id",
            "ins",
            "referring_physician",
        ]

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.instance.centre = centre
        self.fields["referring_physician"].queryset = centre.users.filter(is_active=True).order_by(
            "last_name"
        )

    def clean_ins(self):
        return self.cleaned_data["ins"].replace(" ", "").upper()

    def clean_hospital_id(self):
        value = self.cleaned_data["hospital_id"].strip()
        taken = m.Patient.objects.filter(centre=self.centre, hospital_id__iexact=value).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(_("Another patient of this centre has this identifier."))
        return value


class PrimaryTumourForm(RecordForm):
    fieldsets = [
        (
            _("Diagnosis"),
            [("histology", "diagnosis_date"), ("location", "laterality"), "bone_first_presentation"],
        ),
        (_("TNM, 8th edition (the stage is computed)"), [("t_category", "n_category", "m_category")]),
        (_("Biomarkers"), ["pdl1_tps"]),
        (_("Notes"), ["notes"]),
    ]

    class Meta:
        model = m.PrimaryTumour
        fields = [
            "histology",
            "diagnosis_date",
            "location",
            "laterality",
            "t_category",
            "n_category",
            "m_category",
            "pdl1_tps",
            "bone_first_presentation",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MolecularAlterationForm(RecordForm):
    fieldsets = [(_("Molecular alteration"), [("gene", "variant", "test_date"), "notes"])]

    class Meta:
        model = m.MolecularAlteration
        fields = ["gene", "variant", "test_date", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ClinicalAssessmentForm(RecordForm):
    fieldsets = [
        (_("Assessment"), [("date", "disease_status")]),
        (_("Performance status (one scale, or both when both were assessed)"), [("ecog", "karnofsky")]),
        (_("Body"), [("weight_kg", "height_cm")]),
        (_("Pain"), [("pain_nrs", "pain_mechanical"), ("analgesic_step", "analgesia_failure")]),
        (
            _("Neurological examination (leave unknown items empty)"),
            [
                ("frankel", "sensory_level", "sphincter_disturbance"),
                ("motor_deficit_onset", "ambulatory_status"),
            ],
        ),
        (
            _("Before a percutaneous procedure"),
            [("active_infection_or_sepsis", "uncontrolled_coagulopathy")],
        ),
        (_("Prognosis and fitness"), [("life_expectancy_months", "asa"), "dental_exam"]),
        (_("Notes"), ["notes"]),
    ]

    class Meta:
        model = m.ClinicalAssessment
        fields = [
            "date",
            "disease_status",
            "ecog",
            "karnofsky",
            "weight_kg",
            "height_cm",
            "pain_nrs",
            "pain_mechanical",
            "analgesic_step",
            "analgesia_failure",
            "frankel",
            "sensory_level",
            "sphincter_disturbance",
            "ambulatory_status",
            "motor_deficit_onset",
            "active_infection_or_sepsis",
            "uncontrolled_coagulopathy",
            "life_expectancy_months",
            "asa",
            "dental_exam",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "karnofsky": forms.NumberInput(attrs={"step": 10, "min": 10, "max": 100}),
            "ecog": forms.NumberInput(attrs={"min": 0, "max": 4}),
            "pain_nrs": forms.NumberInput(attrs={"min": 0, "max": 10}),
        }


def _mg_dl_hint(typed, converted, *, unit, decimals, message):
    rounded = converted.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return message % {
        "value": formats.localize(typed),
        "converted": formats.number_format(rounded, decimal_pos=decimals),
        "unit": unit,
    }


class LabResultForm(RecordForm):
    """Calcium and creatinine typed in mg/dL (9 for a calcium, 1.2 for a creatinine) are recognised: the
    message beside the field says so and gives the value in the record's unit (scoring.formulas)."""

    # field: (factor from mg/dL, plausible range, decimals shown, unit, message)
    MG_DL_FIELDS = {
        "calcium": (
            formulas.CALCIUM_MMOL_L_PER_MG_DL,
            formulas.CALCIUM_MMOL_L_RANGE,
            2,
            "mmol/L",
            _(
                "%(value)s looks like a value in mg/dL: that is %(converted)s %(unit)s. "
                "Enter the calcium in %(unit)s."
            ),
        ),
        "creatinine": (
            formulas.CREATININE_UMOL_L_PER_MG_DL,
            formulas.CREATININE_UMOL_L_RANGE,
            0,
            "µmol/L",
            _(
                "%(value)s looks like a value in mg/dL: that is %(converted)s %(unit)s. "
                "Enter the creatinine in %(unit)s."
            ),
        ),
    }

    def _post_clean(self):
        super()._post_clean()
        for name, (per_mg_dl, plausible, decimals, unit, message) in self.MG_DL_FIELDS.items():
            try:  # from what was typed: a value refused for its decimals (0.85) is still recognised
                typed = self.fields[name].to_python(self[name].data)
            except ValidationError:
                continue
            converted = None if typed is None else formulas.converted_from_mg_dl(typed, per_mg_dl, plausible)
            if converted is not None:  # instead of "less than or equal to 5": the cause and the remedy
                hint = _mg_dl_hint(typed, converted, unit=unit, decimals=decimals, message=message)
                self._errors.pop(name, None)
                self.add_error(name, ValidationError(hint, code="mg_dl"))

    fieldsets = [
        (_("Sample"), ["date"]),
        (
            _("Calcium and kidney (corrected calcium and clearance are computed)"),
            [("calcium", "albumin", "creatinine")],
        ),
        (_("Vitamin D"), [("vitamin_d", "vitamin_d_deficient")]),
        (_("Bone turnover"), [("alkaline_phosphatase", "ctx", "ntx")]),
        (_("Notes"), ["notes"]),
    ]

    class Meta:
        model = m.LabResult
        fields = [
            "date",
            "calcium",
            "albumin",
            "creatinine",
            "vitamin_d",
            "vitamin_d_deficient",
            "alkaline_phosphatase",
            "ctx",
            "ntx",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ImagingExamForm(RecordForm):
    fieldsets = [(_("Imaging exam"), [("date", "modality"), "conclusion", "new_foci", "notes"])]

    class Meta:
        model = m.ImagingExam
        fields = ["date", "modality", "conclusion", "new_foci", "notes"]
        widgets = {
            "conclusion": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class LesionObservationForm(RecordForm):
    """An exam's observation of a lesion: one of the patient's tracked lesions (offered first), or a
    new lesion given by its site."""

    SITE_FIELDS = ("site", "vertebral_level", "rib_number", "side")
    fieldsets = [
        (_("Lesion"), ["lesion", ("site", "vertebral_level"), ("rib_number", "side")]),
        (
            _("Observation"),
            [
                ("lesion_type", "size_mm"),
                ("cortical_involvement", "soft_tissue_extension", "fracture"),
                ("soft_tissue_predominant",),
            ],
        ),
        (
            _("Spine (vertebral lesions only)"),
            [
                ("collapse", "posterolateral"),
                ("alignment", "bilsky"),
                ("canal_narrowing_over_25_percent", "tumour_cord_distance_mm", "cord_compression"),
            ],
        ),
        (_("Notes"), ["notes"]),
    ]

    class Meta:
        model = m.LesionObservation
        fields = [
            "lesion",
            "lesion_type",
            "size_mm",
            "cortical_involvement",
            "soft_tissue_extension",
            "fracture",
            "soft_tissue_predominant",
            "collapse",
            "posterolateral",
            "alignment",
            "bilsky",
            "canal_narrowing_over_25_percent",
            "tumour_cord_distance_mm",
            "cord_compression",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_lesion = None
        existing = self.instance.lesion_id is not None
        for name in self.SITE_FIELDS:
            field = m.TrackedLesion._meta.get_field(name).formfield(required=False)
            if existing:
                field.disabled = True
                field.initial = getattr(self.instance.lesion, name)
            self.fields[name] = field
        lesion = self.fields["lesion"]
        lesion.required = False
        lesion.empty_label = _("New lesion (give its site below)")
        lesion.help_text = _(
            "The patient's lesions come first: choose one, or give the site of a new lesion below."
        )
        lesion.queryset = m.TrackedLesion.objects.filter(patient_id=self.instance.exam.patient_id)
        lesion.label_from_instance = lambda tracked: tracked.site_label
        lesion.disabled = existing

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lesion") is None and self.instance.lesion_id is None:
            site = {name: cleaned.get(name) for name in self.SITE_FIELDS}
            site["vertebral_level"] = site["vertebral_level"] or ""
            site["side"] = site["side"] or ""
            if not site["site"]:
                self.add_error(
                    "site", _("Choose one of the patient's lesions or give the site of a new one.")
                )
                return cleaned
            tracked = m.TrackedLesion(patient_id=self.instance.exam.patient_id, **site)
            try:
                tracked.full_clean(exclude=["patient"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
                return cleaned
            self.new_lesion = tracked
            self.instance.lesion = tracked  # saved first, by save_parents
        return cleaned

    def save_parents(self, *, user):
        """Create the new tracked lesion before the observation that refers to it."""
        if self.new_lesion is not None:
            self.new_lesion._history_user = user
            self.new_lesion.save()
            self.instance.lesion = self.new_lesion


class LesionPainForm(RecordForm):
    """The pain attributed to one tracked lesion (it prefills that lesion's Mirels and SINS pain)."""

    fieldsets = [(_("Pain of this lesion"), [("pain_nrs", "pain_mechanical", "pain_date")])]

    class Meta:
        model = m.TrackedLesion
        fields = ["pain_nrs", "pain_mechanical", "pain_date"]


class MetastaticSiteForm(RecordForm):
    fieldsets = [(_("Non-bone metastatic site"), [("organ", "resectability", "date"), "notes"])]

    class Meta:
        model = m.MetastaticSite
        fields = ["organ", "resectability", "date", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class TreatmentForm(RecordForm):
    """A treatment and, for a radiotherapy, a surgery or a procedure, the patient's lesions it treats,
    each with its own outcome: one surgery may fix a femur and resect a rib."""

    fieldsets = [
        (_("Treatment"), [("category", "name"), ("start_date", "end_date"), "target"]),
        (_("Systemic or bone-modifying agent"), [("systemic_class", "bone_agent")]),
        (_("Radiotherapy"), [("rt_dose_gy", "rt_fractions"), ("rt_technique", "rt_intent")]),
        (_("Surgery or interventional radiology"), [("surgery_type", "ir_procedure")]),
        # (_("Lesions treated"), one row per lesion), added in __init__
        (_("Notes"), ["notes"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .facts import order_and_label

        # Only this patient's lesions have a control: another patient's lesion cannot be posted.
        self.treatable = order_and_label(m.TrackedLesion.objects.filter(patient_id=self.instance.patient_id))
        links = (
            {link.lesion_id: link for link in self.instance.treated_lesions.all()} if self.instance.pk else {}
        )
        rows = []
        for lesion in self.treatable:
            link = links.get(lesion.pk)
            self.fields[self.ticked_name(lesion)] = forms.BooleanField(
                label=lesion.label, required=False, initial=link is not None
            )
            self.fields[self.outcome_name(lesion)] = forms.ChoiceField(
                label=_("What it did to %(lesion)s") % {"lesion": lesion.label},
                choices=c.LesionOutcome.choices,
                initial=link.outcome if link else c.LesionOutcome.TREATED,
                required=False,
            )
            rows.append((self.ticked_name(lesion), self.outcome_name(lesion)))
        explanation = (
            _(
                "Tick the lesions a radiotherapy, a surgery or a procedure treats. A surgery or a "
                "procedure may leave each one stabilised or resected; a radiotherapy treats it only."
            )
            if rows
            else _("No lesion is recorded for this patient: add an imaging exam and its lesions first.")
        )
        lesions = (
            _("Lesions treated"),
            [HTML(format_html('<p class="form-text">{}</p>', explanation)), *rows],
        )
        self.lay_out([*self.fieldsets[:-1], lesions, self.fieldsets[-1]])

    @staticmethod
    def ticked_name(lesion):
        return f"lesion_{lesion.pk}"

    @staticmethod
    def outcome_name(lesion):
        return f"outcome_{lesion.pk}"

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        self.outcomes = {}  # {lesion: outcome} of the lesions ticked
        for lesion in self.treatable:
            ticked = cleaned.get(self.ticked_name(lesion))
            outcome = cleaned.get(self.outcome_name(lesion)) or c.LesionOutcome.TREATED
            if not ticked:
                if outcome != c.LesionOutcome.TREATED:  # never guess that an untick was a slip
                    self.add_error(
                        self.outcome_name(lesion),
                        _("Tick %(lesion)s to record what the treatment did to it.")
                        % {"lesion": lesion.label},
                    )
                continue
            if category and category not in m.Treatment.LOCAL:
                self.add_error(
                    self.ticked_name(lesion),
                    _("Only a radiotherapy, a surgery or a procedure treats lesions."),
                )
            elif category and outcome != c.LesionOutcome.TREATED and category not in m.Treatment.WITH_OUTCOME:
                self.add_error(
                    self.outcome_name(lesion),
                    _("Only a surgery or a procedure stabilises or resects a lesion."),
                )
            self.outcomes[lesion] = outcome
        return cleaned

    def save_links(self, *, user):
        """Link the saved treatment to the lesions ticked, each with its outcome
        (patients.services.link_treated_lesions), in the transaction of the treatment's save."""
        from .services import link_treated_lesions

        link_treated_lesions(
            treatment=self.instance,
            lesions=list(self.outcomes),
            user=user,
            outcomes={lesion.pk: outcome for lesion, outcome in self.outcomes.items()},
        )

    class Meta:
        model = m.Treatment
        fields = [
            "category",
            "name",
            "start_date",
            "end_date",
            "target",
            "systemic_class",
            "bone_agent",
            "rt_dose_gy",
            "rt_fractions",
            "rt_technique",
            "rt_intent",
            "surgery_type",
            "ir_procedure",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class SkeletalEventForm(RecordForm):
    fieldsets = [(_("Skeletal-related event"), [("kind", "date"), "notes"])]

    class Meta:
        model = m.SkeletalEvent
        fields = ["kind", "date", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


# Corrections of a tracked lesion (patients.services): each form parses; the service decides and writes.


class CorrectionForm(forms.Form):
    """A form of the lesion correction page: fields laid out from `fieldsets`, and the reason the
    history keeps."""

    fieldsets: list = []
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=100,  # patients.services.REASON_MAX_LENGTH: the history's column
        help_text=_("Kept in the history of changes, 100 characters at most."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form has its token
        self.helper.layout = Layout(*[RecordForm._fieldset(legend, rows) for legend, rows in self.fieldsets])

    def add_service_errors(self, error: ValidationError):
        """Show a service's ValidationError beside the fields it names (else at the top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class LesionSiteForm(CorrectionForm):
    """Where the lesion is (the skeletal taxonomy) and where it stands, corrected by hand."""

    SITE_FIELDS = ("site", "vertebral_level", "rib_number", "side")
    fieldsets = [
        (_("Site"), [("site", "vertebral_level"), ("rib_number", "side")]),
        (_("Status"), ["status"]),
        (_("Reason"), ["reason"]),
    ]

    def __init__(self, *args, lesion, **kwargs):
        super().__init__(*args, **kwargs)
        self.lesion = lesion
        for name in (*self.SITE_FIELDS, "status"):
            field = m.TrackedLesion._meta.get_field(name).formfield()
            field.initial = getattr(lesion, name)
            self.fields[name] = field
        self.fields["status"].help_text = _(
            "Set by hand only to correct the record: a surgery or a procedure sets it on its form."
        )
        self.order_fields([*self.SITE_FIELDS, "status", "reason"])

    def clean(self):
        cleaned = super().clean()
        names = (*self.SITE_FIELDS, "status")
        if not self.errors and all(
            (cleaned.get(name) or None) == (getattr(self.lesion, name) or None) for name in names
        ):
            raise ValidationError(_("Nothing to correct: change the site or the status."))
        return cleaned


class LesionMergeForm(CorrectionForm):
    """Another lesion of the patient found to be this one: it is merged into this one."""

    fieldsets = [(_("Duplicate"), ["absorbed", "same_lesion", "reason"])]

    absorbed = forms.TypedChoiceField(label=_("Lesion to merge into this one"), coerce=int)
    same_lesion = forms.BooleanField(label=_("It is the same lesion as this one"))

    def __init__(self, *args, lesion, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.others = {other.pk: other for other in others}
        absorbed = self.fields["absorbed"]
        absorbed.choices = [("", "---------"), *[(other.pk, other.label) for other in others]]
        absorbed.help_text = _(
            "Its observations, treatments and saved scores move to %(lesion)s; it is then deleted. "
            "%(lesion)s keeps its site."
        ) % {"lesion": lesion.label}
        self.order_fields(["absorbed", "same_lesion", "reason"])

    def clean_absorbed(self):
        return self.others[self.cleaned_data["absorbed"]]


class ObservationMoveForm(CorrectionForm):
    """An exam's observation filed under this lesion that belongs to another lesion of the patient."""

    fieldsets = [(_("Move an observation"), [("observation", "lesion"), "reason"])]

    observation = forms.TypedChoiceField(label=_("Observation"), coerce=int)
    lesion = forms.TypedChoiceField(label=_("File it under the lesion"), coerce=int)

    def __init__(self, *args, observations, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.observations = {observation.pk: observation for observation in observations}
        self.others = {other.pk: other for other in others}
        self.fields["observation"].choices = [
            ("", "---------"),
            *[(o.pk, f"{o.exam} — {o.get_lesion_type_display()}") for o in observations],
        ]
        self.fields["lesion"].choices = [("", "---------"), *[(other.pk, other.label) for other in others]]
        self.order_fields(["observation", "lesion", "reason"])

    def clean_observation(self):
        return self.observations[self.cleaned_data["observation"]]

    def clean_lesion(self):
        return self.others[self.cleaned_data["lesion"]]
