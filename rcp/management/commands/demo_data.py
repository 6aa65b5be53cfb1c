"""Load the demo centres, accounts and fictional patients (idempotent: a second run creates nothing).

The demo itself is data in `rcp.demo` (centres.py, patients.py), loaded by `rcp.demo.load`.
For the demo database only: the accounts share the password "demo".
"""

from django.core.management.base import BaseCommand

from rcp.demo import centres
from rcp.demo.load import load


class Command(BaseCommand):
    help = "Load the demo centres, accounts (password 'demo') and fictional patients. Idempotent."

    def handle(self, *args, **options):
        loaded = load()
        self.stdout.write(f"Demo data: {loaded.created} patient(s) created, {loaded.existing} already there.")
        accounts = ", ".join(account[0] for account in centres.ACCOUNTS)
        self.stdout.write(f"Demo accounts (password '{centres.DEMO_PASSWORD}'): {accounts}")
