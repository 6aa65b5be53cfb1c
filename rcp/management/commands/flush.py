"""Django's `flush`, let through the integrity triggers (rcp/integrity.py).

Emptying the database deletes minutes and validated decisions, which the triggers refuse: on SQLite
flush runs DELETE FROM on each table; on PostgreSQL, TRUNCATE, which the triggers refuse too. The test
suite flushes after each transactional test (the browser tests among them). The whole flush runs in one
transaction that declares itself maintenance; the permission ends with it.
"""

from django.core.management.commands import flush

from rcp.integrity import integrity_maintenance


class Command(flush.Command):
    def handle(self, **options):
        with integrity_maintenance(options["database"]):
            return super().handle(**options)
