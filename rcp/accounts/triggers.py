"""Database triggers that refuse to change rows that must never change (a minute, a validated decision,
a row of the access log), on PostgreSQL and SQLite: the mechanics shared by `rcp.integrity` and
`rcp.accounts.audit`, which each declare their own triggers as (name, table, definition).

One maintenance flag lets a transaction that declares itself maintenance through every such trigger
(`rcp.integrity.integrity_maintenance`, used by `flush`): on PostgreSQL the transaction setting
MAINTENANCE_SETTING, on SQLite a row in MAINTENANCE_TABLE.
"""

from django.db import transaction

MAINTENANCE_SETTING = "rcp.integrity_maintenance"
MAINTENANCE_TABLE = "rcp_integrity_maintenance"


def execute(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)  # no parameters: the SQL is taken as written


def drop(connection, triggers) -> None:
    """Remove `triggers` (what a database owner can always do; the tests do it to play the attacker)."""
    on_table = connection.vendor == "postgresql"  # SQLite names triggers per schema, not per table
    execute(
        connection,
        [
            f"DROP TRIGGER IF EXISTS {name}{f' ON {table}' if on_table else ''}"
            for name, table, _sql in triggers
        ],
    )


def create(connection, triggers, *, functions=()) -> None:
    """(Re-)create the PostgreSQL `functions`, the SQLite maintenance table and `triggers`, as written
    here. Idempotent; one transaction."""
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            execute(connection, functions)
        elif connection.vendor == "sqlite":
            execute(connection, [f"CREATE TABLE IF NOT EXISTS {MAINTENANCE_TABLE} (reason text NOT NULL)"])
        drop(connection, triggers)
        execute(connection, [f"CREATE TRIGGER {name} {sql}" for name, _table, sql in triggers])
