"""The settings module that tools outside the project name (`DJANGO_SETTINGS_MODULE=rcp.settings`, e.g.
`../shared/tools/check_scoring_contract.py`, which CI runs): a stable path kept as a contract. The
project's settings live in `rcp.project.settings`; nothing is defined here."""

from rcp.project.settings import *  # noqa: F403
