"""Write the Fiche RCP (CDA R2, CANCER-FRCP 2022.01) of every validated minute, latest version of each,
as DIR/<minute number>.xml: for the regional cancer network's import, or a re-export (same bytes). Each is
the CDA stored with the minute's PDF (and embedded in it), else made from its snapshot."""

from datetime import datetime, time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rcp.integrity import verify_minutes
from rcp.interop.frcp import minute_cda_bytes
from rcp.models import Minute


class Command(BaseCommand):
    help = "Write the Fiche RCP CDA of each validated minute (its latest version) as DIR/<number>.xml."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--since",
            type=lambda value: datetime.strptime(value, "%Y-%m-%d").date(),  # noqa: DTZ007 - a calendar day
            help="Only the minutes whose latest version was validated on or after this day (YYYY-MM-DD).",
        )

    def handle(self, *args, directory, since, **options):
        directory.mkdir(parents=True, exist_ok=True)
        # The latest version of each number (one query on the numbers, one for those minutes with their
        # PDF and CDA for the check, and the check's own).
        latest_pks = {}
        for row in Minute.objects.order_by("number", "version").values(
            "pk", "number", "decision__validated_at"
        ):
            latest_pks[row["number"]] = row
        if since:
            start = timezone.make_aware(datetime.combine(since, time.min))
            latest_pks = {n: row for n, row in latest_pks.items() if row["decision__validated_at"] >= start}
        minutes = Minute.objects.filter(pk__in=[row["pk"] for row in latest_pks.values()]).select_related(
            "decision__case__meeting__board__centre", "rendered"
        )
        latest = {minute.number: minute for minute in minutes.order_by("number")}
        altered = [v for v in verify_minutes(latest.values()).values() if not v.ok]
        if altered:
            names = ", ".join(f"{v.minute} ({'; '.join(v.problems)})" for v in altered)
            raise CommandError(f"altered minutes, nothing written: {names}")
        for number, minute in latest.items():
            (directory / f"{number}.xml").write_bytes(minute_cda_bytes(minute))
        self.stdout.write(f"{len(latest)} Fiche(s) RCP written to {directory}")
