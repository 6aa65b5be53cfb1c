from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rcp.accounts"
    label = "accounts"
    verbose_name = _("Accounts and centres")

    def ready(self):
        from .roles import sync_role_groups

        # Groups need the permissions, which Django creates after migrating: hook in after it.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
