from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RcpConfig(AppConfig):
    name = "rcp"
    verbose_name = _("Tumour board")

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_migrate

        from .integrity import reinstall_after_migrate

        checks.register(secret_key_is_configured, checks.Tags.security, deploy=True)
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="rcp.integrity.triggers")


def secret_key_is_configured(app_configs=None, **kwargs):
    from django.conf import settings
    from django.core.checks import Error

    if settings.DEBUG or getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True):
        return []
    return [
        Error(
            "SECRET_KEY is not set: sessions would not survive a restart.",
            hint="Set SECRET_KEY.",
            id="rcp.E001",
        )
    ]
