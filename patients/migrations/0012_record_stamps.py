"""The record stamp (patients.stamps): its table, the triggers that change it at every write to a
record, and a first stamp for every patient already there."""

from django.db import migrations, models

from patients.stamps import install_triggers, stamp_everyone, uninstall_triggers


def install(apps, schema_editor):
    install_triggers(schema_editor.connection)
    stamp_everyone(schema_editor.connection)


def uninstall(apps, schema_editor):
    uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("patients", "0011_tracked_lesion_history_merged_into")]

    operations = [
        migrations.CreateModel(
            name="RecordStamp",
            fields=[
                ("patient_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
