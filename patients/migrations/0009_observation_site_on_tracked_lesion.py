"""The site now lives on the tracked lesion only; lesion scores point at the tracked lesion."""

import django.db.models.deletion
from django.db import migrations, models

from patients.choices import SkeletalSite


class Migration(migrations.Migration):
    dependencies = [("patients", "0008_tracked_lesions_data")]

    operations = [
        # A default first, so that going back re-adds the column to existing rows (0008 then fills it).
        *[
            migrations.AlterField(
                model_name=model,
                name="site",
                field=models.CharField(
                    choices=SkeletalSite.choices, default="", max_length=24, verbose_name="skeletal site"
                ),
            )
            for model in ("historicallesionobservation", "lesionobservation")
        ],
        migrations.RemoveConstraint(
            model_name="lesionobservation", name="patients_lesion_level_only_on_vertebra"
        ),
        migrations.RemoveConstraint(
            model_name="lesionobservation", name="patients_lesion_rib_number_only_on_rib"
        ),
        *[
            migrations.RemoveField(model_name=model, name=name)
            for model in ("historicallesionobservation", "lesionobservation")
            for name in ("site", "vertebral_level", "rib_number", "side")
        ],
        migrations.AlterField(
            model_name="lesionobservation",
            name="lesion",
            field=models.ForeignKey(
                help_text="The patient's lesion this exam shows.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observations",
                to="patients.trackedlesion",
                verbose_name="lesion",
            ),
        ),
        migrations.RemoveField(model_name="scoreassessment", name="lesion"),
        migrations.RenameField(model_name="scoreassessment", old_name="tracked_lesion", new_name="lesion"),
        migrations.AlterField(
            model_name="scoreassessment",
            name="lesion",
            field=models.ForeignKey(
                blank=True,
                help_text="The tracked lesion a lesion score (Mirels, SINS, Bilsky) is about.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="score_assessments",
                to="patients.trackedlesion",
                verbose_name="lesion",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoreassessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("score__in", ["mirels", "sins", "bilsky"]), ("lesion__isnull", False)),
                    models.Q(
                        models.Q(("score__in", ["mirels", "sins", "bilsky"]), _negated=True),
                        ("lesion__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="patients_score_lesion_only_for_lesion_scores",
            ),
        ),
    ]
