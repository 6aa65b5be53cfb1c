"""Translation for `scoring`: Django's gettext, or the English source text where Django is not
configured (the package stays usable as pure Python, e.g. by the contract checker in CI).

Import as `from .i18n import gettext_lazy as _`, `from .i18n import gettext` (or `ngettext`,
`pgettext_lazy`): makemessages finds the strings by these names.
"""

from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils import translation
from django.utils.functional import lazy


def gettext(message: str) -> str:
    try:
        return translation.gettext(message)
    except (ImproperlyConfigured, AppRegistryNotReady):  # no settings, or apps not loaded: untranslated
        return message


gettext_lazy = lazy(gettext, str)


def pgettext(context: str, message: str) -> str:
    """A word whose French depends on what it qualifies ("Present": "Présentes" for metastases,
    "Présents" for people)."""
    try:
        return translation.pgettext(context, message)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return message


pgettext_lazy = lazy(pgettext, str)


def ngettext(singular: str, plural: str, number: int) -> str:
    try:
        return translation.ngettext(singular, plural, number)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return singular if number == 1 else plural


def decimal_separator() -> str:
    """The active language's decimal separator ("," in French), "." without Django settings."""
    from django.utils import formats

    try:
        return formats.get_format("DECIMAL_SEPARATOR")
    except (ImproperlyConfigured, AppRegistryNotReady):
        return "."


def date_format(value) -> str:
    """A date in the active language's long format, ISO without Django settings."""
    from django.utils import formats

    try:
        return formats.date_format(value, "DATE_FORMAT")
    except (ImproperlyConfigured, AppRegistryNotReady):
        return value.isoformat()


def today():
    """Today in the site's time zone (Europe/Paris), the system's date without Django settings."""
    import datetime

    from django.utils import timezone

    try:
        return timezone.localdate()
    except (ImproperlyConfigured, AppRegistryNotReady):
        return datetime.date.today()  # noqa: DTZ011 - no configured time zone to apply
