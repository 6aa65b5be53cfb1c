"""The one way board views fetch meetings and cases: 404 outside the user's centre, 403 without the role."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import CaseSubmission, Meeting

ORGANISE = "rcp.change_meeting"
SUBMIT = "rcp.add_casesubmission"


def can_organise(user) -> bool:
    return user.has_perm(ORGANISE)


def can_submit(user) -> bool:
    return user.has_perm(SUBMIT)


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
