from django.urls import path

from .views import cases, decisions, documents, dossier, followup, meetings, present, proposals

app_name = "rcp"

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/status/<slug:action>/", meetings.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/close/", meetings.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/attendance/", meetings.attendance, name="attendance"),
    path("meetings/<int:pk>/agenda/order/", cases.agenda_order, name="agenda_order"),
    path("meetings/<int:pk>/agenda/waiting/", cases.agenda_add_waiting, name="agenda_add_waiting"),
    path("meetings/<int:pk>/agenda/<int:case_pk>/<slug:direction>/", cases.agenda_move, name="agenda_move"),
    path("meetings/<int:pk>/dossier/", dossier.meeting_dossier, name="meeting_dossier"),
    path("meetings/<int:pk>/documents/<slug:kind>/", documents.meeting_document, name="meeting_document"),
    path(
        "meetings/<int:pk>/documents/<slug:kind>/<int:document_pk>/status/",
        documents.meeting_document_status,
        name="meeting_document_status",
    ),
    path(
        "meetings/<int:pk>/documents/<slug:kind>/<int:document_pk>.pdf",
        documents.meeting_document_pdf,
        name="meeting_document_pdf",
    ),
    path("meetings/<int:pk>/present/", present.present, name="present_start"),
    path("meetings/<int:pk>/present/<int:number>/", present.present, name="present"),
    path(
        "meetings/<int:pk>/present/<int:number>/lesions/<int:lesion_pk>/",
        present.present_lesion,
        name="present_lesion",
    ),
    path(
        "meetings/<int:pk>/present/<int:number>/add/<slug:kind>/",
        present.present_record,
        name="present_record",
    ),
    path(
        "meetings/<int:pk>/present/<int:number>/exams/<int:exam_pk>/lesions/add/",
        present.present_exam_lesion,
        name="present_exam_lesion",
    ),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", dossier.case_dossier, name="case"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/postpone/", cases.case_postpone, name="case_postpone"),
    path("cases/<int:pk>/remove/", cases.case_remove, name="case_remove"),
    path("cases/<int:pk>/discussed/", cases.case_discussed, name="case_discussed"),
    path("boards/<int:pk>/", meetings.board_edit, name="board"),
    path("boards/<int:pk>/trials/", decisions.trials, name="trials"),
    path("boards/<int:pk>/trials/<int:trial_pk>/", decisions.trial_edit, name="trial_edit"),
    path("cases/<int:pk>/decision/", decisions.decision_edit, name="decision"),
    path("cases/<int:pk>/decision/lines/new/", proposals.line_new, name="decision_line_new"),
    path("cases/<int:pk>/decision/lines/<int:line_pk>/", proposals.line_edit, name="decision_line_edit"),
    path(
        "cases/<int:pk>/decision/lines/<int:line_pk>/remove/",
        proposals.line_remove,
        name="decision_line_remove",
    ),
    path("cases/<int:pk>/decision/read/", decisions.case_decision_read, name="case_decision_read"),
    path("decisions/<int:pk>/", decisions.decision_read, name="decision_read"),
    path("decisions/<int:pk>/amend/", decisions.decision_amend, name="decision_amend"),
    path("minutes/<int:pk>.pdf", documents.minute_pdf, name="minute_pdf"),
    path("minutes/<int:pk>/status/", documents.minute_pdf_status, name="minute_pdf_status"),
    path("minutes/<int:pk>-frcp.xml", documents.minute_cda, name="minute_cda"),
    path("minutes/<int:pk>-fhir.json", documents.minute_fhir, name="minute_fhir"),
    path("patients/<int:pk>/record-fhir.json", documents.patient_fhir, name="patient_fhir"),
    path("patients/<int:pk>/minutes/", decisions.patient_minutes, name="patient_minutes"),
    # After the board (rcp/followup.py): actions, outcomes, the next meeting's suggestions.
    path("follow-up/", followup.my_follow_up, name="follow_up"),
    path("actions/<int:pk>/", followup.action_detail, name="action"),
    path("patients/<int:pk>/follow-up/", followup.patient_follow_up, name="patient_follow_up"),
    path("cases/<int:pk>/outcomes/<int:months>/", followup.outcome_edit, name="outcome"),
    path("meetings/<int:pk>/agenda/suggested/", followup.agenda_add_suggested, name="agenda_add_suggested"),
]
