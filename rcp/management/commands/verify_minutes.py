"""Walk the chain of every centre's minutes and report the first break (rcp/integrity.py).

Exit status 1 when a chain is broken, so that a scheduled run can raise the alarm. Each intact chain is
printed with its head (the chain hash of its last minute): write it down elsewhere, and a later rewrite
of the whole end of a chain shows as a head that changed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rcp.accounts.models import Centre
from rcp.integrity import log_altered, verify_chain
from rcp.models import Minute


class Command(BaseCommand):
    help = (
        "Check every minute's PDF and Fiche RCP (CDA), content and link in its centre's chain; "
        "report the first break."
    )

    def handle(self, *args, **options):
        broken = 0
        centres = Centre.objects.filter(pk__in=Minute.objects.values("centre")).order_by("name")
        for centre in centres:
            report = verify_chain(centre)
            if report.intact:
                self.stdout.write(
                    ngettext(
                        "%(centre)s: %(count)d minute, intact (head %(head)s)",
                        "%(centre)s: %(count)d minutes, intact (head %(head)s)",
                        report.count,
                    )
                    % {"centre": centre.name, "count": report.count, "head": report.head}
                )
                continue
            broken += 1
            minute = report.first_break.minute
            log_altered(report.first_break, where="verify_minutes")
            message = _(
                "%(centre)s: chain broken at minute %(number)s version %(version)s (position "
                "%(position)s, id %(id)s): %(problems)s."
            ) % {
                "centre": centre.name,
                "number": minute.number,
                "version": minute.version,
                "position": minute.position,
                "id": minute.pk,
                "problems": report.first_break.describe(),
            }
            if report.before_break is not None:
                message += " " + _("The minute before it: %(number)s version %(version)s.") % {
                    "number": report.before_break.number,
                    "version": report.before_break.version,
                }
            self.stdout.write(message)
        if broken:
            raise CommandError(
                ngettext(
                    "%(count)d chain of minutes is broken.", "%(count)d chains of minutes are broken.", broken
                )
                % {"count": broken}
            )
        if not centres:
            self.stdout.write(_("No minute yet."))
