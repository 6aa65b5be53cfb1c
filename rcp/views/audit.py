"""The privacy officer's pages: the centre's access log (rcp/accounts/audit.py), filtered, and its CSV.

Filters are in the URL (patient and user by id, kind, dates): a patient is found by name, IPP, INS or birth
date through a POSTed search, so that identifying terms reach no URL, as on the patient list. Pages are
counted by offset without a COUNT(*) over the log: the same few queries whatever its size.
"""

import csv
from datetime import datetime, time, timedelta

from django import forms
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from patients.models import Patient

from ..accounts.audit import Kind, log_access
from ..accounts.models import AccessLog, User
from ..accounts.permissions import may_read_access_log, require

PAGE_SIZE = 50
SEARCH_RESULTS = 20  # patients listed when a search matches several


def _patients_of(user):
    """The patients whose log `user` reads (their identities, not their records)."""
    patients = Patient.objects.all()
    return patients if user.is_superuser else patients.filter(centre_id=user.centre_id)


class LogFilter(forms.Form):
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.none(), required=False, widget=forms.HiddenInput
    )
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=gettext_lazy("User"), empty_label="—"
    )
    kind = forms.ChoiceField(
        choices=[("", "—"), *Kind.choices], required=False, label=gettext_lazy("What was opened")
    )
    since = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label=gettext_lazy("To (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = _patients_of(user)
        users = User.objects.all() if user.is_superuser else User.objects.filter(centre_id=user.centre_id)
        self.fields["user"].queryset = users.order_by("last_name", "first_name", "username")
        self.fields["since"].widget.format = self.fields["until"].widget.format = "%Y-%m-%d"
        self.fields["since"].input_formats = self.fields["until"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            invalid = " is-invalid" if self.is_bound and name in self.errors else ""
            field.widget.attrs["class"] = css + invalid

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filter(self, rows):
        data = self.cleaned_data
        if data.get("patient"):
            rows = rows.filter(patient=data["patient"])
        if data.get("user"):
            rows = rows.filter(user=data["user"])
        if data.get("kind"):
            rows = rows.filter(kind=data["kind"])
        if data.get("since"):
            rows = rows.filter(at__gte=_day_start(data["since"]))
        if data.get("until"):
            rows = rows.filter(at__lt=_day_start(data["until"] + timedelta(days=1)))
        return rows


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _rows(request):
    require(may_read_access_log(request.user))
    form = LogFilter(request.GET, user=request.user)
    rows = AccessLog.objects.visible_to(request.user).select_related("user", "patient")
    return form, (form.filter(rows) if form.is_valid() else rows.none())


class PatientSearch(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Patient"),
        max_length=200,
        help_text=gettext_lazy("Name, identifier (IPP or INS) or birth date (dd/mm/yyyy)"),
    )


@require_http_methods(["GET", "POST"])
def access_log(request):
    form, rows = _rows(request)
    search = PatientSearch(request.POST if request.method == "POST" else None)
    matches = None
    if search.is_bound and search.is_valid():
        matches = list(
            _patients_of(request.user).search(search.cleaned_data["q"]).alphabetical()[: SEARCH_RESULTS + 1]
        )
        if len(matches) == 1:
            return redirect(_with(request, patient=matches[0].pk, page=None))
        if not matches:
            search.add_error("q", _("No patient of your centre matches this search."))
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    page = list(rows[start : start + PAGE_SIZE + 1])  # one more: is there an older page?
    context = {
        "form": form,
        "search": search,
        "matches": matches[:SEARCH_RESULTS] if matches else matches,
        "more_matches": bool(matches) and len(matches) > SEARCH_RESULTS,
        "patient": form.cleaned_data.get("patient") if form.is_valid() else None,
        "rows": page[:PAGE_SIZE],
        "number": number,
        "newer_url": _with(request, page=number - 1 if number > 2 else None) if number > 1 else None,
        "older_url": _with(request, page=number + 1) if len(page) > PAGE_SIZE else None,
        "export_url": _with(request, page=None, path=reverse("audit_export")),
        "clear_patient_url": _with(request, patient=None, page=None),
    }
    status = 400 if form.errors or search.errors else 200
    return render(request, "audit/access_log.html", context, status=status)


def _with(request, path=None, **changes) -> str:
    """This page's address (or `path`) with its filters, some changed (None removes one)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    encoded = query.urlencode()
    return f"{path or request.path}{'?' + encoded if encoded else ''}"


class _Echo:
    def write(self, value):
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text and never runs as a formula (a name "=HYPERLINK(…)")."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def export(request):
    """The filtered log as CSV, for a spreadsheet: UTF-8 with a byte order mark, semicolons (what a French
    Excel expects), local times with their offset. Streamed, in chunks: the memory and the queries do not
    grow with the rows. The export itself is logged."""
    form, rows = _rows(request)
    if not form.is_valid():
        context = {"form": form, "search": PatientSearch(), "rows": [], "export_url": None}
        return render(request, "audit/access_log.html", context, status=400)
    log_access(request, Kind.DOWNLOAD, patient=form.cleaned_data.get("patient"), what="access log export.csv")
    header = [
        _("Date and time"),
        _("User"),
        _("Login"),
        _("Patient"),
        _("IPP"),
        _("What was opened"),
        _("Object"),
        _("Address"),
        _("Method"),
        _("IP address"),
    ]
    labels = {value: str(label) for value, label in Kind.choices}  # in the request's language, now

    def lines():
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(header)
        for row in rows.iterator(chunk_size=2000):
            patient = row.patient
            yield writer.writerow(
                [
                    _cell(value)
                    for value in (
                        timezone.localtime(row.at).isoformat(timespec="seconds"),
                        row.user.display_name,
                        row.username,
                        f"{patient.family_name.upper()} {patient.given_names}" if patient else "",
                        patient.hospital_id if patient else "",
                        labels.get(row.kind, row.kind),
                        row.what,
                        row.path,
                        row.method,
                        row.ip,
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{timezone.localdate():%Y%m%d}.csv"'
    return response
