"""The access log (rcp/accounts/audit.py), and the triggers that refuse to change or delete its rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from rcp.accounts.audit import install_triggers, uninstall_triggers


def install(apps, schema_editor):
    install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_sent_form'),
        ('patients', '0005_clinical_dates_from_1900'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('username', models.CharField(help_text="The user's login when they opened the data.", max_length=150, verbose_name='login')),
                ('kind', models.CharField(choices=[('record', 'Patient record'), ('history', 'History of changes'), ('score', 'Score page'), ('dossier', 'Board dossier'), ('presentation', 'Presentation mode'), ('decision', 'Board decision'), ('minute', 'Board minutes'), ('download', 'Download')], max_length=20, verbose_name='what was opened')),
                ('what', models.CharField(blank=True, help_text="Which object, by its identifiers: a minute's number and version, a score, a case.", max_length=200, verbose_name='object')),
                ('path', models.CharField(max_length=500, verbose_name='address')),
                ('method', models.CharField(max_length=10, verbose_name='method')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('centre', models.ForeignKey(db_index=False, help_text="The centre whose data was read (the patient's).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.centre', verbose_name='centre')),
                ('patient', models.ForeignKey(blank=True, db_index=False, help_text='Empty for a download that concerns no single patient.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient', verbose_name='patient')),
                ('user', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'access log entry',
                'verbose_name_plural': 'access log',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['centre', '-at'], name='accounts_accesslog_centre_at'), models.Index(fields=['patient', '-at'], name='accounts_accesslog_patient_at'), models.Index(fields=['user', '-at'], name='accounts_accesslog_user_at')],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
