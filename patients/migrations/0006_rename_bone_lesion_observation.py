"""A bone lesion row of an imaging exam becomes that exam's observation of a tracked lesion (issue 10):
the table is renamed, nothing is dropped."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("patients", "0005_clinical_dates_from_1900"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="BoneLesion", new_name="LesionObservation"),
        migrations.RenameModel(old_name="HistoricalBoneLesion", new_name="HistoricalLesionObservation"),
    ]
