"""The one way board views fetch meetings and cases: 404 outside the user's centre, 403 without the role."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from rcp.accounts.models import User

from .models import CaseSubmission, Meeting

ORGANISE = "rcp.change_meeting"
SUBMIT = "rcp.add_casesubmission"
# The chair role's own permission (rcp.accounts.roles): who may chair a meeting, validate and amend.
VALIDATE = "rcp.validate_decision"


def can_organise(user) -> bool:
    return user.has_perm(ORGANISE)


def can_submit(user) -> bool:
    return user.has_perm(SUBMIT)


def may_chair(user) -> bool:
    """Holds the chair role: may be chosen as a meeting's chair or deputy."""
    return user.is_active and user.has_perm(VALIDATE)


def chair_candidates(centre):
    """The active users of `centre` who hold the chair role, for the chair and deputy choices."""
    holders = User.objects.with_perm(VALIDATE, backend="django.contrib.auth.backends.ModelBackend")
    return holders.filter(centre=centre).order_by("last_name", "first_name")


def can_validate(user, meeting) -> bool:
    """May `user` validate or amend the decisions of `meeting`: the chair role, and its chair or deputy."""
    return user.pk in {meeting.chair_id, meeting.deputy_id} and user.has_perm(VALIDATE)


def get_meeting_for_user(user, pk, *, organise=False, queryset=None) -> Meeting:
    queryset = Meeting.objects.select_related("board", "chair", "deputy") if queryset is None else queryset
    meeting = get_object_or_404(queryset.visible_to(user), pk=pk)
    if organise and not can_organise(user):
        raise PermissionDenied
    return meeting


def get_case_for_user(user, pk, *, organise=False, submit=False) -> CaseSubmission:
    case = get_object_or_404(
        CaseSubmission.objects.visible_to(user).select_related("patient", "meeting", "meeting__board"), pk=pk
    )
    if (organise and not can_organise(user)) or (submit and not (can_submit(user) or can_organise(user))):
        raise PermissionDenied
    return case
