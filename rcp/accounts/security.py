"""Login security: who must have a second factor, the client's address behind the proxy, what a login
records and logs, and the session's two clocks (idle and absolute). README, "Security".

- Second factor (django-otp: TOTP app plus single-use recovery codes): required for the chair role
  (chairs and deputies: `rcp.validate_decision`), staff and superusers, or for everyone when
  `OTP_REQUIRED_FOR` is "all"; a user who enrolled of their own accord is asked too. The accounts of a
  centre created by `demo_data` (`Centre.is_demo`, which nothing else can set) are exempt, staff excepted.
- Failed logins are counted by django-axes per (username, client address); see the settings.
- Every login, failure and logout is logged on the "rcp.security" logger, never with the password.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

# The client's address (REMOTE_ADDR, or behind PROXY_COUNT trusted reverse proxies the address the
# outermost saw), one function for the access log, django-axes (AXES_CLIENT_IP_CALLABLE) and the login log.
from .audit import client_ip
from .permissions import may_chair, may_read_access_log

logger = logging.getLogger("rcp.security")

# Session keys.
LOGIN_AT = "rcp_login_at"  # Unix time of the login: the absolute limit (SESSION_COOKIE_AGE) counts from it
LAST_ACTIVITY = "rcp_last_activity"  # Unix time of the last request that counts as activity
SECOND_FACTOR = "rcp_second_factor"  # {"mode": OTP_REQUIRED_FOR, "asked": bool}, decided at login
ENROL_KEY = "rcp_enrol_key"  # the secret of a TOTP device being enrolled, until its first code is right
NEW_RECOVERY_CODES = "rcp_recovery_codes"  # shown once, then removed
# Activity is written to the session at most this often (a write per request would cost a query each).
ACTIVITY_GRANULARITY = 60


def second_factor_required(user) -> bool:
    """Must `user` have a second factor (whether or not they have one yet)?"""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True  # the admin: never exempt, not even in the demo database
    if is_demo_account(user):
        return False
    if settings.OTP_REQUIRED_FOR == "all":
        return True
    # Chairs validate minutes; privacy officers read who opened every record of the centre.
    return may_chair(user) or may_read_access_log(user)


def is_demo_account(user) -> bool:
    """An account of a centre created by `demo_data`, in the demo database only (the flag cannot be set
    in the admin or any form)."""
    return bool(user.centre_id) and user.centre.is_demo


def has_second_factor(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def second_factor_asked(request) -> bool:
    """Must this session be verified by a second factor? Decided at login and kept in the session (the
    role and devices are not read again on every request); staff status is read on every request."""
    user = request.user
    if user.is_staff or user.is_superuser:
        return True
    decided = request.session.get(SECOND_FACTOR)
    if not decided or decided.get("mode") != settings.OTP_REQUIRED_FOR:
        decided = remember_second_factor(request, user)
    return decided["asked"]


def remember_second_factor(request, user) -> dict:
    decided = {
        "mode": settings.OTP_REQUIRED_FOR,
        "asked": second_factor_required(user) or has_second_factor(user),
    }
    request.session[SECOND_FACTOR] = decided
    return decided


def start_session_clock(request, now: float | None = None) -> None:
    now = time.time() if now is None else now
    request.session[LOGIN_AT] = now
    request.session[LAST_ACTIVITY] = now


def session_remaining(request, now: float | None = None) -> tuple[float, float]:
    """(seconds before the idle timeout, seconds before the absolute limit), as of `now`."""
    now = time.time() if now is None else now
    last_activity = request.session.get(LAST_ACTIVITY, now)
    login_at = request.session.get(LOGIN_AT, now)
    return (
        settings.SESSION_IDLE_TIMEOUT - (now - last_activity),
        settings.SESSION_COOKIE_AGE - (now - login_at),
    )


def remember_login(sender, request, user, **kwargs):
    """On login, before Django overwrites `last_login` (connected ahead of it in AccountsConfig.ready):
    keep the previous login's time and address, start the session's clocks, log the login."""
    ip = client_ip(request)
    user.previous_login_at, user.previous_login_ip = user.last_login, user.last_login_ip
    user.last_login_ip = ip
    user.save(update_fields=["previous_login_at", "previous_login_ip", "last_login_ip"])
    if getattr(request, "session", None) is not None:
        start_session_clock(request)
        remember_second_factor(request, user)
    logger.info("Login: user %r (id %s) from %s", user.get_username(), user.pk, ip or "unknown address")


def log_login_failure(sender, credentials, request=None, **kwargs):
    """A refused login: the username tried and the address, never the password."""
    username = (credentials or {}).get("username", "")
    locked = " (locked out)" if getattr(request, "axes_locked_out", False) else ""
    logger.warning(
        "Failed login%s: username %r from %s",
        locked,
        username[:150],
        (client_ip(request) if request is not None else None) or "unknown address",
    )


def log_logout(sender, request, user, **kwargs):
    if user is not None:
        logger.info("Logout: user %r (id %s) from %s", user.get_username(), user.pk, client_ip(request))


def connect_signals():
    """Called by AccountsConfig.ready(): `remember_login` must see the previous `last_login`, so it is
    connected ahead of Django's `update_last_login`, which is then connected again after it."""
    from django.contrib.auth.models import update_last_login

    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(remember_login, dispatch_uid="accounts.remember_login")
    user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
    user_login_failed.connect(log_login_failure, dispatch_uid="accounts.log_login_failure")
    user_logged_out.connect(log_logout, dispatch_uid="accounts.log_logout")
