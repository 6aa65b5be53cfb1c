"""The patient record: identity, primary tumour, assessments, labs, imaging and lesions, treatments, events.

Derived values (age, stage, corrected calcium, creatinine clearance, scores) are computed from these
facts by `scoring` and never stored twice.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.dispatch import receiver
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from rcp.accounts.scoping import CentreScopedQuerySet, centre_mismatches
from scoring import ScoreInputError, formulas, registry

from . import choices as c
from .choices import ChoiceDisplay
from .collation import FRENCH
from .tnm import stage
from .validators import CLINICAL_DATE, EARLIEST_CLINICAL_DATE, validate_ins


def _range(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


def _decimal_range(low, high):
    return _range(Decimal(str(low)), Decimal(str(high)))


def _from_1900(name, field, *, null=False):
    """A named constraint: the clinical date `field` is not before 1900 (its validators say so first)."""
    condition = Q(**{f"{field}__gte": EARLIEST_CLINICAL_DATE})
    if null:
        condition = Q(**{f"{field}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=f"patients_{name}_from_1900")


class PatientQuerySet(CentreScopedQuerySet):
    def alphabetical(self):
        """By family name then given names, as a French reader sorts them (patients/collation.py)."""
        return self.order_by(Collate("family_name", FRENCH), Collate("given_names", FRENCH), "pk")

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split():
            word_query = (
                Q(family_name__icontains=word)
                | Q(given_names__icontains=word)
                | Q(hospital_id__iexact=word)
                | Q(ins__iexact=word)
            )
            birth = _parse_date(word)
            if birth:
                word_query |= Q(birth_date=birth)
            query &= word_query
        return self.filter(query)


def _parse_date(text: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


class Patient(ChoiceDisplay, models.Model):
    centre = models.ForeignKey(
        "accounts.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="patients"
    )
    hospital_id = models.CharField(
        _("hospital identifier (IPP)"),
        max_length=30,
        help_text=_("The patient's identifier in this centre's information system."),
    )
    ins = models.CharField(
        _("national health identifier (INS)"),
        max_length=15,
        blank=True,
        validators=[validate_ins],
        help_text=_("Optional matricule INS: 15 characters, checked with its key."),
    )
    family_name = models.CharField(_("family name"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150)
    birth_date = models.DateField(_("date of birth"), validators=CLINICAL_DATE)
    sex = models.CharField(
        _("sex"), max_length=6, choices=c.Sex.choices, help_text=_("Used by the Cockcroft–Gault clearance.")
    )
    referring_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referring physician"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_patients",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(
        _("last activity"), auto_now=True, db_index=True, help_text=_("Touched by any change to the record.")
    )
    history = HistoricalRecords()

    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "hospital_id"], name="patients_unique_hospital_id_per_centre"
            ),
            _from_1900("birth_date", "birth_date"),
        ]

    def __str__(self):
        return f"{self.family_name.upper()} {self.given_names} ({self.hospital_id})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("patients:detail", args=[self.pk])

    def clean(self):
        if errors := centre_mismatches(self, "referring_physician"):
            raise ValidationError(errors)

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def age(self) -> int:
        from django.utils import timezone

        return self.age_on(timezone.localdate())


class ClinicalRecord(ChoiceDisplay, models.Model):
    """Base of every dated part of a patient's record."""

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="%(class)ss"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True


class PrimaryTumour(ChoiceDisplay, models.Model):
    patient = models.OneToOneField(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="primary_tumour"
    )
    histology = models.CharField(
        _("histology (ICD-O-3)"),
        max_length=6,
        choices=c.Histology.choices,
        help_text=_("ICD-O-3 morphology code."),
    )
    location = models.CharField(
        _("location (ICD-10)"),
        max_length=5,
        choices=c.TumourLocation.choices,
        default=c.TumourLocation.UNSPECIFIED,
    )
    laterality = models.CharField(_("side"), max_length=5, choices=c.Laterality.choices, blank=True)
    diagnosis_date = models.DateField(_("date of diagnosis"), validators=CLINICAL_DATE)
    t_category = models.CharField(_("T"), max_length=4, choices=c.TCategory.choices, blank=True)
    n_category = models.CharField(_("N"), max_length=2, choices=c.NCategory.choices, blank=True)
    m_category = models.CharField(_("M"), max_length=3, choices=c.MCategory.choices, blank=True)
    bone_first_presentation = models.BooleanField(
        _("revealed by a bone lesion"),
        default=False,
        help_text=_("The disease was revealed by a bone lesion and the primary is not yet proven."),
    )
    pdl1_tps = models.PositiveSmallIntegerField(
        _("PD-L1 (% of tumour cells)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Tumour proportion score, 0–100 %."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("primary tumour")
        verbose_name_plural = _("primary tumours")
        constraints = [
            models.CheckConstraint(
                condition=Q(pdl1_tps__isnull=True) | Q(pdl1_tps__lte=100), name="patients_pdl1_percentage"
            ),
            _from_1900("tumour_diagnosis", "diagnosis_date"),
        ]

    def __str__(self):
        return f"{self.get_histology_display()} — {self.get_location_display()}"

    @property
    def stage(self) -> str:
        """8th-edition stage computed from T, N and M (never typed)."""
        return stage(self.t_category, self.n_category, self.m_category)

    @property
    def tnm(self) -> str:
        return " ".join(part for part in (self.t_category, self.n_category, self.m_category) if part)

    @property
    def is_small_cell(self) -> bool:
        return self.histology in c.Histology.small_cell_codes()


class MolecularAlteration(ClinicalRecord):
    gene = models.CharField(_("gene"), max_length=5, choices=c.Gene.choices)
    variant = models.CharField(
        _("variant"),
        max_length=100,
        blank=True,
        help_text=_("E.g. exon 19 deletion, L858R, G12C, EML4-ALK fusion."),
    )
    test_date = models.DateField(_("date of the test"), null=True, blank=True, validators=CLINICAL_DATE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("molecular alteration")
        verbose_name_plural = _("molecular alterations")
        ordering = ["gene"]
        constraints = [_from_1900("molecular_test", "test_date", null=True)]

    def __str__(self):
        return f"{self.get_gene_display()} {self.variant}".strip()


class ClinicalAssessment(ClinicalRecord):
    date = models.DateField(_("date"), validators=CLINICAL_DATE)
    ecog = models.PositiveSmallIntegerField(
        _("WHO/ECOG performance status"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text=_("0 to 4. ECOG 1 is Karnofsky 70 or 80: give Karnofsky too when it was assessed."),
    )
    karnofsky = models.PositiveSmallIntegerField(
        _("Karnofsky index (%)"),
        null=True,
        blank=True,
        validators=_range(10, 100),
        help_text=_(
            "10 to 100, by tens. ECOG and Karnofsky may be given together (they must agree); "
            "with one only, the other is converted."
        ),
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(20, 250),
    )
    height_cm = models.PositiveSmallIntegerField(
        _("height (cm)"), null=True, blank=True, validators=_range(100, 230)
    )
    pain_nrs = models.PositiveSmallIntegerField(
        _("bone pain (0–10)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text=_("Worst bone pain under analgesics, numeric rating scale."),
    )
    pain_mechanical = models.BooleanField(
        _("mechanical pain"),
        null=True,
        blank=True,
        help_text=_("Worse on loading or movement, relieved lying down."),
    )
    analgesic_step = models.PositiveSmallIntegerField(
        _("analgesic step"), choices=c.AnalgesicStep.choices, null=True, blank=True
    )
    analgesia_failure = models.BooleanField(
        _("analgesia failing"),
        null=True,
        blank=True,
        help_text=_("Pain not controlled, or opioids not tolerated."),
    )
    frankel = models.CharField(
        _("Frankel grade"),
        max_length=2,
        choices=c.Frankel.choices,
        blank=True,
        help_text=_("Leave empty when the motor examination was not done (unknown)."),
    )
    sensory_level = models.CharField(
        _("sensory level"),
        max_length=4,
        choices=c.SENSORY_LEVELS,
        blank=True,
        help_text=_(
            'The dermatome of a sensory level, or "none" when examined and absent; empty if unknown.'
        ),
    )
    sphincter_disturbance = models.BooleanField(
        _("sphincter disturbance"),
        null=True,
        blank=True,
        help_text=_("Urinary retention or incontinence, faecal incontinence; empty if not asked (unknown)."),
    )
    ambulatory_status = models.CharField(
        _("ambulatory status"), max_length=20, choices=c.Ambulatory.choices, blank=True
    )
    motor_deficit_onset = models.DateField(
        _("onset of the neurological deficit"),
        null=True,
        blank=True,
        validators=CLINICAL_DATE,
        help_text=_(
            "Date the current motor or sensory deficit or sphincter disturbance began (used by the Rades "
            "score); empty if unknown — an unknown onset is not taken as an old deficit."
        ),
    )
    life_expectancy_months = models.DecimalField(
        _("estimated life expectancy (months)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(0, 120),
        help_text=_("The clinician's estimate."),
    )
    asa = models.PositiveSmallIntegerField(
        _("ASA physical status"), null=True, blank=True, validators=_range(1, 5)
    )
    disease_status = models.CharField(
        _("oncological situation"), max_length=12, choices=c.DiseaseStatus.choices, blank=True
    )
    active_infection_or_sepsis = models.BooleanField(
        _("infection at the puncture site or uncontrolled sepsis"),
        null=True,
        blank=True,
        help_text=_("On the date of this assessment; empty if not assessed (unknown)."),
    )
    uncontrolled_coagulopathy = models.BooleanField(
        _("uncontrolled coagulopathy"),
        null=True,
        blank=True,
        help_text=_("On the date of this assessment; empty if not assessed (unknown)."),
    )
    dental_exam = models.BooleanField(
        _("dental evaluation done"),
        default=False,
        help_text=_("Dental evaluation with panoramic X-ray on this date (before a bone-modifying agent)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clinical assessment")
        verbose_name_plural = _("clinical assessments")
        ordering = ["-date", "-pk"]
        get_latest_by = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ecog__isnull=True)
                | Q(karnofsky__isnull=True)
                | Q(ecog=0, karnofsky__gte=90)
                | Q(ecog=1, karnofsky__in=[70, 80])
                | Q(ecog=2, karnofsky__in=[50, 60])
                | Q(ecog=3, karnofsky__in=[30, 40])
                | Q(ecog=4, karnofsky__lte=20),
                name="patients_assessment_ps_scales_agree",
            ),
            models.CheckConstraint(
                condition=Q(pain_nrs__isnull=True) | Q(pain_nrs__lte=10), name="patients_assessment_pain_0_10"
            ),
            _from_1900("assessment_date", "date"),
            _from_1900("assessment_deficit_onset", "motor_deficit_onset", null=True),
        ]

    def __str__(self):
        return _("Assessment of %(date)s") % {"date": date_format(self.date)}

    def clean(self):
        errors = {}
        if self.karnofsky is not None and self.karnofsky % 10:
            errors["karnofsky"] = _("The Karnofsky index goes by tens (10, 20 … 100).")
        elif (
            self.ecog is not None
            and self.karnofsky is not None
            and formulas.ecog_from_karnofsky(self.karnofsky) != self.ecog
        ):
            errors["karnofsky"] = _(
                "Karnofsky %(karnofsky)s is ECOG %(paired)s, not ECOG %(ecog)s: correct one of them."
            ) % {
                "karnofsky": self.karnofsky,
                "paired": formulas.ecog_from_karnofsky(self.karnofsky),
                "ecog": self.ecog,
            }
        if self.motor_deficit_onset and self.date and self.motor_deficit_onset > self.date:
            errors["motor_deficit_onset"] = _("The deficit cannot begin after the assessment.")
        if errors:
            raise ValidationError(errors)

    @property
    def ecog_value(self) -> int | None:
        """ECOG as assessed, or converted from Karnofsky (scores.md paired table)."""
        if self.ecog is not None:
            return self.ecog
        if self.karnofsky is not None:
            return formulas.ecog_from_karnofsky(self.karnofsky)
        return None

    @property
    def bmi(self) -> float | None:
        if self.weight_kg is None or self.height_cm is None:
            return None
        return formulas.bmi(float(self.weight_kg), self.height_cm)


class LabResult(ClinicalRecord):
    date = models.DateField(_("date"), validators=CLINICAL_DATE)
    calcium = models.DecimalField(
        _("calcium (mmol/L)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_decimal_range(*formulas.CALCIUM_MMOL_L_RANGE),
    )
    albumin = models.DecimalField(
        _("albumin (g/L)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(10, 60),
    )
    creatinine = models.DecimalField(
        _("creatinine (µmol/L)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(*formulas.CREATININE_UMOL_L_RANGE),
    )
    vitamin_d = models.DecimalField(
        _("25-OH vitamin D (nmol/L)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(2, 500),
    )
    vitamin_d_deficient = models.BooleanField(
        _("vitamin D deficient"),
        null=True,
        blank=True,
        help_text=_("Below the laboratory's threshold (thresholds differ between laboratories)."),
    )
    alkaline_phosphatase = models.DecimalField(
        _("alkaline phosphatase (IU/L)"),
        max_digits=6,
        decimal_places=0,
        null=True,
        blank=True,
        validators=_decimal_range(5, 5000),
    )
    ctx = models.DecimalField(
        _("CTX (pg/mL)"),
        max_digits=6,
        decimal_places=0,
        null=True,
        blank=True,
        validators=_decimal_range(10, 10000),
    )
    ntx = models.DecimalField(
        _("NTX (nmol BCE/mmol creatinine)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(1, 2000),
    )
    history = HistoricalRecords()

    VALUE_FIELDS = ("calcium", "albumin", "creatinine", "vitamin_d", "alkaline_phosphatase", "ctx", "ntx")

    class Meta:
        verbose_name = _("laboratory result")
        verbose_name_plural = _("laboratory results")
        ordering = ["-date", "-pk"]
        get_latest_by = ["date", "pk"]
        constraints = [_from_1900("lab_date", "date")]

    def __str__(self):
        return _("Laboratory results of %(date)s") % {"date": date_format(self.date)}

    def clean(self):
        if all(getattr(self, name) is None for name in self.VALUE_FIELDS):
            raise ValidationError(_("Enter at least one value."))

    @property
    def corrected_calcium(self) -> float | None:
        if self.calcium is None or self.albumin is None:
            return None
        return formulas.corrected_calcium(float(self.calcium), float(self.albumin))

    @property
    def calcium_status(self) -> str | None:
        value = self.corrected_calcium
        return None if value is None else formulas.calcium_status(value)

    def creatinine_clearance(self, weight_kg) -> float | None:
        """Cockcroft–Gault at the date of the sample, with the weight the caller knows."""
        if self.creatinine is None or weight_kg is None:
            return None
        age = self.patient.age_on(self.date)
        try:
            return formulas.creatinine_clearance(
                age, float(weight_kg), float(self.creatinine), self.patient.sex
            )
        except (
            ScoreInputError
        ):  # Cockcroft–Gault is validated for adults only: no figure rather than a wrong one
            return None


class ImagingExam(ClinicalRecord):
    date = models.DateField(_("date"), validators=CLINICAL_DATE)
    modality = models.CharField(_("modality"), max_length=10, choices=c.Modality.choices)
    conclusion = models.TextField(_("conclusion"), blank=True)
    new_foci = models.BooleanField(
        _("new or more intense foci"),
        null=True,
        blank=True,
        help_text=_("On a follow-up bone scan or PET, compared with the previous one (flare phenomenon)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("imaging exam")
        verbose_name_plural = _("imaging exams")
        ordering = ["-date", "-pk"]
        constraints = [_from_1900("exam_date", "date")]

    def __str__(self):
        return f"{self.get_modality_display()} — {self.date:%d/%m/%Y}"


class TrackedLesionHistory(models.Model):
    """What a tracked lesion's history rows record beyond the lesion's own fields."""

    merged_into = models.PositiveIntegerField(
        _("merged into"),
        null=True,
        blank=True,
        help_text=_("On the row of a lesion deleted by a merge: the id of the lesion it was merged into."),
    )

    class Meta:
        abstract = True


class TrackedLesion(ChoiceDisplay, models.Model):
    """A bone lesion of the patient, followed over time: where it is, where it stands after treatment,
    and the pain attributed to it. Each imaging exam records its observation of it (LesionObservation).

    A service that deletes a lesion by merging it sets `_merged_into` (the kept lesion's id) before the
    delete, as it sets `_history_user`: the history row of the deletion keeps it."""

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="tracked_lesions"
    )
    site = models.CharField(
        _("skeletal site"),
        max_length=24,
        choices=c.SkeletalSite.choices,
        help_text=_("The bone, from the fixed skeletal taxonomy."),
    )
    vertebral_level = models.CharField(
        _("vertebral level"),
        max_length=3,
        choices=c.VertebralLevel.choices,
        blank=True,
        help_text=_("C1 to S5, for a vertebral lesion only."),
    )
    rib_number = models.PositiveSmallIntegerField(
        _("rib number"),
        null=True,
        blank=True,
        validators=_range(1, 12),
        help_text=_("1 to 12, for a rib only."),
    )
    side = models.CharField(
        _("side"),
        max_length=7,
        choices=c.Side.choices,
        blank=True,
        help_text=_("Required for a paired bone."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=c.LesionStatus.choices,
        default=c.LesionStatus.ACTIVE,
        help_text=_("Set by the outcome of a surgery or procedure that treated the lesion."),
    )
    pain_nrs = models.PositiveSmallIntegerField(
        _("pain of this lesion (0–10)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text=_(
            "Pain attributed to this lesion under analgesics, numeric rating scale; empty if unknown."
        ),
    )
    pain_mechanical = models.BooleanField(
        _("mechanical pain"),
        null=True,
        blank=True,
        help_text=_("Worse on loading or movement, relieved lying down; empty if unknown."),
    )
    pain_date = models.DateField(
        _("pain assessed on"),
        null=True,
        blank=True,
        validators=CLINICAL_DATE,
        help_text=_("Date the pain of this lesion was assessed."),
    )
    history = HistoricalRecords(bases=[TrackedLesionHistory])

    class Meta:
        verbose_name = _("tracked lesion")
        verbose_name_plural = _("tracked lesions")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site=c.SkeletalSite.VERTEBRA) & ~Q(vertebral_level=""))
                | (~Q(site=c.SkeletalSite.VERTEBRA) & Q(vertebral_level="")),
                name="patients_tracked_lesion_level_only_on_vertebra",
            ),
            models.CheckConstraint(
                condition=(Q(site=c.SkeletalSite.RIB) & Q(rib_number__isnull=False))
                | (~Q(site=c.SkeletalSite.RIB) & Q(rib_number__isnull=True)),
                name="patients_tracked_lesion_rib_number_only_on_rib",
            ),
            models.CheckConstraint(
                condition=Q(pain_nrs__isnull=True) | Q(pain_nrs__lte=10),
                name="patients_tracked_lesion_pain_0_10",
            ),
            models.CheckConstraint(
                condition=Q(pain_nrs__isnull=True) | Q(pain_date__isnull=False),
                name="patients_tracked_lesion_pain_dated",
            ),
            _from_1900("tracked_lesion_pain", "pain_date", null=True),
        ]

    def __str__(self):
        return self.site_label

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("patients:lesion_detail", args=[self.patient_id, self.pk])

    @property
    def site_label(self) -> str:
        if self.is_spinal:
            return str(self.vertebral_level)
        return c.site_label(self.site, rib_number=self.rib_number, side=self.side)

    @property
    def label(self) -> str:
        """How the board names it: its site, made unique among the patient's lesions by the record."""
        return getattr(self, "_board_label", None) or self.site_label

    @label.setter
    def label(self, value):
        self._board_label = value

    @property
    def site_key(self) -> tuple:
        """What identifies a lesion in the patient: the same site, level, rib and side."""
        return (self.site, self.vertebral_level, self.rib_number, self.side)

    @property
    def is_spinal(self) -> bool:
        return self.site == c.SkeletalSite.VERTEBRA

    @property
    def is_long_bone(self) -> bool:
        return self.site in c.LONG_BONES

    @property
    def applicable_scores(self) -> list[str]:
        """The slugs of the scores that apply to this lesion's site and state."""
        subject = "spinal" if self.is_spinal else "long_bone" if self.is_long_bone else None
        withheld = self.withheld_scores
        return [slug for slug, kind in LESION_SCORES.items() if kind == subject and slug not in withheld]

    @property
    def withheld_scores(self) -> dict:
        """{slug: why} for a score of this site that is not offered: Mirels predicts a fracture to
        come, so it says nothing of a bone already fractured or fixed (rules.md)."""
        if not self.is_long_bone:
            return {}
        if self.status == c.LesionStatus.STABILISED:
            return {"mirels": _("Mirels is not offered: the bone is already stabilised.")}
        if self.observed("fracture"):
            return {"mirels": _("Mirels is not offered: the bone is already fractured.")}
        return {}

    # Set by the record (patients.record) from the exams it loaded: the observations, newest exam
    # first, sorted once; the lesion's prefill and summary read them many times.
    loaded_observations = None

    @property
    def observations_newest_first(self) -> list:
        """Its observations, newest exam first."""
        if self.loaded_observations is not None:
            return self.loaded_observations
        return newest_first(self.observations.select_related("exam"))

    @property
    def latest_observation(self):
        observations = self.observations_newest_first
        return observations[0] if observations else None

    latest = latest_observation

    def observed(self, name):
        """The newest recorded value of an observed field (None or "" means not recorded)."""
        return next(
            (value for o in self.observations_newest_first if (value := getattr(o, name)) not in (None, "")),
            None,
        )

    @property
    def pain_known(self) -> bool:
        return self.pain_nrs is not None or self.pain_mechanical is not None

    def clean(self):
        errors = {}
        if self.is_spinal and not self.vertebral_level:
            errors["vertebral_level"] = _("Give the vertebral level of a vertebral lesion.")
        if not self.is_spinal and self.vertebral_level:
            errors["vertebral_level"] = _("A vertebral level is given only for a vertebral lesion.")
        if self.site == c.SkeletalSite.RIB and not self.rib_number:
            errors["rib_number"] = _("Give the number of the rib.")
        if self.site != c.SkeletalSite.RIB and self.rib_number:
            errors["rib_number"] = _("A rib number is given only for a rib lesion.")
        if self.site in c.PAIRED_SITES and not self.side:
            errors["side"] = _("Give the side.")
        if self.pain_nrs is not None and self.pain_date is None:
            errors["pain_date"] = _("Give the date the pain was assessed.")
        if errors:
            raise ValidationError(errors)


@receiver(pre_create_historical_record, sender=TrackedLesion.history.model)
def _record_merge(sender, instance, history_instance, **kwargs):
    history_instance.merged_into = getattr(instance, "_merged_into", None)


class LesionObservation(ChoiceDisplay, models.Model):
    """What one imaging exam shows of one tracked lesion."""

    exam = models.ForeignKey(
        ImagingExam, verbose_name=_("imaging exam"), on_delete=models.CASCADE, related_name="lesions"
    )
    lesion = models.ForeignKey(
        TrackedLesion,
        verbose_name=_("lesion"),
        on_delete=models.CASCADE,
        related_name="observations",
        help_text=_("The patient's lesion this exam shows."),
    )
    lesion_type = models.CharField(
        _("lesion type"),
        max_length=7,
        choices=c.LesionType.choices,
        help_text=_("Lytic, blastic or mixed, on this exam."),
    )
    cortical_involvement = models.CharField(
        _("cortical involvement"),
        max_length=20,
        choices=c.CorticalInvolvement.choices,
        blank=True,
        help_text=_("Fraction of the bone's width destroyed, on plain radiograph (long bones)."),
    )
    soft_tissue_extension = models.BooleanField(
        _("soft-tissue extension"), null=True, blank=True, help_text=_("Empty if not assessed.")
    )
    soft_tissue_predominant = models.BooleanField(
        _("predominantly soft tissue"),
        null=True,
        blank=True,
        help_text=_("Extends more into the soft tissue than into the bone (ablation rather than cement)."),
    )
    fracture = models.BooleanField(
        _("pathological fracture"), null=True, blank=True, help_text=_("Empty if not assessed.")
    )
    collapse = models.CharField(
        _("vertebral collapse"),
        max_length=20,
        choices=c.Collapse.choices,
        blank=True,
        help_text=_("Vertebral lesion only."),
    )
    posterolateral = models.CharField(
        _("posterolateral involvement"),
        max_length=10,
        choices=c.Posterolateral.choices,
        blank=True,
        help_text=_("Facet, pedicle or costovertebral joint fracture or tumour replacement."),
    )
    alignment = models.CharField(
        _("spinal alignment"),
        max_length=12,
        choices=c.Alignment.choices,
        blank=True,
        help_text=_("Vertebral lesion only."),
    )
    bilsky = models.CharField(
        _("epidural extension (Bilsky)"),
        max_length=2,
        choices=c.Bilsky.choices,
        blank=True,
        help_text=_("Graded on MRI only; vertebral lesion only."),
    )
    canal_narrowing_over_25_percent = models.BooleanField(
        _("canal narrowing over 25 %"),
        null=True,
        blank=True,
        help_text=_("Spinal canal narrowed by more than 25 % at this level; empty if not assessed."),
    )
    tumour_cord_distance_mm = models.DecimalField(
        _("tumour–cord distance (mm)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(0, 100),
        help_text=_("Shortest distance between the tumour and the spinal cord, on MRI."),
    )
    cord_compression = models.BooleanField(
        _("cord compression at this level"),
        null=True,
        blank=True,
        help_text=_("Radiological compression of the cord or cauda equina at this lesion; empty if unknown."),
    )
    size_mm = models.PositiveSmallIntegerField(
        _("largest dimension (mm)"),
        null=True,
        blank=True,
        validators=_range(1, 500),
        help_text=_("On this exam."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    SPINAL_ONLY = (
        "collapse",
        "posterolateral",
        "alignment",
        "bilsky",
        "canal_narrowing_over_25_percent",
        "tumour_cord_distance_mm",
    )

    class Meta:
        verbose_name = _("lesion observation")
        verbose_name_plural = _("lesion observations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tumour_cord_distance_mm__isnull=True) | Q(tumour_cord_distance_mm__gte=0),
                name="patients_observation_cord_distance_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.site_label} — {self.get_lesion_type_display()}"

    # Where it is: the tracked lesion's.
    site = property(lambda self: self.lesion.site)
    vertebral_level = property(lambda self: self.lesion.vertebral_level)
    rib_number = property(lambda self: self.lesion.rib_number)
    side = property(lambda self: self.lesion.side)
    site_label = property(lambda self: self.lesion.site_label)
    is_spinal = property(lambda self: self.lesion.is_spinal)
    is_long_bone = property(lambda self: self.lesion.is_long_bone)

    def clean(self):
        errors = {}
        # The lesion may be a new one, not saved yet (the form saves it with the observation).
        lesion = self._state.fields_cache.get("lesion") or (self.lesion if self.lesion_id else None)
        exam = self._state.fields_cache.get("exam") or (self.exam if self.exam_id else None)
        if lesion is not None and exam is not None and lesion.patient_id != exam.patient_id:
            errors["lesion"] = _("The lesion belongs to another patient.")
        if lesion is not None and not lesion.is_spinal:
            for name in self.SPINAL_ONLY:
                if getattr(self, name) not in (None, ""):
                    errors[name] = _("Only for a vertebral lesion.")
        if self.bilsky and exam is not None and exam.modality not in c.Modality.mri():
            errors["bilsky"] = _("The Bilsky grade is read on MRI: this exam is not an MRI.")
        if errors:
            raise ValidationError(errors)


class MetastaticSite(ClinicalRecord):
    organ = models.CharField(_("organ"), max_length=12, choices=c.Organ.choices)
    resectability = models.CharField(
        _("resectability"), max_length=12, choices=c.Resectability.choices, default=c.Resectability.UNKNOWN
    )
    date = models.DateField(_("date found"), null=True, blank=True, validators=CLINICAL_DATE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("metastatic site")
        verbose_name_plural = _("non-bone metastatic sites")
        ordering = ["organ", "pk"]
        constraints = [_from_1900("site_date", "date", null=True)]

    def __str__(self):
        return str(self.get_organ_display())


class Treatment(ClinicalRecord):
    category = models.CharField(_("category"), max_length=16, choices=c.TreatmentCategory.choices)
    LOCAL = (
        c.TreatmentCategory.RADIOTHERAPY,
        c.TreatmentCategory.SURGERY,
        c.TreatmentCategory.INTERVENTIONAL,
    )
    WITH_OUTCOME = (c.TreatmentCategory.SURGERY, c.TreatmentCategory.INTERVENTIONAL)
    name = models.CharField(
        _("treatment"),
        max_length=200,
        blank=True,
        help_text=_("Drug or regimen, e.g. osimertinib, carboplatin-pemetrexed."),
    )
    systemic_class = models.CharField(
        _("systemic class"), max_length=20, choices=c.SystemicClass.choices, blank=True
    )
    bone_agent = models.CharField(
        _("bone-modifying agent"), max_length=16, choices=c.BoneAgent.choices, blank=True
    )
    target = models.CharField(
        _("target site"),
        max_length=120,
        blank=True,
        help_text=_("For local treatments, e.g. T11, right femur."),
    )
    rt_dose_gy = models.DecimalField(
        _("total dose (Gy)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_decimal_range(1, 80),
    )
    rt_fractions = models.PositiveSmallIntegerField(
        _("fractions"), null=True, blank=True, validators=_range(1, 40)
    )
    rt_technique = models.CharField(_("technique"), max_length=5, choices=c.RTTechnique.choices, blank=True)
    rt_intent = models.CharField(_("intent"), max_length=14, choices=c.RTIntent.choices, blank=True)
    surgery_type = models.CharField(
        _("type of surgery"), max_length=24, choices=c.SurgeryType.choices, blank=True
    )
    ir_procedure = models.CharField(
        _("interventional procedure"), max_length=28, choices=c.IRProcedure.choices, blank=True
    )
    start_date = models.DateField(_("start"), validators=CLINICAL_DATE)
    end_date = models.DateField(_("end"), null=True, blank=True, validators=CLINICAL_DATE)
    lesions = models.ManyToManyField(
        TrackedLesion,
        verbose_name=_("lesions treated"),
        through="TreatedLesion",
        blank=True,
        related_name="treatments",
        help_text=_("For a radiotherapy course, a surgery or a procedure: the patient's lesions it treats."),
    )
    history = HistoricalRecords()

    # Which detail fields belong to which category; the form shows and checks them accordingly.
    CATEGORY_FIELDS = {
        c.TreatmentCategory.SYSTEMIC: ("systemic_class",),
        c.TreatmentCategory.BONE_MODIFYING: ("bone_agent",),
        c.TreatmentCategory.RADIOTHERAPY: ("rt_dose_gy", "rt_fractions", "rt_technique", "rt_intent"),
        c.TreatmentCategory.SURGERY: ("surgery_type",),
        c.TreatmentCategory.INTERVENTIONAL: ("ir_procedure",),
    }
    REQUIRED_FIELDS = {
        c.TreatmentCategory.SYSTEMIC: ("systemic_class",),
        c.TreatmentCategory.BONE_MODIFYING: ("bone_agent",),
        c.TreatmentCategory.RADIOTHERAPY: ("rt_dose_gy", "rt_fractions"),
        c.TreatmentCategory.SURGERY: ("surgery_type",),
        c.TreatmentCategory.INTERVENTIONAL: ("ir_procedure",),
    }

    class Meta:
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="patients_treatment_end_after_start",
            ),
            _from_1900("treatment_start", "start_date"),  # and so the end, which is after the start
        ]

    def __str__(self):
        return self.summary

    @property
    def summary(self) -> str:
        detail = {
            c.TreatmentCategory.SYSTEMIC: self.get_systemic_class_display(),
            c.TreatmentCategory.BONE_MODIFYING: self.get_bone_agent_display(),
            c.TreatmentCategory.SURGERY: self.get_surgery_type_display(),
            c.TreatmentCategory.INTERVENTIONAL: self.get_ir_procedure_display(),
        }.get(self.category, "")
        if self.category == c.TreatmentCategory.RADIOTHERAPY and self.rt_dose_gy and self.rt_fractions:
            detail = f"{number_format(self.rt_dose_gy.normalize())} Gy / {self.rt_fractions} fr"
            if self.rt_technique:
                detail = f"{detail} ({self.get_rt_technique_display()})"
        parts = [str(self.get_category_display()), str(detail), self.name, self.target]
        return " — ".join(part for part in parts if part)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        for name in self.REQUIRED_FIELDS.get(self.category, ()):
            if getattr(self, name) in (None, ""):
                errors[name] = _("Required for this category of treatment.")
        allowed = set(self.CATEGORY_FIELDS.get(self.category, ()))
        for category_fields in self.CATEGORY_FIELDS.values():
            for name in category_fields:
                if name not in allowed and getattr(self, name) not in (None, ""):
                    errors[name] = _("Does not apply to this category of treatment.")
        if errors:
            raise ValidationError(errors)


class TreatedLesion(ChoiceDisplay, models.Model):
    """A lesion a local treatment treated, and, for a surgery or a procedure, what it did to it."""

    treatment = models.ForeignKey(
        Treatment, verbose_name=_("treatment"), on_delete=models.CASCADE, related_name="treated_lesions"
    )
    lesion = models.ForeignKey(
        TrackedLesion, verbose_name=_("lesion"), on_delete=models.CASCADE, related_name="treated_by"
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=c.LesionOutcome.choices,
        default=c.LesionOutcome.TREATED,
        help_text=_("For a surgery or a procedure: whether it left the lesion stabilised or resected."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("treated lesion")
        verbose_name_plural = _("treated lesions")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["treatment", "lesion"], name="patients_treated_lesion_once"),
        ]

    def __str__(self):
        return f"{self.lesion} — {self.get_outcome_display()}"


class SkeletalEvent(ClinicalRecord):
    date = models.DateField(_("date"), validators=CLINICAL_DATE)
    kind = models.CharField(_("event"), max_length=22, choices=c.EventKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skeletal-related event")
        verbose_name_plural = _("skeletal-related events")
        ordering = ["-date", "-pk"]
        constraints = [_from_1900("event_date", "date")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date:%d/%m/%Y}"


# What a score is about, where it is not the whole patient (issue: Mirels per long-bone lesion,
# SINS and Bilsky per spinal lesion).
LESION_SCORES = {"mirels": "long_bone", "sins": "spinal", "bilsky": "spinal"}


class ScoreAssessmentQuerySet(models.QuerySet):
    def record(self, result, *, patient, lesion=None, user=None):
        """Store a computed `scoring` result as it is (inputs, points, total, band, version)."""
        return self.create(
            patient=patient,
            lesion=lesion,
            score=result.score.slug,
            version=result.score.version,
            inputs=result.inputs,
            points=result.points,
            total=result.total,
            band=result.band,
            created_by=user,
        )

    def latest_per_subject(self):
        """{(slug, lesion id or None): newest assessment}, from rows already ordered newest first."""
        latest = {}
        for assessment in self:
            latest.setdefault((assessment.score, assessment.lesion_id), assessment)
        return latest


class ScoreAssessment(ChoiceDisplay, models.Model):
    """A score as computed and saved by a clinician: its inputs, version and result are kept as they
    were; later changes to the record never rewrite it."""

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="score_assessments"
    )
    lesion = models.ForeignKey(
        TrackedLesion,
        verbose_name=_("lesion"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="score_assessments",
        help_text=_("The tracked lesion a lesion score (Mirels, SINS, Bilsky) is about."),
    )
    score = models.CharField(_("score"), max_length=20, choices=[(s.slug, s.name) for s in registry.all()])
    version = models.CharField(_("version of the score"), max_length=40)
    inputs = models.JSONField(_("inputs"))
    points = models.JSONField(_("points"), default=dict)
    total = models.SmallIntegerField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("computed on"), auto_now_add=True)

    objects = ScoreAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("score assessment")
        verbose_name_plural = _("score assessments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(score__in=list(LESION_SCORES)) & Q(lesion__isnull=False))
                | (~Q(score__in=list(LESION_SCORES)) & Q(lesion__isnull=True)),
                name="patients_score_lesion_only_for_lesion_scores",
            )
        ]

    def __str__(self):
        result = self.total if self.total is not None else self.band_label
        return str(_("%(label)s: %(details)s") % {"label": self.definition.name, "details": result})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A saved score assessment is never changed: compute a new one.")
        super().save(*args, **kwargs)

    @property
    def definition(self):
        return registry.get(self.score)

    @property
    def band_definition(self):
        return self.definition.band(self.band)

    @property
    def band_label(self):
        return self.band_definition.label

    @property
    def severity(self):
        return self.band_definition.severity


def newest_first(observations) -> list:
    """Lesion observations, newest exam first."""
    return sorted(observations, key=lambda o: (o.exam.date, o.exam_id, o.pk), reverse=True)


def record_prefetches():
    """Prefetches that load a whole record in one query per table (no query per row)."""
    from django.db.models import Prefetch

    # The observations are read once, through their exams; the record gives each its tracked lesion.
    return [
        "molecularalterations",
        "clinicalassessments",
        "labresults",
        Prefetch("imagingexams", queryset=ImagingExam.objects.prefetch_related("lesions")),
        Prefetch(
            "tracked_lesions",
            queryset=TrackedLesion.objects.prefetch_related(
                Prefetch("treated_by", queryset=TreatedLesion.objects.select_related("treatment")),
            ),
        ),
        "metastaticsites",
        Prefetch("treatments", queryset=Treatment.objects.order_by("start_date", "pk")),
        "skeletalevents",
        Prefetch("score_assessments", queryset=ScoreAssessment.objects.select_related("created_by")),
    ]


class RecordStamp(models.Model):
    """The stamp of a patient's record, changed by database triggers at every write to it
    (patients.stamps), never by Django. No foreign key: a patient's deletion deletes the rows of its
    record one by one, and their triggers stamp it again on the way."""

    patient_id = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField()

    def __str__(self):
        return f"{self.patient_id}: {self.value}"
