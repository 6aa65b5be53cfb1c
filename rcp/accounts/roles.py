"""Roles are Django groups with model permissions; this module is the one place that defines them."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

CLINICAL_MODELS = [
    "patient",
    "primarytumour",
    "molecularalteration",
    "clinicalassessment",
    "labresult",
    "imagingexam",
    "lesionobservation",
    "trackedlesion",
    "treatedlesion",
    "metastaticsite",
    "treatment",
    "skeletalevent",
]


class Role(TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    COORDINATOR = "coordinator", _("Coordinator")
    CHAIR = "chair", _("Chair")
    VIEWER = "viewer", _("Viewer")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


def _perms(actions, models, app="patients"):
    return [f"{app}.{action}_{model}" for action in actions for model in models]


BOARD_MODELS = ["board", "meeting", "attendance", "casesubmission", "trial", "decision"]

READ = _perms(["view"], CLINICAL_MODELS) + _perms(["view"], [*BOARD_MODELS, "minute"], "rcp")
WRITE = _perms(["add", "change", "view"], CLINICAL_MODELS) + READ
SUBMIT = _perms(["add", "change"], ["casesubmission", "decision"], "rcp")
# Meetings, agendas, attendance and the quorum rule.
ORGANISE = _perms(["add", "change"], BOARD_MODELS, "rcp")
# Only the chair role may be chosen as a meeting's chair or deputy, and validate or amend its decisions
# (a custom permission of rcp.Decision; permissions.may_validate also requires being that meeting's chair).
CHAIR = ["rcp.validate_decision"]
# The access log of the centre (rcp.accounts.audit): read, filter, export. Nobody may change it.
AUDIT = ["accounts.view_accesslog"]

# Chairs and coordinators are clinicians of the board too: they may correct the record during a meeting;
# a chair runs the meeting, so organises it as a coordinator does.
ROLE_PERMISSIONS = {
    Role.CLINICIAN: WRITE + SUBMIT,
    Role.COORDINATOR: WRITE + ORGANISE,
    Role.CHAIR: WRITE + ORGANISE + CHAIR,
    Role.VIEWER: READ,
    # Reads the centre's access log (/audit/) and, to investigate an access, the records themselves as a
    # viewer does (each of those reads is logged too); the patient page then shows who opened it.
    Role.PRIVACY_OFFICER: READ + AUDIT,
}


def sync_role_groups(sender=None, using="default", **kwargs):
    """Create the role groups and give them exactly their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set([by_code[c] for c in codes if c in by_code])
