"""What every page's layout needs: the session's clock for static/js/session.js, and which of its links the
user may follow."""

from functools import partial

from django.conf import settings
from django.urls import reverse

from . import security
from .permissions import may_read_access_log, may_read_records

# Pages that keep the session alive while they are open and visible: a board meeting outlasts the idle
# timeout while the projected dossier is only read.
KEEP_ALIVE_VIEWS = {"rcp:present"}


def session_clock(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    idle, absolute = security.session_remaining(request)
    match = getattr(request, "resolver_match", None)
    return {
        "session_clock": {
            "remaining": max(0, int(min(idle, absolute))),
            "limit": "absolute" if absolute < idle else "idle",
            "warning": settings.SESSION_IDLE_WARNING,
            "keep_alive": bool(match and match.view_name in KEEP_ALIVE_VIEWS),
            # Often enough for any timeout: at most a third of it.
            "keep_alive_interval": max(
                1, min(settings.SESSION_KEEPALIVE_INTERVAL, settings.SESSION_IDLE_TIMEOUT // 3)
            ),
            "status_url": reverse("accounts:session"),
        }
    }


def permissions(request):
    """The layout's links, asked of rcp.accounts.permissions as the views ask it; callables, so that a page
    that shows no link asks nothing."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "may_read_records": partial(may_read_records, user),
        "may_read_access_log": partial(may_read_access_log, user),
    }
