"""What pages derive from a record (findings, gaps, rendered dossiers), cached under the record's stamp.

A key holds the record's stamp (patients.stamps: database triggers change it at every write to the
record), the active language, today's date (the facts and the rules read the date: ages, delays since
a treatment), and what else the cached value depends on (`parts`: a case's question, the flags that
show a link). A write to the record gives it a new stamp, so a page never shows a record older than
the one in the database; the entries of the old stamp age out. TIMEOUT bounds the life of what no key
follows: a user's display name beside a score, a template changed by a deploy while a shared cache
kept its entries.

The cache is Django's default one (settings.CACHES: each process's memory unless configured).
"""

import hashlib
from collections.abc import Callable, Hashable, Iterable

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from .models import Patient, RecordStamp

FORMAT = 1  # changes when a cached value changes shape
TIMEOUT = 600  # seconds


def stamp_subquery():
    """The record's stamp as an annotation on patients: `Patient.objects.annotate(stamp=…)`."""
    return Subquery(RecordStamp.objects.filter(patient_id=OuterRef("pk")).values("value")[:1])


def visible_stamps(user, patient_ids: Iterable[int]) -> dict[int, int | None]:
    """{patient id: stamp} for those of `patient_ids` that `user` may read, in one query (None: a
    record without a stamp yet, never cached)."""
    rows = (
        Patient.objects.visible_to(user)
        .filter(pk__in=set(patient_ids))
        .annotate(stamp=stamp_subquery())
        .values_list("pk", "stamp")
    )
    return dict(rows)


def key(kind: str, patient_id: int, stamp: int, parts: tuple = ()) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    today = timezone.localdate().isoformat()
    return f"record:{FORMAT}:{kind}:{patient_id}:{stamp}:{get_language()}:{today}:{digest}"


def cached_many(
    kind: str,
    entries: dict[Hashable, tuple[int, int | None, tuple]],
    compute: Callable[[list], dict],
) -> dict:
    """{name: value} for every `entries` {name: (patient id, stamp, parts)}: from the cache, and
    `compute(names)` ({name: value}) called once for those it lacks, whose values are then kept."""
    keys = {name: key(kind, *entry) for name, entry in entries.items() if entry[1] is not None}
    found = cache.get_many(keys.values()) if keys else {}
    values = {name: found[k] for name, k in keys.items() if k in found}
    missing = [name for name in entries if name not in values]
    if missing:
        computed = compute(missing)
        values.update(computed)
        cache.set_many({keys[name]: computed[name] for name in missing if name in keys}, TIMEOUT)
    return values


def cached_one(kind: str, patient_id: int, stamp: int | None, parts: tuple, compute: Callable[[], object]):
    """The value of one record (`compute()` when the cache lacks it)."""
    entries = {patient_id: (patient_id, stamp, parts)}
    return cached_many(kind, entries, lambda missing: {patient_id: compute()})[patient_id]
