"""Test settings: production settings with fast, deterministic conveniences (no several settings trees)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from rcp.project.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Uploads in memory; static files with the production storage (hashed names, manifest): tests/conftest.py
# runs collectstatic into a temporary STATIC_ROOT once per test process, and WhiteNoise serves it.
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
# WhiteNoise looks each static file up in STATIC_ROOT when it is asked for, instead of indexing the whole
# directory (70 to 100 ms) each time a test client loads the middleware. Same files, same headers.
WHITENOISE_AUTOREFRESH = True
