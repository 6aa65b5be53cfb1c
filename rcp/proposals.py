"""The proposal lines of a decision: the one place that lists their kinds, the fields of each kind (one
small form per kind, whose cleaned data is a line's `details`), their choices, labels, and the words the
minute prints (`describe`).

A line is one proposal of one kind ("SBRT 27 Gy in 3 fractions on T8"), linked to the tracked lesions it
concerns when its kind has a site. Decisions recorded before the lines existed hold their proposals as
one JSON dict (`Decision.proposals`, at most one of each kind, the site as free text): `legacy_lines`
reads it into the same plain rows, so old drafts and old snapshots keep printing.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from patients.summary import zoledronic_acid
from scoring import thresholds as th

HYPERCALCAEMIA = {"CA-HIGH", "CA-CRISIS"}  # corrected calcium > 2.60 mmol/L (rules.md)


class Kind(models.TextChoices):
    RADIOTHERAPY = "radiotherapy", _("Radiotherapy")
    RADIONUCLIDE = "radionuclide", _("Metabolic radiotherapy")
    SURGERY = "surgery", _("Surgery")
    INTERVENTIONAL = "interventional", _("Interventional radiology")
    BMA = "bma", _("Bone-modifying agent")
    CORTICOSTEROIDS = "corticosteroids", _("Corticosteroids (cord compression)")
    ANALGESIA = "analgesia", _("Analgesia")
    SYSTEMIC = "systemic", _("Systemic treatment")
    EXAMS = "exams", _("Examination")
    SUPPORTIVE = "supportive", _("Supportive care")
    SURVEILLANCE = "surveillance", _("Surveillance")


# --- what a line is checked against -----------------------------------------------------------------


@dataclass
class Context:
    """What the forms check a line against: the patient's tracked lesions (ordered and labelled, from the
    loaded record), the record's facts and the guideline's findings. No query."""

    lesions: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)

    @property
    def rules(self) -> set:
        return {finding.rule for finding in self.findings}

    @property
    def zoledronic_dose(self):
        """The record's zoledronic acid dose (patients.summary.zoledronic_acid), or None without clearance."""
        clearance = self.facts.get("creatinine_clearance")
        return zoledronic_acid(None if clearance is None else float(clearance))

    @classmethod
    def of(cls, record) -> "Context":
        return cls(lesions=list(record.lesions), facts=record.facts, findings=record.findings)


def previous_courses(lesion) -> list:
    """The radiotherapy courses recorded on a lesion (from the record's prefetched links), oldest first."""
    courses = [
        link.treatment for link in lesion.treated_by.all() if link.treatment.category == "radiotherapy"
    ]
    return sorted(courses, key=lambda t: (t.start_date, t.pk))


def _course_text(lesion, course) -> str:
    return gettext("%(lesion)s: %(course)s on %(date)s") % {
        "lesion": lesion.label,
        "course": course.summary,
        "date": course.start_date.strftime("%d/%m/%Y"),
    }


# --- one form per kind --------------------------------------------------------------------------------


class DetailsForm(forms.Form):
    """The fields of one kind; `context` is what it is checked against. `lesions` is added for the kinds
    with a site, as choices of this patient's lesions only."""

    lesions_required = None  # None: no site; False: optional; True: at least one
    note = forms.CharField(
        label=_("Comment on this line"),
        required=False,
        max_length=300,
        help_text=_("Printed with the line; the decision's free text stays a comment on the whole."),
    )

    def __init__(self, *args, context: Context, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context
        if self.lesions_required is not None:
            self.fields["lesions"] = forms.TypedMultipleChoiceField(
                label=_("Lesions concerned"),
                choices=[(lesion.pk, lesion.label) for lesion in context.lesions],
                coerce=int,
                required=self.lesions_required,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Choose the lesions this line concerns.")},
            )
            self.order_fields(["lesions"])

    def chosen_lesions(self) -> list:
        chosen = set(self.cleaned_data.get("lesions") or [])
        return [lesion for lesion in self.context.lesions if lesion.pk in chosen]

    def details(self) -> dict:
        """The line's details: the cleaned fields as plain JSON values, empty ones left out."""
        details = {}
        for name, value in self.cleaned_data.items():
            if name == "lesions" or value in (None, "", [], False):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif hasattr(value, "as_tuple"):  # Decimal
                value = float(value)
            details[name] = value
        return details


def _choice(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices], **kwargs)


# Radiotherapy schedules: (code, label, total dose Gy, fractions, stereotactic).
RT_SCHEDULES = [
    ("8x1", _("8 Gy in 1 fraction"), 8, 1, False),
    ("12x1", _("12 Gy in 1 fraction"), 12, 1, True),
    ("16x1", _("16 Gy in 1 fraction"), 16, 1, True),
    ("20x5", _("20 Gy in 5 fractions"), 20, 5, False),
    ("24x6", _("24 Gy in 6 fractions"), 24, 6, False),
    ("30x10", _("30 Gy in 10 fractions"), 30, 10, False),
    ("sbrt_24x2", _("SBRT 24 Gy in 2 fractions"), 24, 2, True),
    ("sbrt_27x3", _("SBRT 27 Gy in 3 fractions"), 27, 3, True),
    ("sbrt_30x3", _("SBRT 30 Gy in 3 fractions"), 30, 3, True),
    ("sbrt_35x5", _("SBRT 35 Gy in 5 fractions"), 35, 5, True),
    ("other", _("Other (give the dose and fractions)"), None, None, False),
]
SCHEDULES = {code: (dose, fractions, sbrt) for code, _label, dose, fractions, sbrt in RT_SCHEDULES}


class RadiotherapyForm(DetailsForm):
    lesions_required = True
    intent = _choice(
        _("Intent"),
        [
            ("analgesic", _("Analgesic")),
            ("decompressive", _("Decompressive")),
            ("postoperative", _("Post-operative")),
            ("ablative", _("Ablative")),
        ],
    )
    technique = _choice(
        _("Technique"),
        [("3d", _("3D conformal")), ("imrt", _("IMRT / VMAT")), ("sbrt", _("Stereotactic (SBRT)"))],
    )
    schedule = _choice(_("Schedule"), [(code, label) for code, label, *_rest in RT_SCHEDULES])
    dose_gy = forms.DecimalField(
        label=_("Total dose (Gy)"), required=False, max_digits=4, decimal_places=1, min_value=0
    )
    fractions = forms.IntegerField(label=_("Fractions"), required=False, min_value=0)
    confirmed = forms.BooleanField(
        label=_("The board confirms stereotactic radiotherapy despite the contraindication"), required=False
    )

    def clean(self):
        data = super().clean()
        dose, fractions, sbrt = SCHEDULES.get(data.get("schedule") or "", (None, None, False))
        if dose is not None:
            data["dose_gy"], data["fractions"] = dose, fractions
            if sbrt and data.get("schedule", "").startswith("sbrt_"):
                data["technique"] = "sbrt"
        elif data.get("schedule") == "other":
            for name in ("dose_gy", "fractions"):
                if data.get(name) is None:
                    self.add_error(name, _("Give the total dose and the number of fractions."))
        dose, fractions = data.get("dose_gy"), data.get("fractions")
        low, high = th.RT_PROPOSAL_DOSE_GY
        if dose is not None and not low <= dose <= high:
            self.add_error(
                "dose_gy", _("A total dose from %(low)s to %(high)s Gy.") % {"low": low, "high": high}
            )
        low_f, high_f = th.RT_PROPOSAL_FRACTIONS
        if fractions is not None and not low_f <= fractions <= high_f:
            self.add_error(
                "fractions", _("From %(low)s to %(high)s fractions.") % {"low": low_f, "high": high_f}
            )
        elif dose is not None and fractions:
            per = float(dose) / fractions
            low_p, high_p = th.RT_PROPOSAL_DOSE_PER_FRACTION_GY
            if not low_p <= per <= high_p:
                self.add_error(
                    "fractions",
                    _(
                        "%(per)s Gy per fraction is not a plausible schedule (from %(low)s to %(high)s Gy "
                        "per fraction)."
                    )
                    % {"per": number_format(round(per, 2)), "low": low_p, "high": high_p},
                )
        contraindicated = "SBRT-CONTRAINDICATED" in self.context.rules
        if data.get("technique") == "sbrt" and contraindicated and not data.get("confirmed"):
            self.add_error(
                "technique",
                _(
                    "Stereotactic radiotherapy is contraindicated here (see the findings): choose another "
                    "technique, or tick the board's confirmation."
                ),
            )
        if data.get("technique") != "sbrt" or not contraindicated:
            data["confirmed"] = False
        return data

    def details(self) -> dict:
        details = super().details()
        previous = [
            _course_text(lesion, course)
            for lesion in self.chosen_lesions()
            for course in previous_courses(lesion)
        ]
        if previous:  # re-irradiation: the lesion was irradiated before (the minute says so, with the course)
            details["reirradiation"] = True
            details["previous"] = previous
        return details


class RadionuclideForm(DetailsForm):
    agent = forms.CharField(label=_("Radiopharmaceutical"), max_length=120, help_text=_("E.g. samarium-153."))


SURGERY_PROCEDURES = [
    ("decompression", _("Decompression")),
    ("stabilisation", _("Stabilisation")),
    ("nail", _("Osteosynthesis by nail")),
    ("plate", _("Osteosynthesis by plate")),
    ("curettage_cementation", _("Curettage–cementation")),
    ("arthroplasty", _("Arthroplasty")),
    ("endoprosthesis", _("Endoprosthesis")),
    ("resection_en_bloc", _("Resection en bloc")),
    ("resection_intralesional", _("Intralesional resection")),
    ("cement_augmented_screws", _("Cement-augmented screws")),
]


class SurgeryForm(DetailsForm):
    lesions_required = True
    procedures = forms.MultipleChoiceField(
        label=_("Procedures"),
        choices=SURGERY_PROCEDURES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Several may be combined (decompression and stabilisation). Arthroplasty or endoprosthesis: "
            "only if the life expectancy is over 6 months (§3.7.2)."
        ),
    )
    aim = _choice(
        _("Osteosynthesis"),
        [("prophylactic", _("Prophylactic")), ("curative", _("Curative (fracture)"))],
        required=False,
    )

    def clean(self):
        data = super().clean()
        chosen = set(data.get("procedures") or [])
        if {"resection_en_bloc", "resection_intralesional"} <= chosen:
            self.add_error("procedures", _("A resection is either en bloc or intralesional."))
        if data.get("aim") and not chosen & {"nail", "plate"}:
            self.add_error(
                "aim", _("Prophylactic or curative applies to an osteosynthesis by nail or plate.")
            )
        return data


IR_PROCEDURES = [
    ("vertebroplasty", _("Vertebroplasty")),
    ("kyphoplasty", _("Kyphoplasty")),
    ("cementoplasty", _("Cementoplasty (other sites)")),
    ("radiofrequency", _("Radiofrequency ablation")),
    ("cryoablation", _("Cryoablation")),
    ("microwave", _("Microwave ablation")),
    ("percutaneous_screw_fixation", _("Percutaneous screw fixation")),
    ("embolisation", _("Pre-operative embolisation")),
]
CEMENTING = {"vertebroplasty", "kyphoplasty", "cementoplasty"}
ABLATING = {"radiofrequency", "cryoablation", "microwave", "thermal_ablation"}  # the last: before lines


class InterventionalForm(DetailsForm):
    lesions_required = True
    procedure = _choice(
        _("Procedure"), IR_PROCEDURES, help_text=_("Kyphoplasty is rarely indicated (§3.6.1).")
    )
    with_implant = forms.BooleanField(label=_("With an implant (vertebroplasty)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("with_implant") and data.get("procedure") != "vertebroplasty":
            self.add_error("with_implant", _("An implant applies to a vertebroplasty."))
        return data


BMA_DRUGS = [("zoledronic_acid", _("Zoledronic acid")), ("denosumab", _("Denosumab"))]
DENOSUMAB_DOSE_MG = 120


class BMAForm(DetailsForm):
    action = forms.ChoiceField(
        label=_("Proposal"),
        choices=[
            ("start", pgettext_lazy("bone-modifying agent", "Start")),
            ("continue", pgettext_lazy("bone-modifying agent", "Continue")),
            ("hold", pgettext_lazy("bone-modifying agent", "Hold")),
            ("stop", pgettext_lazy("bone-modifying agent", "Stop")),
        ],
        initial="start",
    )
    drug = _choice(_("Drug"), BMA_DRUGS)
    dose_mg = forms.DecimalField(
        label=_("Dose (mg)"), required=False, max_digits=5, decimal_places=1, min_value=0.1, max_value=200
    )
    dose_reason = forms.CharField(
        label=_("Why another dose than the one computed"), required=False, max_length=200
    )
    interval_weeks = forms.TypedChoiceField(
        label=_("Interval"),
        choices=[("", "—"), (4, _("Every 4 weeks")), (12, _("Every 12 weeks"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    duration_months = forms.IntegerField(
        label=_("Planned duration (months)"), required=False, min_value=1, max_value=120
    )
    calcium_vitamin_d = forms.BooleanField(label=_("With calcium and vitamin D"), required=False)
    dental_first = forms.BooleanField(label=_("Dental evaluation first"), required=False)
    stop_reason = forms.CharField(label=_("Reason to hold or stop"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dose = self.context.zoledronic_dose
        if dose is None:
            help_text = _(
                "No creatinine clearance in the record: the zoledronic acid dose cannot be computed."
            )
        elif dose["dose_mg"] is None:
            help_text = _(
                "Clearance %(clearance)s mL/min: zoledronic acid is not recommended; prefer denosumab."
            )
        else:
            help_text = _(
                "Clearance %(clearance)s mL/min: zoledronic acid %(dose)s mg (product label); denosumab "
                "120 mg. Left empty, the dose is the computed one."
            )
        values = (
            {
                "clearance": number_format(dose["clearance_ml_min"], 1),
                "dose": number_format(dose["dose_mg"] or 0, 1),
            }
            if dose
            else {}
        )
        self.fields["dose_mg"].help_text = help_text % values if values else help_text
        if "CA-HIGH" in self.context.rules or "CA-CRISIS" in self.context.rules:
            self.fields["calcium_vitamin_d"].help_text = _("Never with hypercalcaemia.")

    def computed_dose(self, drug):
        if drug == "denosumab":
            return DENOSUMAB_DOSE_MG
        dose = self.context.zoledronic_dose
        return dose["dose_mg"] if dose else None

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("hold", "stop"):
            if not data.get("stop_reason"):
                self.add_error("stop_reason", _("Say why the agent is held or stopped."))
            for name in ("dose_mg", "dose_reason", "interval_weeks", "duration_months", "calcium_vitamin_d"):
                data[name] = None
            return data
        data["stop_reason"] = ""
        drug = data.get("drug")
        if not drug:
            self.add_error("drug", _("Choose the drug."))
            return data
        computed = self.computed_dose(drug)
        if data.get("dose_mg") is None and computed is not None:
            data["dose_mg"] = computed
        elif data.get("dose_mg") is None:
            self.add_error("dose_mg", _("Give the dose: it cannot be computed without a clearance."))
        elif (
            computed is not None and float(data["dose_mg"]) != float(computed) and not data.get("dose_reason")
        ):
            self.add_error(
                "dose_reason",
                _("The dose computed is %(dose)s mg: give the reason for another dose.")
                % {"dose": number_format(computed, 1)},
            )
        if (
            computed is not None
            and data.get("dose_mg") is not None
            and float(data["dose_mg"]) == float(computed)
        ):
            data["dose_reason"] = ""
        if data.get("interval_weeks") is None:
            self.add_error("interval_weeks", _("Choose the interval."))
        if data.get("calcium_vitamin_d") and self.context.rules & HYPERCALCAEMIA:
            self.add_error(
                "calcium_vitamin_d",
                _("No calcium or vitamin D while the patient is hypercalcaemic (rules.md)."),
            )
        return data


class CorticosteroidsForm(DetailsForm):
    drug = _choice(
        _("Drug"),
        [("dexamethasone", _("Dexamethasone")), ("methylprednisolone", _("Methylprednisolone"))],
    )
    dose_mg = forms.DecimalField(
        label=_("Daily dose (mg)"), max_digits=5, decimal_places=1, min_value=0.5, max_value=1000
    )
    start = forms.DateField(
        label=_("Start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: at once."),
    )


class AnalgesiaForm(DetailsForm):
    who_step = forms.TypedChoiceField(
        label=_("WHO step"),
        choices=[("", "—"), (1, _("Step 1")), (2, _("Step 2")), (3, _("Step 3"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opioid_rotation = forms.BooleanField(label=_("Opioid rotation"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("who_step") and not data.get("opioid_rotation") and not data.get("note"):
            self.add_error("who_step", _("Give the WHO step, an opioid rotation or a comment."))
        return data


class SystemicForm(DetailsForm):
    line = forms.IntegerField(label=_("Line"), required=False, min_value=1, max_value=15)
    regimen = forms.CharField(label=_("Regimen"), max_length=200)


EXAMS = [
    ("xray_mirels", _("X-ray (Mirels)")),
    ("targeted_mri", _("Targeted MRI")),
    ("spine_mri", _("Whole-spine MRI")),
    ("ct", _("CT")),
    ("fdg_pet", _("FDG-PET/CT")),
    ("bone_scan", _("Bone scan")),
    ("angio_ct", _("Angio-CT")),
    ("biopsy", _("Biopsy")),
    ("dental", _("Dental evaluation with panoramic X-ray")),
]


class ExamsForm(DetailsForm):
    lesions_required = False
    exam = _choice(_("Examination"), EXAMS)


class SupportiveForm(DetailsForm):
    def clean(self):
        data = super().clean()
        if not data.get("note"):
            self.add_error("note", _("Say which supportive care."))
        return data


class SurveillanceForm(DetailsForm):
    represent_on = forms.DateField(
        label=_("Present again on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


FORMS = {
    Kind.RADIOTHERAPY: RadiotherapyForm,
    Kind.RADIONUCLIDE: RadionuclideForm,
    Kind.SURGERY: SurgeryForm,
    Kind.INTERVENTIONAL: InterventionalForm,
    Kind.BMA: BMAForm,
    Kind.CORTICOSTEROIDS: CorticosteroidsForm,
    Kind.ANALGESIA: AnalgesiaForm,
    Kind.SYSTEMIC: SystemicForm,
    Kind.EXAMS: ExamsForm,
    Kind.SUPPORTIVE: SupportiveForm,
    Kind.SURVEILLANCE: SurveillanceForm,
}
WITH_SITE = {kind for kind, form in FORMS.items() if form.lesions_required is not None}


def details_form(kind, data=None, *, context, initial=None, prefix="line"):
    """The form of a line of `kind` (its `kind` attribute says which)."""
    form = FORMS[kind](data, context=context, initial=initial, prefix=prefix)
    form.kind = kind
    return form


def initial_of(line) -> dict:
    """A saved line as the initial data of its form."""
    return {**line.details, "lesions": [lesion.pk for lesion in line.lesions.all()]}


# --- rows and words -------------------------------------------------------------------------------


# Codes of the proposals recorded before lines existed that no form offers any more.
LEGACY_LABELS = {"thermal_ablation": _("Thermal ablation"), "other": _("Other")}


def _labels(kind, name) -> dict:
    form_field = FORMS[kind].base_fields.get(name)
    return {**LEGACY_LABELS, **{str(value): label for value, label in getattr(form_field, "choices", [])}}


def _label(kind, name, value) -> str:
    return str(_labels(kind, name).get(str(value), value))


def _number(value) -> str:
    """8 and 3.5 as the language writes them ("8", "3,5"), never "8.0"."""
    value = float(value)
    return number_format(value, 0 if value.is_integer() else 1)


def describe(row: dict) -> str:
    """A line in words, for the minute and the pages: kind, lesions, then its details."""
    kind, d = row["kind"], row["details"]
    if kind not in FORMS:  # a kind of a future version, read by an older one: its code
        return str(kind)
    parts = []
    if kind == Kind.RADIOTHERAPY:
        if d.get("dose_gy") is not None and d.get("fractions"):
            parts.append(
                gettext("%(dose)s Gy in %(n)s fractions")
                % {"dose": _number(d["dose_gy"]), "n": d["fractions"]}
                if d["fractions"] > 1
                else gettext("%(dose)s Gy in 1 fraction") % {"dose": _number(d["dose_gy"])}
            )
        parts += [_label(kind, name, d[name]) for name in ("technique", "intent") if d.get(name)]
        if d.get("reirradiation"):
            parts.append(
                gettext("re-irradiation (before: %(courses)s)") % {"courses": "; ".join(d["previous"])}
            )
        if d.get("confirmed"):
            parts.append(gettext("contraindication confirmed by the board"))
    elif kind == Kind.SURGERY:
        parts.append(" + ".join(_label(kind, "procedures", p) for p in d.get("procedures", [])))
        if d.get("aim"):
            parts.append(_label(kind, "aim", d["aim"]).lower())
    elif kind == Kind.INTERVENTIONAL:
        parts.append(_label(kind, "procedure", d.get("procedure", "")))
        if d.get("with_implant"):
            parts.append(gettext("with an implant"))
    elif kind == Kind.BMA:
        parts.append(_label(kind, "action", d.get("action", "start")))
        if d.get("drug"):
            parts.append(_label(kind, "drug", d["drug"]))
        if d.get("dose_mg") is not None:
            parts.append(gettext("%(dose)s mg") % {"dose": _number(d["dose_mg"])})
        if d.get("dose_reason"):
            parts.append(gettext("dose chosen: %(reason)s") % {"reason": d["dose_reason"]})
        if d.get("interval_weeks"):
            parts.append(gettext("every %(n)s weeks") % {"n": d["interval_weeks"]})
        if d.get("duration_months"):
            parts.append(gettext("for %(n)s months") % {"n": d["duration_months"]})
        if d.get("calcium_vitamin_d"):
            parts.append(gettext("with calcium and vitamin D"))
        if d.get("dental_first"):
            parts.append(gettext("dental evaluation first"))
        if d.get("stop_reason"):
            parts.append(gettext("reason: %(reason)s") % {"reason": d["stop_reason"]})
    elif kind == Kind.CORTICOSTEROIDS:
        parts.append(_label(kind, "drug", d.get("drug", "")))
        if d.get("dose_mg") is not None:
            parts.append(gettext("%(dose)s mg a day") % {"dose": _number(d["dose_mg"])})
        start = d.get("start")
        parts.append(
            gettext("from %(date)s") % {"date": datetime.date.fromisoformat(start).strftime("%d/%m/%Y")}
            if start
            else gettext("at once")
        )
    elif kind == Kind.ANALGESIA:
        if d.get("who_step"):
            parts.append(gettext("WHO step %(n)s") % {"n": d["who_step"]})
        if d.get("opioid_rotation"):
            parts.append(gettext("opioid rotation"))
    elif kind == Kind.SYSTEMIC:
        if d.get("line"):
            parts.append(gettext("line %(n)s") % {"n": d["line"]})
        parts.append(d.get("regimen", ""))
    elif kind == Kind.EXAMS:
        parts.append(_label(kind, "exam", d.get("exam", "")))
    elif kind == Kind.RADIONUCLIDE:
        parts.append(d.get("agent", ""))
    elif kind == Kind.SURVEILLANCE and d.get("represent_on"):
        date = datetime.date.fromisoformat(d["represent_on"]).strftime("%d/%m/%Y")
        parts.append(gettext("present again on %(date)s") % {"date": date})
    if row.get("legacy_site"):
        parts.insert(0, row["legacy_site"])
    if d.get("note"):
        parts.append(d["note"])
    text = gettext("; ").join(str(part) for part in parts if part)
    label = Kind(kind).label
    if row.get("lesions"):
        label = gettext("%(kind)s — %(lesions)s") % {"kind": label, "lesions": ", ".join(row["lesions"])}
    return gettext("%(label)s: %(details)s") % {"label": label, "details": text} if text else str(label)


def line_row(line, labels: dict) -> dict:
    """A saved line as plain data (what conformity reads and the minute freezes). `labels`: {lesion pk:
    the board's label} from the loaded record."""
    lesions = list(line.lesions.all())
    return {
        "pk": line.pk,
        "kind": line.kind,
        "lesions": [labels.get(lesion.pk) or lesion.site_label for lesion in lesions],
        "lesion_ids": [lesion.pk for lesion in lesions],
        "details": line.details,
    }


def decision_rows(decision, lesions=()) -> list[dict]:
    """The proposal lines of a decision as plain rows, each with its words: the saved lines (with their
    lesions, prefetched here unless the caller did), then any proposals of the JSON recorded before
    lines existed."""
    labels = {lesion.pk: lesion.label for lesion in lesions}
    rows = []
    if decision.pk:
        if "lines" not in getattr(decision, "_prefetched_objects_cache", {}):
            prefetch_related_objects([decision], "lines__lesions")  # two queries, once per decision
        rows = [line_row(line, labels) for line in decision.lines.all()]
    rows += legacy_lines(decision.proposals)
    for row in rows:
        row["text"] = describe(row)
    return rows


# --- the proposals recorded before lines existed --------------------------------------------------

LEGACY_SCHEMES = {"8x1": (8, 1), "20x5": (20, 5), "24x6": (24, 6), "30x10": (30, 10)}
LEGACY_SURGERY = {
    "decompression": "decompression",
    "stabilisation": "stabilisation",
    "arthroplasty": "arthroplasty",
    "resection_reconstruction": "resection_en_bloc",
}
# The order the minute printed them in, and the examinations they offered.
LEGACY_ORDER = (
    "radiotherapy",
    "surgery",
    "interventional",
    "bma",
    "systemic",
    "analgesia",
    "exams",
    "surveillance",
)
LEGACY_EXAMS = [
    ("spine_mri", _("Whole-spine MRI")),
    ("biopsy", _("Biopsy")),
    ("fdg_pet", _("FDG-PET/CT")),
    ("ct", _("CT")),
    ("bone_scan", _("Bone scan")),
    ("dental", _("Dental evaluation with panoramic X-ray")),
    ("other", _("Other")),
]


def legacy_lines(proposals) -> list[dict]:
    """The JSON proposals of a decision recorded before lines existed ({kind: {detail: value}}), as rows
    like the lines' (no lesion: the site was free text, kept as `legacy_site`)."""
    rows = []
    rank = {key: position for position, key in enumerate(LEGACY_ORDER)}
    # In the order the minute printed them (jsonb, on PostgreSQL, keeps the keys in an order of its own).
    for key, values in sorted((proposals or {}).items(), key=lambda item: rank.get(item[0], len(rank))):
        values = values or {}
        details, site = {}, values.get("site", "")
        if key == "radiotherapy":
            scheme = values.get("scheme")
            if scheme in LEGACY_SCHEMES:
                details["dose_gy"], details["fractions"] = LEGACY_SCHEMES[scheme]
            elif scheme == "sbrt":
                details["technique"] = "sbrt"
        elif key == "surgery":
            kind_of = values.get("type")
            if kind_of in ("prophylactic_fixation", "osteosynthesis"):
                details["procedures"] = ["nail"]  # a fixation: the device was not recorded
                details["aim"] = "prophylactic" if kind_of == "prophylactic_fixation" else "curative"
                details["note"] = str(dict(_legacy_surgery_labels()).get(kind_of, kind_of))
            elif kind_of:
                details["procedures"] = [LEGACY_SURGERY.get(kind_of, kind_of)]
        elif key == "interventional":
            if values.get("procedure"):
                details["procedure"] = values["procedure"]
        elif key == "bma":
            if values.get("agent"):
                details["action"], details["drug"] = "start", values["agent"]
            if values.get("supplements") == "calcium_vitamin_d":
                details["calcium_vitamin_d"] = True
        elif key in ("systemic", "analgesia"):
            if values.get("text"):
                details["regimen" if key == "systemic" else "note"] = values["text"]
        elif key == "exams":
            for exam in values.get("which") or []:
                note = {"note": values["text"]} if values.get("text") else {}
                rows.append(
                    {"kind": "exams", "lesions": [], "lesion_ids": [], "details": {"exam": exam, **note}}
                )
            if not values.get("which") and values.get("text"):
                rows.append(
                    {"kind": "exams", "lesions": [], "lesion_ids": [], "details": {"note": values["text"]}}
                )
            continue
        rows.append({"kind": key, "lesions": [], "lesion_ids": [], "details": details, "legacy_site": site})
    return rows


def _legacy_surgery_labels():
    from patients.choices import SurgeryType

    return SurgeryType.choices
