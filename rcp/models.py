"""The board: meetings, their agenda of cases, attendance and quorum.

Nothing in `patients` knows about meetings: a case points at a patient, never the other way.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.choices import Ambulatory, ChoiceDisplay, Frankel
from rcp.accounts.models import Specialty
from rcp.accounts.permissions import may_chair
from rcp.accounts.scoping import CentreScopedQuerySet, centre_mismatches
from rcp.proposals import Kind as ProposalKind
from scoring.rule_titles import RULE_TITLES
from scoring.rules import RULE_IDS

# The default quorum of this board (design.md; INCa 2023): three specialties, among them an oncologist
# or pulmonologist, a radiation oncologist and a surgeon.
DEFAULT_MIN_SPECIALTIES = 3
DEFAULT_REQUIRED_GROUPS = [
    [Specialty.MEDICAL_ONCOLOGY.value, Specialty.PULMONOLOGY.value],
    [Specialty.RADIATION_ONCOLOGY.value],
    [Specialty.ORTHOPAEDIC_SURGERY.value, Specialty.SPINE_SURGERY.value],
]


def default_required_groups():
    return [list(group) for group in DEFAULT_REQUIRED_GROUPS]


class Board(ChoiceDisplay, models.Model):
    """A centre's tumour board, with its quorum rule (configurable by its coordinators)."""

    centre = models.ForeignKey(
        "accounts.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="boards"
    )
    name = models.CharField(_("name"), max_length=120, default=_("Bone metastases board"))
    min_specialties = models.PositiveSmallIntegerField(
        _("minimum number of specialties"),
        default=DEFAULT_MIN_SPECIALTIES,
        help_text=_("Different specialties present for a valid decision (at least 3 for a French RCP)."),
    )
    required_groups = models.JSONField(
        _("required specialties"),
        default=default_required_groups,
        help_text=_("Each group must be represented by one of its specialties."),
    )

    # The board's national identifiers (Fiche RCP CDA, rcp/interop/frcp.py): given by the regional cancer
    # network. Blank: unknown, and the CDA says so (nullFlavor) rather than invent one.
    rrc_id = models.CharField(
        _("regional cancer network identifier"),
        max_length=40,
        blank=True,
        help_text=_("National identifier of the regional cancer network (RRC), for the Fiche RCP CDA."),
    )
    rcp_manager_id = models.CharField(
        _("RCP manager identifier"),
        max_length=40,
        blank=True,
        help_text=_("National identifier of the RCP manager (3C), for the Fiche RCP CDA."),
    )
    rcp_id = models.CharField(
        _("RCP identifier"),
        max_length=40,
        blank=True,
        help_text=_("National identifier of this RCP, for the Fiche RCP CDA."),
    )

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="rcp_board_unique_name_per_centre"),
            models.CheckConstraint(
                condition=Q(min_specialties__gte=3), name="rcp_board_at_least_three_specialties"
            ),
        ]

    def __str__(self):
        return self.name

    def quorum(self, specialties) -> "Quorum":
        present = {s for s in specialties if s}
        missing_groups = [group for group in self.required_groups if not present & set(group)]
        return Quorum(
            present=sorted(present),
            required=self.min_specialties,
            missing_groups=missing_groups,
        )


class Quorum:
    """Whether the specialties present make a valid board, and what is missing."""

    def __init__(self, present, required, missing_groups):
        self.present = present
        self.required = required
        self.missing_groups = missing_groups

    @property
    def missing_count(self) -> int:
        return max(self.required - len(self.present), 0)

    @property
    def ok(self) -> bool:
        return not self.missing_groups and not self.missing_count

    def __bool__(self):
        return self.ok

    @property
    def missing_labels(self) -> list[str]:
        labels = dict(Specialty.choices)
        return [" / ".join(str(labels.get(code, code)) for code in group) for group in self.missing_groups]

    @property
    def missing_others(self) -> int:
        """Specialties still needed, of any kind, once every required group is represented."""
        return max(self.missing_count - len(self.missing_groups), 0)

    @property
    def missing_items(self) -> list[str]:
        """What to bring for a quorum: each required group not represented ("Orthopaedic surgery or
        Neurosurgery (spine)"), then the counts, only when the number of specialties itself falls short."""
        labels = dict(Specialty.choices)
        items = [
            _join([str(labels.get(code, code)) for code in group], gettext("%(items)s or %(last)s"))
            for group in self.missing_groups
        ]
        if self.missing_others:
            items.append(
                ngettext(
                    "%(n)s other specialty (%(required)s required, %(present)s present)",
                    "%(n)s other specialties (%(required)s required, %(present)s present)",
                    self.missing_others,
                )
                % {"n": self.missing_others, "required": self.required, "present": len(self.present)}
            )
        return items


def _join(items, pattern):
    """The items as "a, b or c", with `pattern` "%(items)s or %(last)s"."""
    if len(items) < 2:
        return "".join(items)
    return pattern % {"items": ", ".join(items[:-1]), "last": items[-1]}


class MeetingQuerySet(CentreScopedQuerySet):
    centre_path = "board__centre"

    def with_counts(self):
        return self.annotate(case_count=Count("cases", filter=~Q(cases__status="removed")))

    def upcoming_first(self):
        now = timezone.now()
        return self.annotate(
            is_past=models.Case(
                models.When(starts_at__lt=now - timezone.timedelta(hours=12), then=1), default=0
            )
        ).order_by("is_past", "starts_at")


class Meeting(ChoiceDisplay, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    board = models.ForeignKey(
        Board, verbose_name=_("board"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputised_meetings",
        help_text=_("May validate decisions in the chair's place."),
    )
    expected_specialties = models.JSONField(_("specialties expected"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    closed_at = models.DateTimeField(
        _("closed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set on closing: the agenda, attendance and drafts are then read only."),
    )
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="rcp_closed_meeting_has_its_date",
            )
        ]

    def __str__(self):
        return f"{self.title} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rcp:meeting", args=[self.pk])

    def clean(self):
        errors = centre_mismatches(self, "chair", "deputy")
        for name in ("chair", "deputy"):
            if name not in errors and getattr(self, f"{name}_id") and not may_chair(getattr(self, name)):
                errors[name] = _("Choose a member of the board who holds the chair role.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def has_started(self) -> bool:
        """Its time has come: decisions may be validated (a minute is never dated before its meeting)."""
        return timezone.now() >= self.starts_at

    def agenda(self):
        return self.cases.exclude(status=CaseSubmission.Status.REMOVED).order_by("position", "pk")

    def present_specialties(self):
        return [a.specialty for a in self.attendances.all() if a.present]

    def quorum(self) -> Quorum:
        return self.board.quorum(self.present_specialties())

    def next_position(self) -> int:
        return (self.cases.aggregate(last=Max("position"))["last"] or 0) + 1


class Attendance(ChoiceDisplay, models.Model):
    """Who was there: a user of the centre, or a guest named by hand (the patient's GP among them)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    guest_name = models.CharField(
        _("guest"), max_length=150, blank=True, help_text=_("For a participant without an account.")
    )
    specialty = models.CharField(_("specialty"), max_length=40, choices=Specialty.choices)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["specialty", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(guest_name=""))
                | (Q(user__isnull=True) & ~Q(guest_name="")),
                name="rcp_attendance_user_or_guest",
            ),
            models.UniqueConstraint(fields=["meeting", "user"], name="rcp_attendance_once_per_user"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_specialty_display()})"

    def clean(self):
        if errors := centre_mismatches(self, "user"):
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return self.user.display_name if self.user_id else self.guest_name


FROZEN_CASE = _("A decision on this case is validated: its patient and meeting no longer change.")


class CaseQuerySet(CentreScopedQuerySet):
    centre_path = "patient__centre"

    def update(self, **kwargs):
        moved = kwargs.keys() & {"patient", "patient_id", "meeting", "meeting_id"}
        if moved and self.filter(decisions__status=Decision.Status.VALIDATED).exists():
            raise ImmutableError("the patient and meeting of a case with a validated decision never change")
        return super().update(**kwargs)


class CaseSubmission(ChoiceDisplay, models.Model):
    """A patient's case put to the board ("fiche RCP"): the question, the reason, the urgency."""

    class Reason(models.TextChoices):
        NEW_DIAGNOSIS = "new_diagnosis", _("New diagnosis")
        FRACTURE_RISK = "fracture_risk", _("Fracture risk")
        CORD_COMPRESSION = "cord_compression", _("Spinal cord compression")
        PAIN = "pain", _("Pain")
        PROGRESSION = "progression", _("Progression")
        POSTOPERATIVE = "postoperative", _("Post-operative")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for a meeting")
        SCHEDULED = "scheduled", _("On the agenda")
        DISCUSSED = "discussed", _("Discussed")
        REMOVED = "removed", _("Removed from the agenda")

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    question = models.TextField(_("question put to the board"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    presenting_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenting physician"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    position = models.PositiveIntegerField(_("position on the agenda"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    discussed_at = models.DateTimeField(_("discussed"), null=True, blank=True)
    discussed_with_quorum = models.BooleanField(_("quorum when discussed"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(meeting__isnull=False),
                name="rcp_scheduled_case_has_a_meeting",
            )
        ]

    def __str__(self):
        return f"{self.patient} — {self.get_reason_display()}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        moving = update_fields is None or bool(
            set(update_fields) & {"patient", "patient_id", "meeting", "meeting_id"}
        )
        if moving and self.frozen_changes():
            raise ImmutableError("the patient and meeting of a case with a validated decision never change")
        super().save(*args, **kwargs)

    def clean(self):
        errors = centre_mismatches(self, "meeting", "presenting_physician", "submitted_by")
        if not (self.question or "").strip():
            errors["question"] = _("Write the question put to the board.")
        for name in self.frozen_changes():
            errors[name] = FROZEN_CASE
        if errors:
            raise ValidationError(errors)

    def has_validated_decision(self) -> bool:
        return self.pk is not None and self.decisions.filter(status=Decision.Status.VALIDATED).exists()

    def frozen_changes(self) -> list[str]:
        """The fields among patient and meeting changed since loaded, if a decision on the case is validated
        (its minute belongs to that patient and that meeting for good). One query."""
        if self.pk is None:
            return []
        stored = (
            CaseSubmission.objects.filter(pk=self.pk, decisions__status=Decision.Status.VALIDATED)
            .values("patient_id", "meeting_id")
            .first()
        )
        if stored is None:
            return []
        return [
            name for name in ("patient", "meeting") if getattr(self, f"{name}_id") != stored[f"{name}_id"]
        ]

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT

    @property
    def to_present_again(self) -> bool:
        """Discussed without quorum: the decision is not valid, the case comes back."""
        return self.status == self.Status.DISCUSSED and self.discussed_with_quorum is False


def validate_rule_ids(value):
    """A trial's rules: a list of identifiers that `scoring.rules` declares, each once."""
    if not isinstance(value, list) or not all(isinstance(rule, str) for rule in value):
        raise ValidationError(_("Expected a list of guideline rule identifiers."), code="not_a_list")
    unknown = [rule for rule in value if rule not in RULE_IDS]
    if unknown:
        raise ValidationError(
            ngettext(
                "Unknown guideline rule: %(rules)s.", "Unknown guideline rules: %(rules)s.", len(unknown)
            ),
            code="unknown_rule",
            params={"rules": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each guideline rule is listed once."), code="duplicate_rule")


class Trial(ChoiceDisplay, models.Model):
    """A clinical trial the board can propose (the list is kept by the coordinators). While it is open, the
    findings of the rules it is linked to show it (rules.md, SBRT-OLIGO: no trial is named in a rule)."""

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="trials")
    name = models.CharField(_("name"), max_length=120, help_text=_("E.g. STEREO-OS."))
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(_("open for inclusion"), default=True)
    # A JSON list rather than a table: a handful of fixed identifiers, read with the trial, on SQLite too.
    rule_ids = models.JSONField(
        _("guideline rules"),
        default=list,
        blank=True,
        validators=[validate_rule_ids],
        help_text=_("While the trial is open, the findings of these rules show it to the board."),
    )

    class Meta:
        verbose_name = _("clinical trial")
        verbose_name_plural = _("clinical trials")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="rcp_trial_unique_name_per_board")
        ]

    def __str__(self):
        return self.name

    @property
    def rules(self) -> list[tuple[str, str]]:
        """(identifier, short title) of the rules it is linked to, in the order of the rules table."""
        return [(rule, RULE_TITLES[rule]) for rule in RULE_IDS if rule in self.rule_ids]


class ImmutableError(Exception):
    """A validated decision or a minute was about to change: the record is locked."""


class DecisionQuerySet(CentreScopedQuerySet):
    centre_path = "case__patient__centre"

    def update(self, **kwargs):
        if self.exclude(status=Decision.Status.DRAFT).exists():
            raise ImmutableError("validated decisions cannot be updated")
        return super().update(**kwargs)

    def delete(self):
        if self.exclude(status=Decision.Status.DRAFT).exists():
            raise ImmutableError("validated decisions cannot be deleted")
        return super().delete()


class Decision(ChoiceDisplay, models.Model):
    """What the board decides for a case. A draft changes as the board talks; once validated by the chair
    it never changes again: a correction is a new version (an amendment) with its reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        VALIDATED = "validated", _("Validated")

    class Deviation(models.TextChoices):
        PATIENT_CHOICE = "patient_choice", _("Patient's choice")
        PERFORMANCE_STATUS = "performance_status", _("Performance status")
        COMORBIDITY = "comorbidity", _("Comorbidity")
        TRIAL = "trial_inclusion", _("Inclusion in a clinical trial")
        OTHER = "other", _("Other (say which)")

    class Discussion(models.TextChoices):
        FIRST = "first", _("First presentation")
        AGAIN = "again", _("Re-discussion")
        EMERGENCY = "emergency", _("Emergency")

    class Informed(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        TO_DO = "to_do", _("To do")

    case = models.ForeignKey(
        CaseSubmission, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decisions"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    proposals = models.JSONField(_("proposals"), default=dict, blank=True)
    free_text = models.TextField(_("decision, in words"), blank=True)
    trial = models.ForeignKey(
        Trial, verbose_name=_("clinical trial proposed"), on_delete=models.PROTECT, null=True, blank=True
    )
    conforms = models.BooleanField(_("follows the guideline"), null=True, blank=True)
    deviation_reason = models.CharField(
        _("reason for not following the guideline"), max_length=20, choices=Deviation.choices, blank=True
    )
    deviation_text = models.CharField(_("details"), max_length=300, blank=True)
    follow_up_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("physician who follows it up"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contradictions_confirmed = models.BooleanField(
        _("the board confirms despite the warnings"), default=False
    )
    quorum_override = models.CharField(
        _("reason for validating without quorum"),
        max_length=300,
        blank=True,
        help_text=_("Only in an emergency; recorded on the minute."),
    )
    amendment_reason = models.CharField(_("reason for the amendment"), max_length=300, blank=True)
    revision = models.PositiveIntegerField(_("revision of the draft"), default=0)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    # What the French "fiche RCP" records beside the proposals.
    discussion_type = models.CharField(
        _("type of discussion"), max_length=12, choices=Discussion.choices, blank=True
    )
    trial_proposed = models.BooleanField(_("inclusion in a trial proposed"), null=True, blank=True)
    patient_informed = models.CharField(
        _("patient informed"), max_length=6, choices=Informed.choices, blank=True
    )
    patient_informed_by = models.CharField(_("informed by (or who will inform)"), max_length=150, blank=True)
    general_practitioner = models.CharField(
        _("general practitioner"), max_length=200, blank=True, help_text=_("Name and town, or address.")
    )
    distribution = models.TextField(
        _("distribution list of the minute"), blank=True, help_text=_("One recipient a line.")
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["case", "version"]
        # Held by the chair role: with being the meeting's chair or deputy, what validating and amending need.
        permissions = [("validate_decision", _("Can validate and amend decisions as chair"))]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="rcp_decision_unique_version"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="draft"), name="rcp_decision_one_draft_per_case"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(validated_by__isnull=False) & Q(validated_at__isnull=False)),
                name="rcp_validated_decision_has_a_chair",
            ),
            models.CheckConstraint(
                condition=~Q(conforms=False) | ~Q(deviation_reason="") | Q(status="draft"),
                name="rcp_deviation_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.case} — v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and Decision.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists()
        ):
            raise ImmutableError("a validated decision never changes: amend it")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise ImmutableError("a validated decision is never deleted")
        return super().delete(*args, **kwargs)

    def clean(self):
        if errors := centre_mismatches(self, "trial", "follow_up_physician"):
            raise ValidationError(errors)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ProposalLineQuerySet(models.QuerySet):
    def _frozen(self) -> bool:
        return self.exclude(decision__status=Decision.Status.DRAFT).exists()

    def update(self, **kwargs):
        if self._frozen():
            raise ImmutableError("the proposal lines of a validated decision cannot be updated")
        return super().update(**kwargs)

    def delete(self):
        if self._frozen():
            raise ImmutableError("the proposal lines of a validated decision cannot be deleted")
        return super().delete()


class ProposalLine(ChoiceDisplay, models.Model):
    """One proposal of a decision, of one kind (rcp.proposals lists the kinds, their fields and words),
    linked to the tracked lesions it concerns. Frozen with its decision once validated."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=ProposalKind.choices)
    lesions = models.ManyToManyField(
        "patients.TrackedLesion", verbose_name=_("lesions concerned"), blank=True, related_name="+"
    )
    # Validated by the form of its kind (rcp.proposals.FORMS): plain JSON values.
    details = models.JSONField(_("details"), default=dict, blank=True)
    history = HistoricalRecords(m2m_fields=[lesions])

    objects = ProposalLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        ordering = ["decision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="rcp_proposal_line_unique_position")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.position})"

    def save(self, *args, **kwargs):
        if self._frozen():
            raise ImmutableError("the proposal lines of a validated decision never change: amend it")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise ImmutableError("the proposal lines of a validated decision are never deleted")
        return super().delete(*args, **kwargs)

    def _frozen(self) -> bool:
        return Decision.objects.filter(pk=self.decision_id).exclude(status=Decision.Status.DRAFT).exists()


class MinuteQuerySet(CentreScopedQuerySet):
    centre_path = "decision__case__patient__centre"

    def update(self, **kwargs):
        raise ImmutableError("minutes cannot be updated")

    def delete(self):
        raise ImmutableError("minutes cannot be deleted")


class Minute(ChoiceDisplay, models.Model):
    """The archived minute of a validated decision: the frozen snapshot, the PDF and its SHA-256."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="minute"
    )
    number = models.CharField(
        _("number"), max_length=40, help_text=_("Kept by the amendments of the same decision.")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("data shown to the board"))
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The chain of the centre's minutes (rcp/integrity.py says exactly what is hashed).
    centre = models.ForeignKey(
        "accounts.Centre",
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The centre whose chain of minutes this one belongs to, for good."),
    )
    position = models.PositiveIntegerField(
        _("position in the centre's chain"), help_text=_("1 for the centre's first minute, then 2, 3…")
    )
    previous_chain_sha256 = models.CharField(
        _("chain hash of the previous minute"),
        max_length=64,
        help_text=_("The chain hash of the centre's minute before this one (64 zeros for the first)."),
    )
    chain_sha256 = models.CharField(
        _("chain hash"),
        max_length=64,
        help_text=_("SHA-256 of this minute's content and of the previous chain hash."),
    )

    objects = MinuteQuerySet.as_manager()

    class Meta:
        verbose_name = _("minute")
        verbose_name_plural = _("minutes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="rcp_minute_unique_number_version"),
            models.UniqueConstraint(fields=["centre", "position"], name="rcp_minute_one_per_chain_position"),
        ]

    def __str__(self):
        return f"{self.number} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("a minute never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a minute is never deleted")


class MinuteCounter(models.Model):
    """The last minute number of a centre in a year (numbers have no gaps and no duplicates)."""

    centre = models.ForeignKey("accounts.Centre", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="rcp_minute_counter_unique")]

    def __str__(self):
        return f"{self.centre_id}/{self.year}: {self.last}"


class MinutePdfQuerySet(CentreScopedQuerySet):
    centre_path = "minute__centre"

    def update(self, **kwargs):
        raise ImmutableError("a minute's PDF cannot be updated")

    def delete(self):
        raise ImmutableError("a minute's PDF cannot be deleted")


class MinutePdf(models.Model):
    """The PDF of a minute, rendered by the worker after the minute was committed (rcp/documents.py), and
    the minute's Fiche RCP (CDA R2) made from the same snapshot at the same time, embedded in the PDF.
    Insert only, as the minute: one per minute (its primary key), never changed nor deleted (triggers,
    rcp/integrity.py). The minutes numbered before the worker existed have theirs copied here too; those
    rendered before the CDA was stored have none (their CDA is made from the snapshot when asked)."""

    minute = models.OneToOneField(
        Minute, verbose_name=_("minute"), on_delete=models.PROTECT, primary_key=True, related_name="rendered"
    )
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    cda = models.BinaryField(_("Fiche RCP (CDA)"), null=True, blank=True)
    cda_sha256 = models.CharField(_("SHA-256 of the Fiche RCP (CDA)"), max_length=64, blank=True, default="")
    rendered_at = models.DateTimeField(_("rendered"), default=timezone.now)

    objects = MinutePdfQuerySet.as_manager()

    class Meta:
        verbose_name = _("minute PDF")
        verbose_name_plural = _("minute PDFs")

    def __str__(self):
        return f"{self.minute_id}: {self.sha256[:12]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("a minute's PDF never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a minute's PDF is never deleted")


class GeneratedDocumentQuerySet(CentreScopedQuerySet):
    centre_path = "meeting__board__centre"


class GeneratedDocument(ChoiceDisplay, models.Model):
    """A PDF asked of the worker, and how far it got: a minute's (made at its validation; the bytes go to
    MinutePdf), or a meeting's minutes or dossier (asked for by a user; the bytes are kept here)."""

    class Kind(models.TextChoices):
        MINUTE = "minute", _("Minute")
        MEETING_MINUTES = "meeting_minutes", _("Meeting minutes")
        MEETING_DOSSIER = "meeting_dossier", _("Meeting dossier")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="documents"
    )
    minute = models.OneToOneField(
        Minute,
        verbose_name=_("minute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="render_job",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The task meant to run it now: a run of any other task for it (a duplicate, one superseded by a
    # retry or by the sweeper) does nothing.
    task_id = models.UUIDField(_("task"), null=True, blank=True)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    items = models.PositiveSmallIntegerField(_("cases"), default=1)
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")
    # Whose data the PDF holds, for the access log of each download, and the minutes a meeting's minutes
    # print (checked again on each download).
    patient_ids = models.JSONField(_("patients"), default=list, blank=True)
    minute_ids = models.JSONField(_("minutes"), default=list, blank=True)

    objects = GeneratedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="minute", minute__isnull=False)
                | (~Q(kind="minute") & Q(minute__isnull=True)),
                name="rcp_document_minute_iff_kind_minute",
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="rcp_document_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.meeting_id} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


# --- after the board: what its decisions become -------------------------------------------------------


class ActionQuerySet(CentreScopedQuerySet):
    centre_path = "line__decision__case__patient__centre"

    def open(self):
        return self.filter(status__in=Action.OPEN)


class Action(ChoiceDisplay, models.Model):
    """What a validated proposal line becomes: someone does it by a date. planned → started → done, or
    cancelled with its reason. An amendment's unchanged lines keep their action (moved onto the new line);
    rcp.followup says what happens to the others."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        PATIENT_REFUSED = "patient_refused", _("Patient refused")
        WORSENED = "worsened", _("Condition worsened")
        CONTRAINDICATION = "contraindication", _("Contraindication found")
        DIED = "died", _("Patient died")
        SUPERSEDED = "superseded", _("Superseded by an amendment")
        OTHER = "other", _("Other (say which)")

    OPEN = (Status.PLANNED, Status.STARTED)

    line = models.OneToOneField(
        ProposalLine, verbose_name=_("proposal line"), on_delete=models.PROTECT, related_name="action"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="actions",
        help_text=_("Who sees it done: the decision's follow-up physician unless changed."),
    )
    target_date = models.DateField(_("target date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=20, choices=CancelReason.choices, blank=True
    )
    cancel_text = models.CharField(_("details"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["started", "done"]) | Q(started_on__isnull=False),
                name="rcp_action_started_has_its_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(done_on__isnull=False) & Q(done_on__gte=F("started_on"))),
                name="rcp_action_done_has_its_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | (Q(cancelled_on__isnull=False) & ~Q(cancel_reason="")),
                name="rcp_action_cancelled_has_its_reason",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status", "target_date"], name="rcp_action_owner_open")]

    def __str__(self):
        return f"{self.line} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Outcome(ChoiceDisplay, models.Model):
    """How the patient is 3, 6 and 12 months after the board's decision on a case (whatever its amendments:
    the months count from the meeting). Every item may be unknown, and unknown is never read as no."""

    class Milestone(models.IntegerChoices):
        THREE = 3, _("3 months")
        SIX = 6, _("6 months")
        TWELVE = 12, _("12 months")

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Unknown")

    case = models.ForeignKey(
        CaseSubmission, verbose_name=_("case"), on_delete=models.PROTECT, related_name="outcomes"
    )
    milestone = models.PositiveSmallIntegerField(_("milestone"), choices=Milestone.choices)
    recorded_on = models.DateField(_("assessed on"))
    alive = models.CharField(_("alive"), max_length=8, choices=Answer.choices)
    new_skeletal_event = models.CharField(
        _("new skeletal-related event"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN
    )
    skeletal_events = models.JSONField(
        _("which events"),
        default=list,
        blank=True,
        help_text=_("Pathological fracture, cord compression, surgery or radiotherapy to bone."),
    )
    frankel = models.CharField(_("Frankel grade"), max_length=2, choices=Frankel.choices, blank=True)
    pain_nrs = models.PositiveSmallIntegerField(
        _("bone pain (0–10)"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    ambulatory_status = models.CharField(
        _("ambulatory status"), max_length=20, choices=Ambulatory.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["case", "milestone"]
        constraints = [
            models.UniqueConstraint(fields=["case", "milestone"], name="rcp_outcome_once_per_milestone"),
        ]

    def __str__(self):
        return f"{self.case} — {self.get_milestone_display()}"
