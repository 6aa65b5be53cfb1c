"""Names sorted as a French reader expects: accents and case ignored first ("ébène" < "Échantillon" <
"Eve" < "Zola"), then accents, then case, digits by value.

PostgreSQL: an ICU collation created by migration 0004 (`fr-u-kn-true`: French, numbers by value).
SQLite has no ICU: the same name is registered on every new connection as a Python collation with the
same primary, secondary and tertiary levels. Querysets sort with `Collate(field, FRENCH)`.
"""

import re
import unicodedata

FRENCH = "fr_icu"
ICU_LOCALE = "fr-u-kn-true"

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_DIGITS = re.compile(r"\d+")


def _numbers_by_value(text: str) -> str:
    return _DIGITS.sub(lambda match: match.group().zfill(20), text)


def sort_key(text: str) -> tuple[str, str, str]:
    """(letters without accents or case, with accents, as written): ICU's three levels, roughly."""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return (
        _numbers_by_value(base.casefold().translate(_LIGATURES)),
        _numbers_by_value(text.casefold()),
        text.swapcase(),  # lower case before upper case at equal letters and accents, as ICU
    )


def compare(left: str, right: str) -> int:
    """The SQLite collation: -1, 0 or 1."""
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: give SQLite connections the collation PostgreSQL gets by migration."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, compare)
