from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patient records")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from .collation import register_sqlite_collation
        from .stamps import reinstall_after_migrate

        connection_created.connect(register_sqlite_collation, dispatch_uid="patients_french_collation")
        # The record stamp's triggers: SQLite drops them when a migration rebuilds a table.
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="patients.stamps.triggers")
