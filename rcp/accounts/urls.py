from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("two-factor/", views.enrol, name="enrol"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/remove/", views.remove, name="remove"),
    path("session/", views.session_status, name="session"),
]
