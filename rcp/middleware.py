"""Response headers for health data, and a busy database answered as 409 rather than a server error."""

import logging

from django.db import OperationalError
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Browser features the site never uses, refused to every page and to anything a page embeds. Fullscreen and
# the screen wake lock stay allowed to the site itself: presentation mode on a projector may use them.
PERMISSIONS_POLICY = (
    ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "camera",
            "display-capture",
            "encrypted-media",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "publickey-credentials-get",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    )
    + ", fullscreen=(self), screen-wake-lock=(self)"
)


class SecurityHeadersMiddleware:
    """`Permissions-Policy` on every response, and `Cache-Control: no-store` on every response Django
    renders: pages, fragments, PDFs, redirects, the login page. Static files never reach this middleware
    (WhiteNoise, before it in MIDDLEWARE, answers them itself, with its own long-lived caching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response


# SQLite: another connection holds the write lock beyond the busy timeout. PostgreSQL: a lock that could
# not be had, a deadlock or a serialization failure; the transaction was rolled back in each case.
_SQLITE_BUSY = ("database is locked", "database table is locked")
_POSTGRES_BUSY = {"55P03", "40P01", "40001"}


def is_busy_error(exception) -> bool:
    if not isinstance(exception, OperationalError):
        return False
    if any(text in str(exception) for text in _SQLITE_BUSY):
        return True
    return getattr(exception.__cause__, "sqlstate", None) in _POSTGRES_BUSY


class DatabaseBusyMiddleware:
    """A view stopped by a busy database answers 409 with a message in the user's language, never 500.

    What the view was writing was rolled back; what was saved before is intact. A page request gets the
    message and, for a form, a button that sends the same data again; an htmx request gets a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy_error(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        if getattr(request, "htmx", False):
            return render(request, "includes/database_busy.html", status=409)
        resend = []
        if request.method == "POST" and not request.FILES:
            resend = [
                (name, value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken" and "password" not in name  # never written into a page
                for value in values
            ]
            get_token(request)  # the page's form needs a CSRF token
        return render(request, "database_busy.html", {"resend": resend}, status=409)
