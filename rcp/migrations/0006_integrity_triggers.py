"""Triggers that refuse, below the ORM, any UPDATE or DELETE of a minute and of a validated decision
(and TRUNCATE on PostgreSQL). The SQL is in rcp/integrity.py, which also re-installs it after every
`migrate` (SQLite rebuilds a table to alter it, and the table's triggers go with it)."""

from django.db import migrations

from rcp.integrity import install_triggers, uninstall_triggers


def install(apps, schema_editor):
    install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("rcp", "0005_minute_chain")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
