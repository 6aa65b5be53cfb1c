"""Error views that need the request: the CSRF failure page in the site's layout, user signed in.

(404, 403 and 500 use Django's own handlers with templates/404.html, 403.html and 500.html.)
"""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own renders without the request, so without the navigation."""
    return render(request, "403_csrf.html", status=403)
