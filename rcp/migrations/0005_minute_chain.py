"""Chain each centre's minutes (rcp/integrity.py): a minute stores its place in its centre's chain, the
chain hash of the minute before it and its own. Existing minutes are chained in the order they were
created."""

import django.db.models.deletion
from django.db import migrations, models

from rcp.integrity import GENESIS, chain_hash


def chain_existing_minutes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Check the foreign keys now, so that no check is pending when the table is altered below.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Minute = apps.get_model("rcp", "Minute")
    heads = {}  # centre id -> (position, chain hash) of its last minute so far
    minutes = Minute.objects.select_related("decision__case__patient").order_by("created_at", "pk")
    for minute in minutes.iterator(chunk_size=100):
        centre_id = minute.decision.case.patient.centre_id
        last_position, previous = heads.get(centre_id, (0, GENESIS))
        position = last_position + 1
        chain = chain_hash(
            previous=previous,
            centre_id=centre_id,
            position=position,
            decision_id=minute.decision_id,
            number=minute.number,
            version=minute.version,
            pdf_sha256=minute.sha256,
            snapshot=minute.snapshot,
        )
        Minute.objects.filter(pk=minute.pk).update(
            centre_id=centre_id, position=position, previous_chain_sha256=previous, chain_sha256=chain
        )
        heads[centre_id] = (position, chain)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("rcp", "0004_decision_validate_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="minute",
            name="centre",
            field=models.ForeignKey(
                null=True,
                help_text="The centre whose chain of minutes this one belongs to, for good.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.centre",
                verbose_name="centre",
            ),
        ),
        migrations.AddField(
            model_name="minute",
            name="position",
            field=models.PositiveIntegerField(
                null=True,
                help_text="1 for the centre's first minute, then 2, 3…",
                verbose_name="position in the centre's chain",
            ),
        ),
        migrations.AddField(
            model_name="minute",
            name="previous_chain_sha256",
            field=models.CharField(
                default="",
                help_text="The chain hash of the centre's minute before this one (64 zeros for the first).",
                max_length=64,
                verbose_name="chain hash of the previous minute",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="minute",
            name="chain_sha256",
            field=models.CharField(
                default="",
                help_text="SHA-256 of this minute's content and of the previous chain hash.",
                max_length=64,
                verbose_name="chain hash",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_minutes, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="minute",
            name="centre",
            field=models.ForeignKey(
                help_text="The centre whose chain of minutes this one belongs to, for good.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.centre",
                verbose_name="centre",
            ),
        ),
        migrations.AlterField(
            model_name="minute",
            name="position",
            field=models.PositiveIntegerField(
                help_text="1 for the centre's first minute, then 2, 3…",
                verbose_name="position in the centre's chain",
            ),
        ),
        migrations.AddConstraint(
            model_name="minute",
            constraint=models.UniqueConstraint(
                fields=("centre", "position"), name="rcp_minute_one_per_chain_position"
            ),
        ),
    ]
