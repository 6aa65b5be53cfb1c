"""Production safety of the settings: a site is never served without a secret key."""

import os
import subprocess
import sys

from django.conf import settings


def run(code, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=settings.BASE_DIR
    )


def test_serving_without_a_secret_key_is_refused():
    result = run("import rcp.project.wsgi", DJANGO_SETTINGS_MODULE="rcp.project.settings")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_serving_with_a_secret_key_starts():
    result = run(
        "import rcp.project.wsgi",
        DJANGO_SETTINGS_MODULE="rcp.project.settings",
        SECRET_KEY="a" * 60,
        ALLOWED_HOSTS="x",
    )
    assert result.returncode == 0, result.stderr


def manage(*args):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=environment,
    )


def test_management_commands_work_without_a_key_and_the_deploy_check_reports_it():
    assert manage("makemigrations", "--check", "--dry-run").returncode == 0
    deploy = manage("check", "--deploy")
    assert deploy.returncode != 0 and "rcp.E001" in deploy.stderr


def test_rcp_settings_stays_the_path_outside_tools_name():
    """The scoring contract checker (and any tool) sets DJANGO_SETTINGS_MODULE=rcp.settings."""
    import importlib

    outside = importlib.import_module("rcp.settings")
    project = importlib.import_module("rcp.project.settings")
    assert outside.ROOT_URLCONF == project.ROOT_URLCONF == "rcp.project.urls"
    assert outside.INSTALLED_APPS == project.INSTALLED_APPS
