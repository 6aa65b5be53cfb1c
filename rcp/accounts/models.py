from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Specialty(models.TextChoices):
    """The specialties of a bone-metastasis board (design.md); short stable codes."""

    MEDICAL_ONCOLOGY = "medical_oncology", _("Medical oncology")
    PULMONOLOGY = "pulmonology", _("Pulmonology")
    RADIATION_ONCOLOGY = "radiation_oncology", _("Radiation oncology")
    ORTHOPAEDIC_SURGERY = "orthopaedic_surgery", _("Orthopaedic surgery")
    SPINE_SURGERY = "spine_surgery", _("Neurosurgery (spine)")
    RADIOLOGY = "radiology", _("Diagnostic and interventional radiology")
    NUCLEAR_MEDICINE = "nuclear_medicine", _("Nuclear medicine")
    RHEUMATOLOGY = "rheumatology", _("Rheumatology")
    PAIN_MEDICINE = "pain_medicine", _("Pain medicine")
    PALLIATIVE_CARE = "palliative_care", _("Palliative care")
    PATHOLOGY = "pathology", _("Pathology")
    GENERAL_PRACTICE = "general_practice", _("General practice")
    OTHER = "other", _("Other")


class Centre(models.Model):
    """A hospital or clinic: the unit of data isolation (users see only their centre's patients)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    finess = models.CharField(
        _("FINESS number"),
        max_length=9,
        blank=True,
        help_text=_("French national establishment identifier (9 characters), printed on minutes."),
    )

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of a centre's staff, with the specialty shown in attendance and minutes."""

    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees and changes only this centre's patients."),
    )
    specialty = models.CharField(_("specialty"), max_length=40, choices=Specialty.choices, blank=True)
    rpps = models.CharField(
        _("RPPS number"),
        max_length=11,
        blank=True,
        help_text=_("French professional directory number (11 digits), printed on the minutes."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rpps="") | models.Q(rpps__regex=r"^[0-9]{11}$"),
                name="accounts_user_rpps_11_digits",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_edit_clinical(self) -> bool:
        return self.has_perm("patients.change_patient")
