"""The proposal lines of a decision, added, changed and removed one at a time on the decision page (htmx
swaps the proposals section; without JavaScript each form posts and the page comes back)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from patients.record import PatientRecord

from ..accounts.audit import Kind as AccessKind
from ..accounts.audit import log_access
from ..accounts.permissions import get_case_for_user, may_record_decision, require
from ..conformity import contradictions
from ..decision_forms import NewLineForm
from ..models import Decision
from ..proposals import FORMS, Context, Kind, decision_rows, details_form, initial_of, previous_courses
from ..services import add_proposal_line, remove_proposal_line, update_proposal_line
from ._common import add_service_errors, refuse_when_closed


def _present(request) -> str | None:
    present = request.GET.get("present") or request.POST.get("present") or ""
    return present if present.isascii() and present.isdigit() else None


def lines_context(*, case, decision, record, editable, present, editor=None) -> dict:
    """What the proposals section shows: the lines in words, the contradictions they raise, the form to
    add one, and the line being edited (`editor`)."""
    rows = decision_rows(decision, record.lesions) if decision is not None else []
    return {
        "case": case,
        "rows": rows,
        "contradictions": contradictions(rows, record.findings, record.facts),
        "editable": editable,
        "present": present,
        "new_line": NewLineForm(),
        "editor": editor,
    }


def _editor(form, *, action, title, record):
    irradiated = []
    if form.kind == Kind.RADIOTHERAPY:
        for lesion in record.lesions:
            irradiated += [(lesion.label, course) for course in previous_courses(lesion)]
    first = next(iter(form.fields.values()))
    first.widget.attrs.setdefault("autofocus", True)
    return {"form": form, "action": action, "title": title, "irradiated": irradiated}


def _load(request, pk):
    case = get_case_for_user(request.user, pk)
    if case.meeting is None:
        raise Http404
    require(may_record_decision(request.user))
    record = PatientRecord.load(request.user, case.patient_id)
    draft = (
        Decision.objects.filter(case=case, status=Decision.Status.DRAFT)
        .prefetch_related("lines__lesions")
        .first()
    )
    return case, record, draft


def _section(request, case, record, draft, *, editor=None, status=200):
    present = _present(request)
    if not request.htmx and editor is None:
        url = reverse("rcp:decision", args=[case.pk])
        return redirect(f"{url}{'?present=' + present if present else ''}#proposals")
    context = lines_context(
        case=case, decision=draft, record=record, editable=True, present=present, editor=editor
    )
    template = "rcp/includes/proposal_lines.html" if request.htmx else "rcp/decision_line.html"
    log_access(request, AccessKind.DECISION, patient=case.patient, what=f"case={case.pk} lines")
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@refuse_when_closed
def line_new(request, pk):
    case, record, draft = _load(request, pk)
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in FORMS:
        if request.method == "POST" or request.htmx:
            return _section(request, case, record, draft)
        raise Http404
    form = details_form(kind, request.POST if "save" in request.POST else None, context=Context.of(record))
    if "save" in request.POST and form.is_valid():
        try:
            add_proposal_line(case=case, form=form, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            draft = Decision.objects.prefetch_related("lines__lesions").get(case=case, status="draft")
            return _section(request, case, record, draft)
    editor = _editor(
        form, action=reverse("rcp:decision_line_new", args=[case.pk]), title=Kind(kind).label, record=record
    )
    return _section(request, case, record, draft, editor=editor, status=400 if form.errors else 200)


def _line(draft, line_pk):
    if draft is None:
        raise Http404
    line = next((line for line in draft.lines.all() if line.pk == line_pk), None)
    if line is None:
        raise Http404
    return line


@require_http_methods(["GET", "POST"])
@refuse_when_closed
def line_edit(request, pk, line_pk):
    case, record, draft = _load(request, pk)
    line = _line(draft, line_pk)
    data = request.POST if request.method == "POST" else None
    form = details_form(line.kind, data, context=Context.of(record), initial=initial_of(line))
    if data is not None and form.is_valid():
        try:
            update_proposal_line(line=line, form=form, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            draft = Decision.objects.prefetch_related("lines__lesions").get(pk=draft.pk)
            return _section(request, case, record, draft)
    action = reverse("rcp:decision_line_edit", args=[case.pk, line.pk])
    editor = _editor(form, action=action, title=line.get_kind_display(), record=record)
    editor["line"] = line
    return _section(request, case, record, draft, editor=editor, status=400 if form.errors else 200)


@require_POST
@refuse_when_closed
def line_remove(request, pk, line_pk):
    case, record, draft = _load(request, pk)
    line = _line(draft, line_pk)
    remove_proposal_line(line=line, user=request.user)
    draft = Decision.objects.prefetch_related("lines__lesions").get(pk=draft.pk)
    return _section(request, case, record, draft)
