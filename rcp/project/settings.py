"""Settings for the RCP application, driven by environment variables (see README, "Configure").

Production needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; the insecure conveniences
(a throw-away secret key, localhost hosts, SQLite) exist only when DEBUG is on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]  # the checkout, above rcp/project/


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    # Management commands (makemigrations, shell…) work without a key; serving does not: rcp/project/wsgi.py
    # refuses to start and `check --deploy` reports rcp.E001 unless SECRET_KEY is set (or DEBUG is on).
    SECRET_KEY = "insecure-development-key-only-for-debug" if DEBUG else get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "rcp.errors.csrf_failure"  # in the site's layout and language

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    # After auth: its post_migrate handler gives the role groups permissions that auth creates first.
    "rcp.accounts",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",  # failed logins counted per (username, address): lockout
    "django_otp",  # second factor: an authenticator app (TOTP) and recovery codes (static)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "patients",
    "rcp",  # before django_tasks_db: its `db_worker` command is rcp's (rcp/management/commands/db_worker.py)
    "django_tasks",
    "django_tasks_db",
]

# The PDFs (minutes, meeting minutes, dossiers) are made off the request by `manage.py db_worker`
# (README, "Workers"): the tasks are rows of the database, enqueued in the transaction that needs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # answers static files: nothing below sees them
    "rcp.middleware.SecurityHeadersMiddleware",  # Permissions-Policy; Cache-Control: no-store
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rcp.accounts.middleware.SessionTimeoutMiddleware",  # idle timeout and the absolute session limit
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "rcp.accounts.middleware.SecondFactorMiddleware",  # unverified: sent to verify, or to set one up
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out login answered with the lockout page
    "rcp.middleware.DatabaseBusyMiddleware",  # last: sees the views' exceptions first, request.htmx set
]

ROOT_URLCONF = "rcp.project.urls"
WSGI_APPLICATION = "rcp.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rcp.accounts.context_processors.session_clock",  # static/js/session.js
                "rcp.accounts.context_processors.permissions",  # the layout's links
            ],
            "string_if_invalid": "",
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own psycopg 3 pool: one pool per worker process, no per-request connection cost.
    DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_POOL", True):
        DATABASES["default"]["OPTIONS"]["pool"] = True
        DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite allows one writer at a time: a writer waits up to SQLITE_TIMEOUT seconds for the lock (then
    # the page answers 409, rcp.middleware), and every transaction takes the write lock when it begins, so
    # two transactions never both read then deadlock trying to upgrade to write.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")), "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# What pages derive from the records, cached under each record's stamp (patients.record_cache), in each
# process's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("RECORD_CACHE_ENTRIES", "2000"))},
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "patients:list"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out (username, address) before any check
    "rcp.accounts.backends.ModelBackend",  # Django's, with the user's centre and permissions read at once
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Behind a TLS-terminating reverse proxy in production (README, "Deploy").
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Joining the browsers' HSTS preload list binds the hospital's whole domain: its IT decides, not us.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only the site's own files; no inline script, no inline event
# handler, no eval (htmx runs with allowEval off and no hx-on), no inline style; nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login and sessions (README, "Security"). The session ends SESSION_COOKIE_AGE seconds after the login
# whatever the activity, and after SESSION_IDLE_TIMEOUT seconds without a request
# (rcp/accounts/middleware.py); pages warn SESSION_IDLE_WARNING seconds before, and presentation mode
# keeps the session alive while shown.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "1800"))
SESSION_IDLE_WARNING = 120
SESSION_KEEPALIVE_INTERVAL = 300
# Behind the reverse proxy, the number of proxies that append to X-Forwarded-For: the client's address
# is read from it (lockout, login log, access log) rather than the proxy's own address.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
# django-axes: 5 failures for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful login forgets the earlier failures
AXES_CLIENT_IP_CALLABLE = "rcp.accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "rcp.accounts.views.lockout"  # the lockout page, in the site's layout and language
# django-otp: who must use a second factor: "privileged" (the chair role, staff, superusers) or "all".
OTP_REQUIRED_FOR = os.environ.get("RCP_OTP_REQUIRED", "privileged").strip().lower() or "privileged"
if OTP_REQUIRED_FOR not in {"privileged", "all"}:
    raise ImproperlyConfigured("RCP_OTP_REQUIRED must be 'privileged' or 'all'.")
OTP_TOTP_ISSUER = "RCP"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rcp@localhost")

# The Fiche RCP (rcp/interop/frcp.py) sends INS under the ANS test roots until this is turned off (README).
RCP_INS_TEST = env_bool("RCP_INS_TEST", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The PDF renderer's libraries narrate every step at INFO: keep their warnings only.
    # django-axes logs each login at INFO: "rcp.security" logs them already (rcp/accounts/security.py).
    "loggers": {name: {"level": "WARNING"} for name in ("fontTools", "weasyprint", "axes")},
}
