from django.urls import path

from . import decision_views, views

app_name = "rcp"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/status/<slug:action>/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/agenda/order/", views.agenda_order, name="agenda_order"),
    path("meetings/<int:pk>/agenda/waiting/", views.agenda_add_waiting, name="agenda_add_waiting"),
    path("meetings/<int:pk>/agenda/<int:case_pk>/<slug:direction>/", views.agenda_move, name="agenda_move"),
    path("meetings/<int:pk>/dossier/", views.meeting_dossier, name="meeting_dossier"),
    path("meetings/<int:pk>/dossier.pdf", views.meeting_dossier_pdf, name="meeting_dossier_pdf"),
    path("meetings/<int:pk>/present/", views.present, name="present_start"),
    path("meetings/<int:pk>/present/<int:number>/", views.present, name="present"),
    path(
        "meetings/<int:pk>/present/<int:number>/lesions/<int:lesion_pk>/",
        views.present_lesion,
        name="present_lesion",
    ),
    path(
        "meetings/<int:pk>/present/<int:number>/add/<slug:kind>/", views.present_record, name="present_record"
    ),
    path(
        "meetings/<int:pk>/present/<int:number>/exams/<int:exam_pk>/lesions/add/",
        views.present_exam_lesion,
        name="present_exam_lesion",
    ),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_dossier, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/postpone/", views.case_postpone, name="case_postpone"),
    path("cases/<int:pk>/remove/", views.case_remove, name="case_remove"),
    path("cases/<int:pk>/discussed/", views.case_discussed, name="case_discussed"),
    path("boards/<int:pk>/", views.board_edit, name="board"),
    path("boards/<int:pk>/trials/", decision_views.trials, name="trials"),
    path("boards/<int:pk>/trials/<int:trial_pk>/", decision_views.trial_edit, name="trial_edit"),
    path("cases/<int:pk>/decision/", decision_views.decision_edit, name="decision"),
    path("cases/<int:pk>/decision/read/", decision_views.case_decision_read, name="case_decision_read"),
    path("decisions/<int:pk>/", decision_views.decision_read, name="decision_read"),
    path("decisions/<int:pk>/amend/", decision_views.decision_amend, name="decision_amend"),
    path("minutes/<int:pk>.pdf", decision_views.minute_pdf, name="minute_pdf"),
    path("meetings/<int:pk>/minutes.pdf", decision_views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("patients/<int:pk>/minutes/", decision_views.patient_minutes, name="patient_minutes"),
]
