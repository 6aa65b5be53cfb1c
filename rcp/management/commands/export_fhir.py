"""Write a centre's validated minutes (latest version of each, validated between two days) as FHIR R4 for a
research warehouse: by default the Bulk Data layout, DIR/<resource type>.ndjson, one resource a line,
references relative ("Patient/<id>"); given a file name ending in .ndjson, one document Bundle a line.
The same minutes give the same files (README, "FHIR")."""

import json
from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rcp.accounts.models import Centre
from rcp.integrity import verify_minutes
from rcp.interop import fhir
from rcp.models import Minute
from rcp.views.documents import minute_pdf_reference


def day(value):
    return datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day


def dump(resource) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":"))


class Command(BaseCommand):
    help = "Write a centre's validated minutes between two days as FHIR R4 NDJSON (DIR/<Type>.ndjson)."

    def add_arguments(self, parser):
        parser.add_argument("--centre", required=True, help="The centre's id or FINESS.")
        parser.add_argument("--from", dest="start", type=day, required=True, help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", type=day, required=True, help="Last day, included.")
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address (https://rcp.hospital.example), for the PDF links; none without it.",
        )
        parser.add_argument(
            "out",
            type=Path,
            help="A directory (Bulk Data layout), or a file ending in .ndjson (one Bundle a line).",
        )

    def handle(self, *args, centre, start, end, base_url, out, **options):
        if end < start:
            raise CommandError("--to is before --from")
        # A FINESS has nine digits; an id, fewer.
        found = Centre.objects.filter(finess=centre).first() if centre else None
        if found is None and centre.isdigit():
            found = Centre.objects.filter(pk=int(centre)).first()
        if found is None:
            raise CommandError(f"no centre {centre}")
        lower = timezone.make_aware(datetime.combine(start, time.min))
        upper = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        # The latest version of each number of the centre, kept if validated within the days.
        latest = {}
        for row in Minute.objects.filter(centre=found).order_by("number", "version").values("pk", "number"):
            latest[row["number"]] = row["pk"]
        minutes = list(
            Minute.objects.filter(
                pk__in=latest.values(), decision__validated_at__gte=lower, decision__validated_at__lt=upper
            )
            .select_related("rendered", "decision__case__meeting__board__centre")
            .order_by("decision__validated_at", "number")
        )
        altered = [v for v in verify_minutes(minutes).values() if not v.ok]
        if altered:
            names = ", ".join(f"{v.minute} ({'; '.join(v.problems)})" for v in altered)
            raise CommandError(f"altered minutes, nothing written: {names}")
        bundles = [
            fhir.minute_bundle(
                minute.snapshot,
                config=fhir.config_for(minute),
                pdf=minute_pdf_reference(minute, base_url=base_url),
            )
            for minute in minutes
        ]
        if out.suffix == ".ndjson":
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("".join(f"{dump(bundle)}\n" for bundle in bundles), encoding="utf-8")
            self.stdout.write(f"{len(bundles)} minute(s) written to {out}")
            return
        # A patient, centre, tumour or lesion is named alike in every minute: written once, as the latest
        # minute (in order of validation) has it.
        resources = {}
        for bundle in bundles:
            for resource in fhir.flatten(bundle):
                resources[(resource["resourceType"], resource["id"])] = resource
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("*.ndjson"):
            stale.unlink()
        by_type = {}
        for (resource_type, _id), resource in resources.items():
            by_type.setdefault(resource_type, []).append(resource)
        for resource_type, items in sorted(by_type.items()):
            (out / f"{resource_type}.ndjson").write_text(
                "".join(f"{dump(item)}\n" for item in items), encoding="utf-8"
            )
        self.stdout.write(f"{len(bundles)} minute(s), {len(resources)} resource(s) written to {out}")
