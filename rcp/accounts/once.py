"""One submission of a form that creates rows, whatever the double clicks, reloads and back buttons.

Each such form carries a one-time token, `{% submit_once %}` (a random value, new at each rendering),
and its view is decorated with `@submit_once`: the token is recorded, under a unique constraint, in the
transaction that creates the rows. A second submission of the same token (a replay) creates nothing,
even when it arrives while the first is still being saved: it waits for the first to commit, fails the
constraint, and is led where the first one was, with a message. A submission whose answer is not a
success (a form sent back with its errors) releases its token, so the corrected form can be sent.

A request without a token (a client of its own) is served as before; a token is kept RETENTION long.
The static script `static/js/forms.js` also disables the submit buttons of a form once it is sent.
"""

import re
import secrets
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SentForm

FIELD = "submit_once"
RETENTION = timedelta(days=7)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _succeeded(response) -> bool:
    """Post/Redirect/Get, or an htmx fragment that announces a change (HX-Trigger)."""
    return response.status_code in (301, 302, 303) or (
        200 <= response.status_code < 300 and "HX-Trigger" in response
    )


def submit_once(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    sent = SentForm.objects.create(token=token)
            except IntegrityError:
                return _replayed(request, token)
            response = view(request, *args, **kwargs)
            if _succeeded(response):
                sent.location = response.get("Location", "")[:500]
                sent.save(update_fields=["location"])
                SentForm.objects.filter(sent_at__lt=timezone.now() - RETENTION).delete()
            else:
                sent.delete()
        return response

    return wrapper


def _replayed(request, token):
    message = _("This form had already been sent: what it contained was saved once, not twice.")
    location = SentForm.objects.filter(token=token).values_list("location", flat=True).first()
    if getattr(request, "htmx", False) or not location:
        template = "includes/already_sent.html" if getattr(request, "htmx", False) else "already_sent.html"
        return render(request, template, {"message": message}, status=409)
    messages.info(request, message)
    return redirect(location)
