from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from rcp.views import audit

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="patients:list", permanent=False), name="home"),
    path("patients/", include("patients.urls")),
    path("", include("rcp.board_urls")),
    # The centre's access log, for its privacy officer (rcp/views/audit.py).
    path("audit/", audit.access_log, name="audit"),
    path("audit/export.csv", audit.export, name="audit_export"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The account page, the second factor and the session's clock (README, "Security").
    path("accounts/", include("rcp.accounts.urls")),
    # The language can be chosen before logging in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
