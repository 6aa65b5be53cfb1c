from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .permissions import may_read_access_log


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
    ipp_oid = models.CharField(
        _("OID of the patient identifiers"),
        max_length=64,
        blank=True,
        validators=[RegexValidator(r"^[0-2](\.(0|[1-9][0-9]*))+$", _("An OID: digits separated by dots."))],
        help_text=_(
            "The OID of the information system that assigns this centre's IPPs (exchanged documents name "
            "the patient by IPP and this OID)."
        ),
    )
    # Set only by the demo_data command (never editable in the admin): its accounts may log in without a
    # second factor (rcp/accounts/security.py). A production database never runs demo_data (README).
    is_demo = models.BooleanField(
        _("demo centre"),
        default=False,
        editable=False,
        help_text=_("Created by the demo data command: its accounts need no second factor."),
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
    # Shown to the user ("last login: … from …") so that a login they did not make is noticed. Django's
    # last_login is overwritten at each login: the one before it is kept here (rcp/accounts/security.py).
    last_login_ip = models.GenericIPAddressField(_("address of the last login"), null=True, blank=True)
    previous_login_at = models.DateTimeField(_("previous login"), null=True, blank=True)
    previous_login_ip = models.GenericIPAddressField(
        _("address of the previous login"), null=True, blank=True
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


class SentForm(models.Model):
    """A form that created something, by its one-time token (rcp/accounts/once.py): sent once, never
    twice. Where its answer led is kept, so that a replay is led to the same page."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    location = models.CharField(_("answered with"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")

    def __str__(self):
        return self.token


class ImmutableLogError(Exception):
    """A row of the access log was about to change or go: the log only grows."""


class AccessLogQuerySet(models.QuerySet):
    """The access log: rows are added, never changed nor deleted (the database refuses it too: audit.py)."""

    centre_path = "centre"  # rcp.accounts.scoping: the admin shows staff their centre's rows

    def visible_to(self, user):
        """The rows a privacy officer may read: their centre's; superusers read every centre's."""
        if not user.is_authenticated or not may_read_access_log(user):
            return self.none()
        if user.is_superuser:
            return self
        if user.centre_id is None:
            return self.none()
        return self.filter(centre_id=user.centre_id)

    def update(self, **kwargs):
        raise ImmutableLogError("the access log is never changed")

    def delete(self):
        raise ImmutableLogError("the access log is never deleted")


class AccessLog(models.Model):
    """One read of a patient's data: who, when, which patient, what (rcp/accounts/audit.py writes it).

    French health-data hosting (HDS) asks for a trace of every access to a record. A row is written by
    the view that shows the data, in the request, as one INSERT; it is never changed nor deleted, by the
    site, the admin or SQL (database triggers)."""

    class Kind(models.TextChoices):
        RECORD = "record", _("Patient record")
        HISTORY = "history", _("History of changes")
        SCORE = "score", _("Score page")
        DOSSIER = "dossier", _("Board dossier")
        PRESENTATION = "presentation", _("Presentation mode")
        DECISION = "decision", _("Board decision")
        MINUTE = "minute", _("Board minutes")
        DOWNLOAD = "download", _("Download")

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    username = models.CharField(
        _("login"), max_length=150, help_text=_("The user's login when they opened the data.")
    )
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        help_text=_("The centre whose data was read (the patient's)."),
    )
    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text=_("Empty for a download that concerns no single patient."),
    )
    kind = models.CharField(_("what was opened"), max_length=20, choices=Kind.choices)
    what = models.CharField(
        _("object"),
        max_length=200,
        blank=True,
        help_text=_("Which object, by its identifiers: a minute's number and version, a score, a case."),
    )
    path = models.CharField(_("address"), max_length=500)
    method = models.CharField(_("method"), max_length=10)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["centre", "-at"], name="accounts_accesslog_centre_at"),
            models.Index(fields=["patient", "-at"], name="accounts_accesslog_patient_at"),
            models.Index(fields=["user", "-at"], name="accounts_accesslog_user_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.kind} {self.what}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableLogError("the access log is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLogError("the access log is never deleted")
