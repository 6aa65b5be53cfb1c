"""What the board's pages share: the form page, the meeting's attendance and agenda, and the answer to a
change of a closed meeting."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .. import meetings


def form_page(request, form, title):
    return render(
        request, "rcp/form.html", {"form": form, "title": title}, status=400 if form.errors else 200
    )


def attendance_of(meeting):
    """(attendances with their users, quorum of those present), in one query."""
    attendances = list(meeting.attendances.select_related("user"))
    return attendances, meeting.board.quorum([a.specialty for a in attendances if a.present])


def agenda_cases(meeting):
    return meeting.agenda().select_related("patient", "presenting_physician")


def refuse_when_closed(view):
    """A change to a closed meeting answers 403 with the reason: a page, or a line for htmx."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except meetings.MeetingClosed as closed:
            if request.htmx:
                return HttpResponse(str(closed), status=403, content_type="text/plain; charset=utf-8")
            context = {"meeting": closed.meeting, "message": str(closed)}
            return render(request, "rcp/meeting_closed.html", context, status=403)

    return wrapper


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (the others at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def redirect_next(request, fallback):
    """To the `next` address posted with a form if it is on this site (never another host's), else to
    `fallback`."""
    target = request.POST.get("next", "")
    local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if local else fallback)
