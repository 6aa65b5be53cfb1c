from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rcp.accounts"
    label = "accounts"
    verbose_name = _("Accounts and centres")

    def ready(self):
        from .audit import reinstall_after_migrate
        from .roles import sync_role_groups
        from .security import connect_signals

        # Groups need the permissions, which Django creates after migrating: hook in after it.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        # Logins, failures and logouts logged; the previous login kept before Django overwrites it.
        connect_signals()
        # The access log's triggers: SQLite drops them when a migration rebuilds the table.
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="accounts.audit.triggers")
