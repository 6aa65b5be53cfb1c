"""The ANS value sets (jeux de valeurs, JDV) the Fiche RCP codes from, as data: rcp/interop/valuesets/*.json,
each the concepts of one JDV file of the ANS test kit, with its source (repository, commit, path) and
revision date. A coded element of the CDA is made only through `concept()`, which refuses a code outside
its value set: a wrong mapping fails when the document is made, never in a receiver's validator."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent / "valuesets"


@dataclass(frozen=True)
class Concept:
    code: str
    code_system: str
    display_name: str


@dataclass(frozen=True)
class ValueSet:
    name: str
    oid: str
    revision_date: str
    concepts: dict[tuple[str, str], Concept]

    def __contains__(self, key) -> bool:
        return key in self.concepts


@cache
def value_set(name: str) -> ValueSet:
    data = json.loads((DIRECTORY / f"{name}.json").read_text(encoding="utf-8"))
    concepts = {
        (c["code"], c["codeSystem"]): Concept(c["code"], c["codeSystem"], c["displayName"])
        for c in data["concepts"]
    }
    return ValueSet(data["name"], data["oid"], data["revisionDate"], concepts)


def concept(name: str, code: str, code_system: str) -> Concept:
    """The concept `code` of `code_system` in the value set `name` (KeyError if it is not there)."""
    try:
        return value_set(name).concepts[(code, code_system)]
    except KeyError:
        raise KeyError(f"{code} ({code_system}) is not in {name}") from None


def by_oid() -> dict[str, ValueSet]:
    return {vs.oid: vs for vs in (value_set(path.stem) for path in sorted(DIRECTORY.glob("*.json")))}
