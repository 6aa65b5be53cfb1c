"""Run by tests/load/faults with `manage.py shell` on its private database, after the demo data: next week's
demo meeting moved to an hour ago, so that its chair can validate decisions during the fault test, each
case with a draft of one surveillance line (through the services, as the decision page records it).
Prints the meeting's id."""

from datetime import timedelta

from django.utils import timezone

from patients.record import PatientRecord
from rcp.models import Meeting
from rcp.proposals import Context, details_form
from rcp.services import add_proposal_line

meeting = Meeting.objects.filter(starts_at__gt=timezone.now(), cases__isnull=False).distinct().get()
Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
for case in meeting.cases.select_related("patient"):
    record = PatientRecord.load(meeting.chair, case.patient_id)
    form = details_form("surveillance", {"line-lesions": []}, context=Context.of(record))
    assert form.is_valid(), form.errors
    add_proposal_line(case=case, form=form, user=meeting.chair)
print(meeting.pk)
