"""The case's dossier and the meeting's on screen (its PDF is the worker's: views/documents.py); each
reading goes to the access log."""

from django.shortcuts import render
from django.utils import timezone

from .. import meetings
from ..accounts.audit import Kind, log_access, log_accesses
from ..accounts.permissions import get_case_for_user, get_meeting_for_user
from ..dossier import corrected_scores, dossiers, rendered_dossiers
from ._common import agenda_cases, attendance_of


def case_dossier(request, pk):
    case = get_case_for_user(request.user, pk)
    log_access(request, Kind.DOSSIER, patient=case.patient, what=f"case={case.pk}")
    [dossier] = dossiers(request.user, [case])
    context = {"dossier": dossier, "case": case, "case_history": meetings.case_history(case)}
    return render(request, "rcp/case_dossier.html", context)


def meeting_dossier(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    agenda, corrected = rendered_dossiers(request.user, meeting, agenda_cases(meeting))
    patients = [case.patient for case, _html in agenda]
    log_accesses(request, Kind.DOSSIER, patients, what=f"meeting={meeting.pk}")
    context = {"meeting": meeting, "agenda": agenda, "corrected_scores": corrected}
    return render(request, "rcp/meeting_dossier.html", context)


def meeting_dossier_context(user, meeting):
    """The meeting's dossier as `user` may read it: the page's and the PDF's (rcp/documents.py)."""
    attendances, quorum = attendance_of(meeting)
    agenda = dossiers(user, agenda_cases(meeting))
    return {
        "meeting": meeting,
        "agenda": agenda,
        "corrected_scores": corrected_scores(agenda),
        "attendances": attendances,
        "quorum": quorum,
        "generated_at": timezone.now(),
    }
