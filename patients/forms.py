"""Forms of the patient record: crispy layouts in fieldsets, errors beside each field."""

from decimal import ROUND_HALF_UP, Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from scoring import formulas

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
        (_("Performance status (give one scale)"), [("ecog", "karnofsky")]),
        (_("Body"), [("weight_kg", "height_cm")]),
        (_("Pain"), [("pain_nrs", "pain_mechanical"), ("analgesic_step", "analgesia_failure")]),
        (_("Neurology"), [("frankel", "ambulatory_status", "motor_deficit_onset")]),
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
            "ambulatory_status",
            "motor_deficit_onset",
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


class BoneLesionForm(RecordForm):
    fieldsets = [
        (_("Site"), [("site", "vertebral_level"), ("rib_number", "side")]),
        (
            _("Lesion"),
            [("lesion_type", "size_mm"), ("cortical_involvement", "soft_tissue_extension", "fracture")],
        ),
        (_("Spine (vertebral lesions only)"), [("collapse", "posterolateral"), ("alignment", "bilsky")]),
        (_("Notes"), ["notes"]),
    ]

    class Meta:
        model = m.BoneLesion
        fields = [
            "site",
            "vertebral_level",
            "rib_number",
            "side",
            "lesion_type",
            "size_mm",
            "cortical_involvement",
            "soft_tissue_extension",
            "fracture",
            "collapse",
            "posterolateral",
            "alignment",
            "bilsky",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


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
        (_("Notes"), ["notes"]),
    ]

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
