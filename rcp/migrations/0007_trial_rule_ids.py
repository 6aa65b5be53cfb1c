"""A trial records the guideline rules it relates to (the findings of these rules show it while it is
open). Existing trials start linked to none; removing the field is the reverse."""

import rcp.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rcp', '0006_integrity_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='trial',
            name='rule_ids',
            field=models.JSONField(blank=True, default=list, help_text='While the trial is open, the findings of these rules show it to the board.', validators=[rcp.models.validate_rule_ids], verbose_name='guideline rules'),
        ),
    ]
