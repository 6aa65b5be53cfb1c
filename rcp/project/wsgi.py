"""WSGI entry point for gunicorn: `gunicorn rcp.project.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcp.project.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - configured by the line above

if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY must be set to serve the site when DEBUG is off (README, Configure)."
    )
