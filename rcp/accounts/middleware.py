"""The session's two clocks, and the second factor asked before any page (README, "Security")."""

import logging
import time
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from . import security

logger = logging.getLogger("rcp.security")


@cache
def session_status_path() -> str:
    return reverse("accounts:session")


class SessionTimeoutMiddleware:
    """Logs out a session idle for SESSION_IDLE_TIMEOUT seconds, or older than SESSION_COOKIE_AGE seconds
    since its login whatever the activity (Django's own cookie age restarts at each save of the session),
    and sends the user to the login page with a message saying why.

    Every request counts as activity except the session-status question of static/js/session.js; it is
    written to the session at most once a minute (a tenth of the timeout if shorter), so that most pages
    cost no extra query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            idle, absolute = security.session_remaining(request, now)
            if absolute <= 0 or idle <= 0:
                return self.expire(request, idle_only=absolute > 0)
            session = request.session
            if security.LOGIN_AT not in session:  # a session opened before this clock existed
                session[security.LOGIN_AT] = now
            status_check = request.method == "GET" and request.path == session_status_path()
            granularity = min(security.ACTIVITY_GRANULARITY, settings.SESSION_IDLE_TIMEOUT / 10)
            if not status_check and now - session.get(security.LAST_ACTIVITY, 0) >= granularity:
                session[security.LAST_ACTIVITY] = now
        return self.get_response(request)

    def expire(self, request, *, idle_only: bool):
        user = request.user
        logger.info(
            "Session expired (%s): user %r from %s",
            "idle" if idle_only else "absolute limit",
            user.get_username(),
            security.client_ip(request),
        )
        logout(request)
        if idle_only:
            minutes = max(1, round(settings.SESSION_IDLE_TIMEOUT / 60))
            text = ngettext(
                "Session expired after %(minutes)s minute of inactivity: please log in again.",
                "Session expired after %(minutes)s minutes of inactivity: please log in again.",
                minutes,
            ) % {"minutes": minutes}
        else:
            hours = max(1, round(settings.SESSION_COOKIE_AGE / 3600))
            text = ngettext(
                "Session ended after %(hours)s hour: please log in again.",
                "Session ended after %(hours)s hours: please log in again.",
                hours,
            ) % {"hours": hours}
        messages.warning(request, text)
        if request.path == session_status_path():
            return JsonResponse({"remaining": 0, "expired": True}, status=401)
        page = (
            request.get_full_path() if request.method == "GET" else request.headers.get("HX-Current-URL", "")
        )
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': page})}")
        return redirect_to_login(page or reverse(settings.LOGIN_REDIRECT_URL))


# Views an unverified user may reach: leaving, the second factor itself, the session's clock. Views that
# need no login (the login page, the language switch) are let through as well.
UNVERIFIED_VIEWS = {
    "logout",
    "admin:logout",
    "accounts:enrol",
    "accounts:verify",
    "accounts:session",
}


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a user who must use a second factor (security.second_factor_asked)
    and whose session is not verified yet is sent to the verification page, or to the set-up page if they
    have none, from any page of the site and of the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if request.resolver_match.view_name in UNVERIFIED_VIEWS:
            return None
        if not security.second_factor_asked(request) or user.is_verified():
            return None
        target = "accounts:verify" if security.has_second_factor(user) else "accounts:enrol"
        page = (
            request.get_full_path() if request.method == "GET" else request.headers.get("HX-Current-URL", "")
        )
        url = f"{reverse(target)}?{urlencode({'next': page})}" if page else reverse(target)
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(url)
        return redirect(url)
