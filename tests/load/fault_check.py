"""Run by tests/load/faults with `manage.py shell` after the faults; prints one JSON line.

`python manage.py shell < fault_check.py` with FAULT_MEETING (the meeting validated during the restart)
and FAULT_STEP: "minutes" (each case of the meeting: validated decision <=> whole minute, the chain
intact), "dossier" (ask the meeting's dossier of the worker; prints its id) or "document" (the state of
FAULT_DOCUMENT)."""

import json
import os

from rcp.documents import request_meeting_document
from rcp.integrity import verify_minutes
from rcp.models import Decision, GeneratedDocument, Meeting, Minute, MinutePdf

meeting = Meeting.objects.select_related("chair").get(pk=os.environ["FAULT_MEETING"])
step = os.environ["FAULT_STEP"]
if step == "minutes":
    validated = set(
        Decision.objects.filter(case__meeting=meeting)
        .exclude(status=Decision.Status.DRAFT)
        .values_list("case_id", flat=True)
    )
    minutes = list(Minute.objects.filter(decision__case__meeting=meeting))
    with_minute = {m.decision.case_id for m in minutes}
    verdicts = verify_minutes(Minute.objects.all())
    print(
        json.dumps(
            {
                "validated": len(validated),
                "minutes": len(minutes),
                "validated_without_minute": len(validated - with_minute),
                "chain_ok": all(v.ok for v in verdicts.values()),
                "rendered": MinutePdf.objects.filter(minute__in=minutes).count(),
            }
        )
    )
elif step == "dossier":
    document = request_meeting_document(
        meeting=meeting, kind=GeneratedDocument.Kind.MEETING_DOSSIER, user=meeting.chair
    )
    print(json.dumps({"document": document.pk}))
else:
    document = GeneratedDocument.objects.get(pk=os.environ["FAULT_DOCUMENT"])
    print(json.dumps({"status": document.status, "size": len(document.pdf or b""), "error": document.error}))
