"""The account's security pages: the second factor (set up, verify, recovery codes, remove), the session's
clock (asked by static/js/session.js, kept alive by presentation mode), and the lockout page."""

import logging
import math
import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from . import security, two_factor
from .forms import EnrolForm, VerifyForm

logger = logging.getLogger("rcp.security")


def next_url(request) -> str:
    """Where to go once done: the `next` the middleware passed on, if it is a page of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def with_next(view_name: str, next_page: str) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': next_page})}"


@require_http_methods(["GET"])
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor": two_factor.status(user),
            "required": security.second_factor_required(user),
            "demo_exempt": security.is_demo_account(user) and not (user.is_staff or user.is_superuser),
        },
    )


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: a QR code of a new secret (kept in the session, not saved until the
    app's first code is right), then ten recovery codes, shown once."""
    user = request.user
    after = next_url(request)
    if security.has_second_factor(user) and not user.is_verified():
        # A password alone never sets up a new second factor over an existing one.
        return redirect(with_next("accounts:verify", after))
    key = request.session.get(security.ENROL_KEY)
    if not key:
        key = request.session[security.ENROL_KEY] = two_factor.new_key()
    form = EnrolForm(request.POST or None, key=key)
    if request.method == "POST":
        if form.is_valid():
            device, codes = two_factor.enrol(user=user, key=key, step=form.step)
            del request.session[security.ENROL_KEY]
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[security.NEW_RECOVERY_CODES] = codes
            security.remember_second_factor(request, user)
            logger.info(
                "Second factor set up: user %r from %s", user.get_username(), security.client_ip(request)
            )
            return redirect(with_next("accounts:recovery_codes", after))
        logger.warning(
            "Second factor set-up refused (wrong code): user %r from %s",
            user.get_username(),
            security.client_ip(request),
        )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": after,
            "qr_code": two_factor.qr_code_data_uri(two_factor.config_url(key, user)),
            "secret": two_factor.key_base32(key),
            "required": security.second_factor_required(user),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login: a code of the app, or a recovery code."""
    user = request.user
    after = next_url(request)
    if user.is_verified():
        return redirect(after)
    if not security.has_second_factor(user):
        return redirect(with_next("accounts:enrol", after))
    form = VerifyForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            request.session.cycle_key()
            django_otp.login(request, form.device)
            recovery = isinstance(form.device, StaticDevice)
            logger.info(
                "Second factor verified%s: user %r from %s",
                " with a recovery code" if recovery else "",
                user.get_username(),
                security.client_ip(request),
            )
            if recovery:
                left = form.device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)s is left. Make new ones on your account page.",
                        "You used a recovery code: %(count)s are left. Make new ones on your account page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(after)
        logger.warning(
            "Second factor refused: user %r from %s", user.get_username(), security.client_ip(request)
        )
    return render(
        request, "accounts/verify.html", {"form": form, "next": after}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """GET: the codes just made, shown once. POST: make ten new codes (the old ones stop working)."""
    user = request.user
    if request.method == "POST":
        if not security.has_second_factor(user):
            return redirect("accounts:enrol")
        if not user.is_verified():
            return redirect(with_next("accounts:verify", reverse("accounts:account")))
        request.session[security.NEW_RECOVERY_CODES] = two_factor.new_recovery_codes(user=user)
        logger.info("New recovery codes: user %r from %s", user.get_username(), security.client_ip(request))
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(security.NEW_RECOVERY_CODES, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. You can make new ones here."))
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url(request)})


@require_POST
def remove(request):
    """Turn the second factor off: only for a user who is not required to have one."""
    user = request.user
    if security.second_factor_required(user):
        raise PermissionDenied(_("Your role requires a second factor."))
    if security.has_second_factor(user) and not user.is_verified():
        return redirect(with_next("accounts:verify", reverse("accounts:account")))
    two_factor.remove(user=user)
    security.remember_second_factor(request, user)
    logger.info("Second factor removed: user %r from %s", user.get_username(), security.client_ip(request))
    messages.success(request, _("The second factor is turned off."))
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
def session_status(request):
    """GET: how long the session has left (not counted as activity). POST: the user is here (the "stay
    signed in" button, presentation mode's keep-alive): the idle clock starts again."""
    if request.method == "POST":
        request.session[security.LAST_ACTIVITY] = time.time()
    idle, absolute = security.session_remaining(request)
    return JsonResponse(
        {
            # Rounded up: a page told 0 reloads itself, and that reload would count as activity while
            # the session still had a fraction of a second left, keeping an unattended page signed in.
            "remaining": max(0, math.ceil(min(idle, absolute))),
            "limit": "absolute" if absolute < idle else "idle",
        }
    )


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer once a username has failed AXES_FAILURE_LIMIT times from one address."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    logger.warning(
        "Locked out: username %r from %s after %s failures",
        username[:150],
        security.client_ip(request),
        settings.AXES_FAILURE_LIMIT,
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
