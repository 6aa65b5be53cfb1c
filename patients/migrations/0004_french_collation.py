from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class CreateCollationOnPostgres(CreateCollation):
    """CreateCollation, a no-op both ways where the database is not PostgreSQL (SQLite registers the
    collation on each connection: patients/collation.py)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_record_facts_for_rules")]

    operations = [
        # The values of patients.collation.FRENCH and ICU_LOCALE, frozen as this migration runs them.
        CreateCollationOnPostgres("fr_icu", provider="icu", locale="fr-u-kn-true"),
    ]
