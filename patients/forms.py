"""Forms of the patient record: crispy layouts in fieldsets, errors beside each field."""

from decimal import ROUND_HALF_UP, Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
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
        self.helper.layout = Layout(*[self._fieldset(legend, rows) for legend, rows in self.fieldsets])

    @staticmethod
    def _fieldset(legend, rows):
        parts = []
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
    fieldsets = [
        (_("Treatment"), [("category", "name"), ("start_date", "end_date"), "target"]),
        (_("Systemic or bone-modifying agent"), [("systemic_class", "bone_agent")]),
        (_("Radiotherapy"), [("rt_dose_gy", "rt_fractions"), ("rt_technique", "rt_intent")]),
        (_("Surgery or interventional radiology"), [("surgery_type", "ir_procedure")]),
        (_("Lesions treated"), [("treated_lesions", "outcome")]),
        (_("Notes"), ["notes"]),
    ]

    treated_lesions = forms.ModelMultipleChoiceField(
        label=_("lesions treated"),
        queryset=m.TrackedLesion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Radiotherapy, surgery or interventional radiology: the patient's lesions it treats."),
    )
    outcome = forms.ChoiceField(
        label=_("outcome for these lesions"),
        choices=c.LesionOutcome.choices,
        initial=c.LesionOutcome.TREATED,
        required=False,
        help_text=_("Surgery or interventional radiology: whether it left them stabilised or resected."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lesions = self.fields["treated_lesions"]
        lesions.queryset = m.TrackedLesion.objects.filter(patient_id=self.instance.patient_id)
        lesions.label_from_instance = lambda tracked: tracked.site_label
        if self.instance.pk:
            links = list(self.instance.treated_lesions.all())
            lesions.initial = [link.lesion_id for link in links]
            outcomes = {link.outcome for link in links}
            if len(outcomes) == 1:
                self.fields["outcome"].initial = outcomes.pop()

    def clean(self):
        cleaned = super().clean()
        category, lesions = cleaned.get("category"), cleaned.get("treated_lesions")
        outcome = cleaned.get("outcome") or c.LesionOutcome.TREATED
        cleaned["outcome"] = outcome
        if lesions and category not in m.Treatment.LOCAL:
            self.add_error(
                "treated_lesions", _("Only a radiotherapy, a surgery or a procedure treats lesions.")
            )
        if outcome != c.LesionOutcome.TREATED:
            if category not in m.Treatment.WITH_OUTCOME:
                self.add_error("outcome", _("Only a surgery or a procedure stabilises or resects a lesion."))
            elif not lesions:
                self.add_error("outcome", _("Choose the lesions it stabilised or resected."))
        return cleaned

    def save_links(self, *, user):
        """Link the saved treatment to the lesions chosen (patients.services.link_treated_lesions)."""
        from .services import link_treated_lesions

        lesions = list(self.cleaned_data.get("treated_lesions") or [])
        outcome = self.cleaned_data.get("outcome") or c.LesionOutcome.TREATED
        link_treated_lesions(
            treatment=self.instance,
            lesions=lesions,
            user=user,
            outcomes={lesion.pk: outcome for lesion in lesions},
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
