from django.urls import path

from . import score_views, views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/identity/", views.patient_edit, name="edit"),
    path("<int:pk>/tumour/", views.tumour_edit, name="tumour"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/exam/<int:exam_pk>/lesions/add/", views.lesion_edit, name="lesion_add"),
    path("<int:pk>/observations/<int:lesion_pk>/", views.lesion_edit, name="lesion_edit"),
    path("<int:pk>/lesions/<int:lesion_pk>/", views.lesion_detail, name="lesion_detail"),
    path("<int:pk>/lesions/<int:lesion_pk>/correct/", views.lesion_correct, name="lesion_correct"),
    path("<int:pk>/scores/<slug:slug>/", score_views.score_form, name="score"),
    path("<int:pk>/lesions/<int:lesion_pk>/scores/<slug:slug>/", score_views.score_form, name="lesion_score"),
    path("<int:pk>/<slug:kind>/add/", views.record_edit, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/", views.record_edit, name="record_edit"),
]
