"""The access log (HDS traceability): who opened which patient's data, when, and what.

Writing. The view that shows a patient's data calls `log_access` (one patient) or `log_accesses` (a
meeting's dossier: one row per patient on the agenda) right after fetching it, before rendering: one
INSERT per request, in the request, whatever the page. If the row cannot be written the page is not
served: no access without its trace. Which pages write a row, and which do not, is listed in the README
("How to read the access log").

Reading. A centre's privacy officer (the `privacy_officer` role, permission `accounts.view_accesslog`)
reads their centre's rows at /audit/ and exports them as CSV; `recent_accesses` feeds the "who opened
this record" panel of the patient page.

Immutability. The model refuses to save an existing row or delete one; the admin has no add, change or
delete; and database triggers (installed by accounts migration 0003, re-installed after every `migrate`)
refuse any UPDATE or DELETE of `accounts_accesslog` below the ORM (and TRUNCATE on PostgreSQL). They let
through only a transaction that declares itself maintenance, with the flag of rcp/integrity.py's
`integrity_maintenance()` (what `flush` uses to empty the test database): one flag for every guarded table.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import triggers
from .models import AccessLog

Kind = AccessLog.Kind

RECENT = 20  # rows of the patient page's panel


# --- writing ------------------------------------------------------------------------------------------


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `PROXY_COUNT` trusted reverse proxies the address
    the outermost of them saw (the PROXY_COUNT-th entry from the right of X-Forwarded-For)."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return _valid_ip(forwarded[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(text: str) -> str | None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(text)
    except ValidationError:
        return None
    return text


def _row(request, kind, what, *, patient_id, centre_id) -> AccessLog:
    user = request.user
    return AccessLog(
        user_id=user.pk,
        username=user.get_username(),
        centre_id=centre_id if centre_id is not None else user.centre_id,
        patient_id=patient_id,
        kind=kind,
        what=what[:200],
        path=request.get_full_path()[:500],
        method=request.method[:10],
        ip=client_ip(request),
    )


def log_access(request, kind, *, patient=None, what="") -> None:
    """One row: `request.user` opened `what` (`kind`) of `patient` (None for a download about no single
    patient, counted in the user's centre). One INSERT."""
    centre_id = patient.centre_id if patient is not None else None
    patient_id = patient.pk if patient is not None else None
    _row(request, kind, what, patient_id=patient_id, centre_id=centre_id).save(force_insert=True)


def log_accesses(request, kind, patients, *, what="") -> None:
    """One row per patient (each once, in order) for a page that shows several: one INSERT."""
    seen = {}
    for patient in patients:
        seen.setdefault(patient.pk, patient)
    AccessLog.objects.bulk_create(
        [_row(request, kind, what, patient_id=p.pk, centre_id=p.centre_id) for p in seen.values()]
    )


# --- reading ------------------------------------------------------------------------------------------


def recent_accesses(patient, limit=RECENT):
    """The latest accesses to `patient`'s data, newest first, with their users: one query."""
    return list(AccessLog.objects.filter(patient=patient).select_related("user")[:limit])


# --- triggers -----------------------------------------------------------------------------------------

TABLE = "accounts_accesslog"
# The maintenance flag shared with rcp/integrity.py (`integrity_maintenance()` sets it for one
# transaction, and these triggers let that transaction through, as rcp's own do).
MAINTENANCE_SETTING = triggers.MAINTENANCE_SETTING
MAINTENANCE_TABLE = triggers.MAINTENANCE_TABLE
REFUSED = "access log"  # the triggers' messages start so

_POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION accounts_refuse_access_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{MAINTENANCE_SETTING}', true), '') <> 'on' THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = '{REFUSED}: a row is never changed nor deleted (' || TG_OP || ')';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$"""

_POSTGRESQL_TRIGGERS = [
    (
        "accounts_accesslog_immutable",
        TABLE,
        f"BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW "
        "EXECUTE FUNCTION accounts_refuse_access_log_change()",
    ),
    (
        "accounts_accesslog_no_truncate",
        TABLE,
        f"BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION accounts_refuse_access_log_change()",
    ),
]

_SQLITE_TRIGGERS = [
    (
        f"accounts_accesslog_no_{op.lower()}",
        TABLE,
        f"BEFORE {op} ON {TABLE} WHEN NOT EXISTS (SELECT 1 FROM {MAINTENANCE_TABLE}) BEGIN "  # noqa: S608 - constants
        f"SELECT RAISE(ABORT, '{REFUSED}: a row is never changed nor deleted ({op})'); END",
    )
    for op in ("UPDATE", "DELETE")
]


def _triggers(connection):
    return {"postgresql": _POSTGRESQL_TRIGGERS, "sqlite": _SQLITE_TRIGGERS}.get(connection.vendor, [])


def drop_triggers(connection) -> None:
    """Remove the triggers (what a database owner can always do; the tests do it to check they are back)."""
    triggers.drop(connection, _triggers(connection))


def install_triggers(connection) -> None:
    """Create (or re-create) the function, the SQLite maintenance table and the triggers. Idempotent."""
    triggers.create(connection, _triggers(connection), functions=[_POSTGRESQL_FUNCTION])


def uninstall_triggers(connection) -> None:
    """Undo install_triggers (the migration's reverse); the maintenance table is rcp's, it stays."""
    with transaction.atomic(using=connection.alias):
        drop_triggers(connection)
        if connection.vendor == "postgresql":
            triggers.execute(connection, ["DROP FUNCTION IF EXISTS accounts_refuse_access_log_change()"])


def triggers_installed(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regprocedure('accounts_refuse_access_log_change()') IS NOT NULL")
            return cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [_SQLITE_TRIGGERS[0][0]]
            )
            return cursor.fetchone() is not None
    return False


def reinstall_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: put the triggers back (SQLite rebuilds a table to alter it, and its triggers go with
    the old one). Only where the migration that installs them has run."""
    connection = connections[using]
    if TABLE in connection.introspection.table_names() and _migrated(connection):
        install_triggers(connection)


def _migrated(connection) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return (
        recorder.has_table() and recorder.migration_qs.filter(app="accounts", name="0003_access_log").exists()
    )
