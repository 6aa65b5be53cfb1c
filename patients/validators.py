"""Field validators with messages a clinician understands (translated, shown beside the field)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No date of the record (birth, diagnosis, exam, treatment…) is older: an earlier year is a typing slip.
EARLIEST_CLINICAL_DATE = date(1900, 1, 1)


def not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")


def not_before_1900(value):
    if value and value < EARLIEST_CLINICAL_DATE:
        raise ValidationError(_("This date is before 1900: check the year."), code="date_before_1900")


# Every clinical date: from 1900 to today.
CLINICAL_DATE = [not_before_1900, not_in_future]


_INS_RE = re.compile(r"^[12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$")


def validate_ins(value):
    """INS (matricule INS = NIR): 13 characters and a 2-digit key, 97 − (number mod 97).

    Corsican departments 2A and 2B count as 19 and 18 for the key (CNAM rule).
    """
    value = value.replace(" ", "").upper()
    if not _INS_RE.match(value):
        raise ValidationError(_("The INS has 15 characters: 13 digits (2A/2B allowed) and a 2-digit key."))
    body = value[:13].replace("2A", "19", 1) if value[5:7] == "2A" else value[:13]
    body = body.replace("2B", "18", 1) if value[5:7] == "2B" else body
    if 97 - int(body) % 97 != int(value[13:]):
        raise ValidationError(_("The INS key does not match: check the number."), code="ins_key")
