"""The session's clock for static/js/session.js: time left, when to warn, whether to keep it alive."""

from django.conf import settings
from django.urls import reverse

from . import security

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
