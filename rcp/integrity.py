"""Minutes that cannot be altered unseen: database triggers refuse the change, a hash chain reveals it.

Two layers, because each covers what the other cannot:

1. **Triggers** (installed by migration 0006, re-installed after every `migrate`) refuse, below the ORM,
   any UPDATE or DELETE of a minute, of a minute's PDF and of a validated decision (PostgreSQL also
   refuses TRUNCATE of these tables), and any INSERT, UPDATE or DELETE of a validated decision's proposal
   lines. A draft decision changes freely; validating it is an UPDATE from a draft, allowed.
2. **The chain**: each centre's minutes form one chain, in the order they were validated (amendments
   included). A minute stores its `position` in the chain, the `previous_chain_sha256` of the minute
   before it (64 zeros for the first) and its own `chain_sha256`, the SHA-256 of the UTF-8 bytes of
   this canonical JSON (keys sorted, separators "," and ":", non-ASCII characters kept, floats with an
   integral value written as integers, so that the text read back from PostgreSQL's jsonb is the same):

       {"centre": <centre id>, "decision": <decision id>, "number": "<number>", "pdf_sha256": "<sha256>",
        "position": <position>, "previous": "<previous_chain_sha256>", "snapshot": <snapshot>,
        "version": <version>}

   Rewriting a minute's PDF with its SHA-256, or its snapshot, number or version, no longer matches its
   `chain_sha256`; rewriting that too no longer matches the `previous_chain_sha256` of the next minute.
   Only a rewrite of the whole tail of a chain stays consistent: `verify_minutes` prints each chain's
   head, to be written down elsewhere (a register, a ticket) so that such a rewrite shows too.
   This recipe is frozen: changing it breaks every stored chain.
3. **The PDF, rendered after the minute** (since the worker, rcp/documents.py). Validation only numbers
   the minute and freezes its snapshot; the worker renders the PDF after the commit, from the snapshot
   alone, into `MinutePdf` (one per minute, insert only: the same triggers refuse its UPDATE, DELETE and
   TRUNCATE). Such a minute is inserted with an empty `pdf` and `sha256`, so its chain hash has
   `"pdf_sha256": ""` (the recipe unchanged): the chain seals the snapshot, which is what was decided;
   the PDF is its rendering, stored with its own SHA-256, checked on each reading and by
   `verify_minutes`. The minutes numbered before the worker keep their PDF and chained SHA-256 in
   their own row; a copy was inserted into `MinutePdf` (migration 0008): both must match the chained
   SHA-256. What this does not catch: whoever drops the triggers and rewrites a worker-rendered PDF
   together with its own SHA-256; the snapshot it was rendered from, chained, still says what the
   minute holds (the PDF embeds the decision as JSON, to compare).
4. **The Fiche RCP (CDA)**, made by the worker from the snapshot with the PDF, embedded in it and stored
   in the same MinutePdf row with its own SHA-256 (`cda`, `cda_sha256`), checked like the PDF. A row
   rendered before the CDA was stored has neither (its CDA is made from the snapshot when asked).

Who owns the database can drop the triggers; then the chain and the hash show what changed.
`integrity_maintenance()` lets one transaction through the triggers: `flush` uses it (it deletes
everything; on SQLite it deletes row by row) and so may a data migration that must touch frozen rows.
"""

import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rcp.accounts import triggers

logger = logging.getLogger("rcp.integrity")

GENESIS = "0" * 64  # the "previous" of a centre's first minute


# --- the chain ---------------------------------------------------------------------------------------


def _canonical(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def chain_hash(*, previous, centre_id, position, decision_id, number, version, pdf_sha256, snapshot) -> str:
    """The `chain_sha256` of a minute (the recipe in this module's docstring)."""
    content = {
        "centre": centre_id,
        "decision": decision_id,
        "number": number,
        "pdf_sha256": pdf_sha256,
        "position": position,
        "previous": previous,
        "snapshot": snapshot,
        "version": version,
    }
    text = json.dumps(_canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def minute_chain_hash(minute) -> str:
    """The chain hash that `minute`'s stored content gives."""
    return chain_hash(
        previous=minute.previous_chain_sha256,
        centre_id=minute.centre_id,
        position=minute.position,
        decision_id=minute.decision_id,
        number=minute.number,
        version=minute.version,
        pdf_sha256=minute.sha256,
        snapshot=minute.snapshot,
    )


def next_link(centre_id) -> tuple[int, str]:
    """(position, previous chain hash) of the next minute of a centre. The caller holds the centre's
    chain lock (validate_decision does), so two minutes never take the same place."""
    from .models import Minute

    last = (
        Minute.objects.filter(centre_id=centre_id)
        .order_by("-position")
        .values_list("position", "chain_sha256")
        .first()
    )
    return (last[0] + 1, last[1]) if last else (1, GENESIS)


# --- verification ------------------------------------------------------------------------------------

PDF, CDA, CONTENT, PREVIOUS, NEXT = "pdf", "cda", "content", "previous", "next"


def _problem_labels():
    return {
        PDF: _("the PDF no longer matches its SHA-256"),
        CDA: _("the Fiche RCP (CDA) no longer matches its SHA-256"),
        CONTENT: _(
            "the minute no longer matches its chain hash (its number, version, data or SHA-256 rewritten)"
        ),
        PREVIOUS: _("its link to the centre’s previous minute is broken (that minute rewritten or missing)"),
        NEXT: _("the centre’s next minute no longer points at this one (this minute rewritten)"),
    }


@dataclass(frozen=True)
class Verdict:
    """What the check of one minute found: nothing (intact) or the problems, in the order checked."""

    minute: object
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        labels = _problem_labels()
        return "; ".join(str(labels[problem]) for problem in self.problems)


def _sha256(data) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


def rendered_pdf(minute):
    """The minute's MinutePdf, or None while the worker has not rendered it (a query unless the minutes
    were loaded with select_related("rendered"))."""
    from .models import MinutePdf

    try:
        return minute.rendered
    except MinutePdf.DoesNotExist:
        return None


def pdf_intact(minute) -> bool:
    """A minute numbered before the worker: its own PDF, and the copy in MinutePdf, match the chained
    SHA-256. One rendered by the worker: its own PDF is still empty, and its MinutePdf (once there)
    matches the SHA-256 stored with it."""
    rendered = rendered_pdf(minute)
    if minute.sha256:
        return _sha256(minute.pdf) == minute.sha256 and (
            rendered is None or (rendered.sha256 == minute.sha256 and _sha256(rendered.pdf) == minute.sha256)
        )
    return not bytes(minute.pdf) and (rendered is None or _sha256(rendered.pdf) == rendered.sha256)


def cda_intact(minute) -> bool:
    """The Fiche RCP stored with the minute's PDF matches the SHA-256 stored with it; true while there is
    none (not rendered yet, or rendered before the CDA was stored: both columns empty)."""
    rendered = rendered_pdf(minute)
    if rendered is None or (rendered.cda is None and not rendered.cda_sha256):
        return True
    return rendered.cda is not None and _sha256(rendered.cda) == rendered.cda_sha256


def check(minute, *, previous_chain, next_previous=None) -> Verdict:
    """Check one minute, without a query if loaded with its MinutePdf (select_related("rendered")): its
    PDF and its CDA against their SHA-256 (`pdf_intact`, `cda_intact`), its content against its chain
    hash, its link to the minute before it (`previous_chain`: that minute's chain hash, GENESIS for the
    first, None when it is missing) and, if given, the link from the minute after it (`next_previous`:
    that minute's previous_chain_sha256; None when there is none yet, or not to check it)."""
    problems = []
    if not pdf_intact(minute):
        problems.append(PDF)
    if not cda_intact(minute):
        problems.append(CDA)
    if minute_chain_hash(minute) != minute.chain_sha256:
        problems.append(CONTENT)
    if previous_chain is None or previous_chain != minute.previous_chain_sha256:
        problems.append(PREVIOUS)
    if next_previous is not None and next_previous != minute.chain_sha256:
        problems.append(NEXT)
    return Verdict(minute=minute, problems=tuple(problems))


def verify_minutes(minutes) -> dict[int, Verdict]:
    """{minute pk: Verdict} for minutes loaded with their PDF, each checked with its neighbours in its
    centre's chain (the minutes just before and just after it): one query whatever their number."""
    from .models import Minute

    minutes = list(minutes)
    if not minutes:
        return {}
    neighbours = reduce(
        or_, (Q(centre_id=m.centre_id, position__in=[m.position - 1, m.position + 1]) for m in minutes)
    )
    links = {
        (centre, position): (previous, chain)
        for centre, position, previous, chain in Minute.objects.filter(neighbours).values_list(
            "centre_id", "position", "previous_chain_sha256", "chain_sha256"
        )
    }
    verdicts = {}
    for m in minutes:
        before = links.get((m.centre_id, m.position - 1))
        after = links.get((m.centre_id, m.position + 1))
        verdicts[m.pk] = check(
            m,
            previous_chain=GENESIS if m.position == 1 else (before[1] if before else None),
            next_previous=after[0] if after else None,
        )
    return verdicts


def verify_minute(minute) -> Verdict:
    """The verdict on one minute: its PDF, its content, its links with the minutes before and after it
    in its centre's chain (one query)."""
    return verify_minutes([minute])[minute.pk]


@dataclass(frozen=True)
class ChainReport:
    centre: object
    count: int  # minutes walked (up to the break, included)
    head: str  # the chain hash of the last minute that verified
    first_break: Verdict | None
    before_break: object = None  # the minute before the break, if any

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chain(centre) -> ChainReport:
    """Walk a centre's chain from its first minute; stop at the first break (a minute whose PDF, content
    or link to the one before does not verify, a missing or repeated position among them)."""
    from .models import Minute

    previous, before, count = GENESIS, None, 0
    minutes = (
        Minute.objects.filter(centre=centre)
        .select_related("rendered")
        .order_by("position")
        .iterator(chunk_size=50)
    )
    for count, minute in enumerate(minutes, start=1):  # noqa: B007 (count is read after the loop)
        verdict = check(minute, previous_chain=previous if minute.position == count else None)
        if not verdict.ok:
            return ChainReport(centre, count, previous, first_break=verdict, before_break=before)
        previous, before = minute.chain_sha256, minute
    return ChainReport(centre, count, previous, first_break=None)


def log_altered(verdict: Verdict, *, where: str) -> None:
    minute = verdict.minute
    logger.error(
        "Minute %s (%s v%s) failed its integrity check (%s): %s",
        minute.pk,
        minute.number,
        minute.version,
        where,
        ", ".join(verdict.problems),
        extra={"minute_id": minute.pk, "minute_number": minute.number, "problems": verdict.problems},
    )


# --- triggers ----------------------------------------------------------------------------------------

MAINTENANCE_TABLE = triggers.MAINTENANCE_TABLE  # SQLite: a row in it lets the transaction through
MAINTENANCE_SETTING = triggers.MAINTENANCE_SETTING  # PostgreSQL: the same, as a transaction setting

_POSTGRESQL_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION rcp_integrity_maintenance() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('{MAINTENANCE_SETTING}', true), '') = 'on'
$$""",
    """
CREATE OR REPLACE FUNCTION rcp_refuse_minute_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rcp_integrity_maintenance() THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'rcp integrity: a minute is never changed nor deleted (' || TG_OP || ')';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$""",
    """
CREATE OR REPLACE FUNCTION rcp_refuse_validated_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND NOT rcp_integrity_maintenance() THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'rcp integrity: a validated decision is never changed nor deleted (' || TG_OP || ')';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$""",
    """
CREATE OR REPLACE FUNCTION rcp_refuse_frozen_line_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen boolean := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        frozen := EXISTS (SELECT 1 FROM rcp_decision WHERE id = OLD.decision_id AND status <> 'draft');
    END IF;
    IF TG_OP <> 'DELETE' AND NOT frozen THEN
        frozen := EXISTS (SELECT 1 FROM rcp_decision WHERE id = NEW.decision_id AND status <> 'draft');
    END IF;
    IF frozen AND NOT rcp_integrity_maintenance() THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'rcp integrity: a validated decision''s proposal lines never change (' || TG_OP || ')';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$""",
    """
CREATE OR REPLACE FUNCTION rcp_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rcp_integrity_maintenance() THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'rcp integrity: ' || TG_TABLE_NAME || ' is never truncated';
    END IF;
    RETURN NULL;
END
$$""",
]

# (name, table, definition after "CREATE TRIGGER name")
_POSTGRESQL_TRIGGERS = [
    (
        "rcp_minute_immutable",
        "rcp_minute",
        "BEFORE UPDATE OR DELETE ON rcp_minute FOR EACH ROW EXECUTE FUNCTION rcp_refuse_minute_change()",
    ),
    (
        "rcp_minute_no_truncate",
        "rcp_minute",
        "BEFORE TRUNCATE ON rcp_minute FOR EACH STATEMENT EXECUTE FUNCTION rcp_refuse_truncate()",
    ),
    (
        "rcp_minutepdf_immutable",
        "rcp_minutepdf",
        "BEFORE UPDATE OR DELETE ON rcp_minutepdf FOR EACH ROW EXECUTE FUNCTION rcp_refuse_minute_change()",
    ),
    (
        "rcp_minutepdf_no_truncate",
        "rcp_minutepdf",
        "BEFORE TRUNCATE ON rcp_minutepdf FOR EACH STATEMENT EXECUTE FUNCTION rcp_refuse_truncate()",
    ),
    (
        "rcp_decision_validated_immutable",
        "rcp_decision",
        "BEFORE UPDATE OR DELETE ON rcp_decision FOR EACH ROW "
        "EXECUTE FUNCTION rcp_refuse_validated_decision_change()",
    ),
    (
        "rcp_decision_no_truncate",
        "rcp_decision",
        "BEFORE TRUNCATE ON rcp_decision FOR EACH STATEMENT EXECUTE FUNCTION rcp_refuse_truncate()",
    ),
    (
        "rcp_proposalline_frozen",
        "rcp_proposalline",
        "BEFORE INSERT OR UPDATE OR DELETE ON rcp_proposalline FOR EACH ROW "
        "EXECUTE FUNCTION rcp_refuse_frozen_line_change()",
    ),
]

_SQLITE_LET_THROUGH = "NOT EXISTS (SELECT 1 FROM rcp_integrity_maintenance)"
_SQLITE_TRIGGERS = (
    [
        (
            f"{table}_no_{op.lower()}",
            table,
            f"BEFORE {op} ON {table} WHEN {_SQLITE_LET_THROUGH} BEGIN "
            f"SELECT RAISE(ABORT, 'rcp integrity: a minute is never changed nor deleted ({op})'); END",
        )
        for table in ("rcp_minute", "rcp_minutepdf")
        for op in ("UPDATE", "DELETE")
    ]
    + [
        (
            f"rcp_decision_validated_no_{op.lower()}",
            "rcp_decision",
            f"BEFORE {op} ON rcp_decision WHEN OLD.status <> 'draft' AND {_SQLITE_LET_THROUGH} BEGIN "
            "SELECT RAISE(ABORT, "
            f"'rcp integrity: a validated decision is never changed nor deleted ({op})'); END",
        )
        for op in ("UPDATE", "DELETE")
    ]
    + [
        # A proposal line of a validated decision: neither added, changed, moved nor deleted.
        (
            f"rcp_proposalline_frozen_{op.lower()}",
            "rcp_proposalline",
            # Built from constants only (the operation and the rows' columns below): no injection.
            f"BEFORE {op} ON rcp_proposalline WHEN EXISTS (SELECT 1 FROM rcp_decision "  # noqa: S608
            f"WHERE status <> 'draft' AND id IN ({rows})) AND {_SQLITE_LET_THROUGH} BEGIN "
            "SELECT RAISE(ABORT, "
            f"'rcp integrity: the proposal lines of a validated decision never change ({op})'); END",
        )
        for op, rows in (
            ("INSERT", "NEW.decision_id"),
            ("UPDATE", "OLD.decision_id, NEW.decision_id"),
            ("DELETE", "OLD.decision_id"),
        )
    ]
)


def _triggers(connection):
    """The triggers of the tables that exist: migration 0006 installs them before 0008 creates
    rcp_minutepdf (and 0010 rcp_proposalline), which then installs them again."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    triggers = {"postgresql": _POSTGRESQL_TRIGGERS, "sqlite": _SQLITE_TRIGGERS}.get(connection.vendor, [])
    return [trigger for trigger in triggers if trigger[1] in tables]


def drop_triggers(connection) -> None:
    """Remove the triggers (what a database owner can always do; the tests do it to play the attacker)."""
    triggers.drop(connection, _triggers(connection))


def install_triggers(connection) -> None:
    """Create (or re-create, as written here) the functions, the SQLite maintenance table and the
    triggers. Idempotent; one transaction."""
    triggers.create(connection, _triggers(connection), functions=_POSTGRESQL_FUNCTIONS)


def uninstall_triggers(connection) -> None:
    """Undo install_triggers (the migration's reverse)."""
    with transaction.atomic(using=connection.alias):
        drop_triggers(connection)
        if connection.vendor == "postgresql":
            triggers.execute(
                connection,
                [
                    "DROP FUNCTION IF EXISTS rcp_refuse_minute_change()",
                    "DROP FUNCTION IF EXISTS rcp_refuse_validated_decision_change()",
                    "DROP FUNCTION IF EXISTS rcp_refuse_frozen_line_change()",
                    "DROP FUNCTION IF EXISTS rcp_refuse_truncate()",
                    "DROP FUNCTION IF EXISTS rcp_integrity_maintenance()",
                ],
            )
        elif connection.vendor == "sqlite":
            triggers.execute(connection, [f"DROP TABLE IF EXISTS {MAINTENANCE_TABLE}"])


def triggers_installed(connection) -> bool:
    """Whether install_triggers ran on this database (and the migration that calls it is applied)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regprocedure('rcp_integrity_maintenance()') IS NOT NULL")
            return cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            return MAINTENANCE_TABLE in connection.introspection.table_names(cursor)
    return False


def reinstall_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: put the triggers back. On SQLite, a migration that alters rcp_minute or rcp_decision
    rebuilds the table, and the table's triggers go with the old one."""
    connection = connections[using]
    if triggers_installed(connection):
        install_triggers(connection)


@contextmanager
def integrity_maintenance(using=DEFAULT_DB_ALIAS):
    """Let this transaction through the triggers (for `flush`, which empties every table). Any change it
    makes to a minute still shows in the chain."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if not triggers_installed(connection):
            yield
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT set_config('{MAINTENANCE_SETTING}', 'on', true)")
            else:
                cursor.execute("INSERT INTO rcp_integrity_maintenance (reason) VALUES ('maintenance')")
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT set_config('{MAINTENANCE_SETTING}', '', true)")
            else:
                cursor.execute("DELETE FROM rcp_integrity_maintenance")
