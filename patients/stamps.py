"""The record stamp: a value that changes with every write to a patient's record, kept by database
triggers so that no write escapes it (the ORM, the admin, a bulk update, a raw statement). Pages cache
what they derive from a record under its stamp (patients.record_cache): a write gives the record a new
stamp, and the next page computes afresh.

The value is random, not a counter: a rolled-back transaction cannot leave behind a stamp that a later
write would give again to another state of the record.

On SQLite a migration that alters a table rebuilds it, and the table's triggers go with the old one:
`reinstall_after_migrate` puts them back after every `migrate`, as rcp.integrity does for its own.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from rcp.accounts import triggers

STAMP_TABLE = "patients_recordstamp"

# Each table of the record, and how one of its rows (`row`, NEW or OLD) names its patient.
RECORD_TABLES = {
    "patients_patient": "{row}.id",
    "patients_primarytumour": "{row}.patient_id",
    "patients_molecularalteration": "{row}.patient_id",
    "patients_clinicalassessment": "{row}.patient_id",
    "patients_labresult": "{row}.patient_id",
    "patients_imagingexam": "{row}.patient_id",
    "patients_trackedlesion": "{row}.patient_id",
    "patients_metastaticsite": "{row}.patient_id",
    "patients_treatment": "{row}.patient_id",
    "patients_skeletalevent": "{row}.patient_id",
    "patients_scoreassessment": "{row}.patient_id",
    "patients_lesionobservation": "(SELECT patient_id FROM patients_imagingexam WHERE id = {row}.exam_id)",
    "patients_treatedlesion": "(SELECT patient_id FROM patients_trackedlesion WHERE id = {row}.lesion_id)",
}

_POSTGRESQL_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION patients_stamp_record(patient bigint) RETURNS void AS $$
    BEGIN
        IF patient IS NOT NULL THEN
            INSERT INTO {STAMP_TABLE} (patient_id, value)
            VALUES (patient, (random() * 9007199254740991)::bigint)
            ON CONFLICT (patient_id) DO UPDATE SET value = EXCLUDED.value;
        END IF;
    END $$ LANGUAGE plpgsql""",  # noqa: S608 - table names of this module, no input
    *(
        f"""CREATE OR REPLACE FUNCTION patients_stamp_{table}() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN PERFORM patients_stamp_record({patient.format(row="OLD")}); END IF;
            IF TG_OP <> 'DELETE' THEN PERFORM patients_stamp_record({patient.format(row="NEW")}); END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
        for table, patient in RECORD_TABLES.items()
    ),
]


def _sqlite_stamp(patient: str) -> str:
    # The WHERE clause also lifts SQLite's ambiguity between a SELECT's ON and an upsert's ON CONFLICT.
    return (
        f"INSERT INTO {STAMP_TABLE} (patient_id, value) SELECT {patient}, random() "
        f"WHERE {patient} IS NOT NULL ON CONFLICT (patient_id) DO UPDATE SET value = excluded.value;"
    )


def _triggers(vendor: str) -> list[tuple[str, str, str]]:
    """(name, table, definition) of every trigger, as rcp.accounts.triggers takes them."""
    if vendor == "postgresql":
        return [
            (
                f"patients_stamp_{table}",
                table,
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION patients_stamp_{table}()",
            )
            for table in RECORD_TABLES
        ]
    if vendor == "sqlite":
        rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}
        return [
            (
                f"patients_stamp_{table}_{event}",
                table,
                f"AFTER {event.upper()} ON {table} BEGIN "
                + " ".join(_sqlite_stamp(patient.format(row=row)) for row in rows[event])
                + " END",
            )
            for table, patient in RECORD_TABLES.items()
            for event in rows
        ]
    return []


def install_triggers(connection) -> None:
    """Create (or re-create) the stamp's functions and triggers. Idempotent; one transaction. (Not
    triggers.create: the SQLite maintenance table it adds is rcp.integrity's sign of being installed.)"""
    stamped = _triggers(connection.vendor)
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            triggers.execute(connection, _POSTGRESQL_FUNCTIONS)
        triggers.drop(connection, stamped)
        triggers.execute(connection, [f"CREATE TRIGGER {name} {sql}" for name, _table, sql in stamped])


def uninstall_triggers(connection) -> None:
    with transaction.atomic(using=connection.alias):
        triggers.drop(connection, _triggers(connection.vendor))
        if connection.vendor == "postgresql":
            triggers.execute(
                connection,
                [f"DROP FUNCTION IF EXISTS patients_stamp_{table}()" for table in RECORD_TABLES]
                + ["DROP FUNCTION IF EXISTS patients_stamp_record(bigint)"],
            )


def stamp_everyone(connection) -> None:
    """A stamp for every patient (the records that were there before the triggers)."""
    random = "(random() * 9007199254740991)::bigint" if connection.vendor == "postgresql" else "random()"
    triggers.execute(
        connection,
        [
            f"INSERT INTO {STAMP_TABLE} (patient_id, value) SELECT id, {random} FROM patients_patient "  # noqa: S608
            "WHERE true ON CONFLICT (patient_id) DO UPDATE SET value = excluded.value"
        ],
    )


def reinstall_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: put the triggers back (SQLite drops a table's triggers when a migration rebuilds it),
    and stamp every record anew: a migration may have changed records while the triggers were away."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if STAMP_TABLE not in connection.introspection.table_names(cursor):
            return  # the migration that creates the table is not applied
    install_triggers(connection)
    stamp_everyone(connection)
