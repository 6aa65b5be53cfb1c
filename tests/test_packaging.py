"""pyproject.toml is the one list of dependencies: the code imports nothing it does not declare (else
`pip install .` gives a package that cannot import), and the two locks generated from it (`make lock`)
pin, with hashes, versions inside its ranges, the dev lock agreeing with the runtime one."""

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = PROJECT["dependencies"]
DEV = PROJECT["optional-dependencies"]["dev"]
FIRST_PARTY = {"rcp", "patients", "scoring", "tests"}


def read_lock(name: str) -> dict[str, tuple[Version, frozenset[str]]]:
    """{package: (pinned version, hashes)}; fails on a line that is not `name==version --hash=…`."""
    pins = {}
    for line in (ROOT / name).read_text().replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        package, pinned, version = requirement.partition("==")
        hashes = frozenset(option for option in options if option.startswith("--hash=sha256:"))
        assert pinned and hashes and len(hashes) == len(options), f"{name}: not pinned with hashes: {line}"
        pins[canonicalize_name(package)] = (Version(version), hashes)
    return pins


def declared_names(requirements: list[str]) -> set[str]:
    """The declared distributions, and those their extras bring (psycopg[pool] brings psycopg-pool)."""
    names = set()
    for requirement in map(Requirement, requirements):
        names.add(canonicalize_name(requirement.name))
        for extra in requirement.extras:
            for dependency in map(Requirement, metadata.requires(requirement.name) or []):
                if dependency.marker and dependency.marker.evaluate({"extra": extra}):
                    names.add(canonicalize_name(dependency.name))
    return names


def imported_modules(*packages: str) -> set[str]:
    modules = set()
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.partition(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.partition(".")[0])
    return modules


def configured_modules() -> set[str]:
    """Modules the settings name as strings: apps, middleware, backends."""
    from django.conf import settings

    paths = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, *settings.AUTHENTICATION_BACKENDS]
    paths += [storage["BACKEND"] for storage in settings.STORAGES.values()]
    return {path.partition(".")[0] for path in paths}


def undeclared(modules: set[str], requirements: list[str]) -> dict[str, list[str]]:
    declared = declared_names(requirements)
    distributions = metadata.packages_distributions()
    third_party = modules - FIRST_PARTY - set(sys.stdlib_module_names) - {"__future__"}
    return {
        module: distributions.get(module, ["(not installed)"])
        for module in sorted(third_party)
        if not declared & {canonicalize_name(name) for name in distributions.get(module, [])}
    }


def test_the_code_imports_only_declared_runtime_dependencies():
    modules = imported_modules("rcp", "patients", "scoring") | configured_modules()
    assert undeclared(modules, RUNTIME) == {}, "add them to [project] dependencies, then `make lock`"


def test_the_suite_imports_only_runtime_and_dev_dependencies():
    modules = imported_modules("tests")
    assert undeclared(modules, RUNTIME + DEV) == {}, "add them to the dev extra, then `make lock`"


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("requirements.lock", RUNTIME), ("requirements-dev.lock", RUNTIME + DEV)],
)
def test_each_lock_pins_a_version_inside_each_declared_range(lock, requirements):
    pins = read_lock(lock)
    outside = {
        str(requirement): str(pins[name][0]) if name in pins else "missing"
        for requirement in map(Requirement, requirements)
        if (name := canonicalize_name(requirement.name)) not in pins
        or not requirement.specifier.contains(pins[name][0], prereleases=True)
    }
    assert outside == {}, f"{lock} is stale: run `make lock`"


def test_the_dev_lock_pins_every_runtime_package_as_the_runtime_lock_does():
    runtime, dev = read_lock("requirements.lock"), read_lock("requirements-dev.lock")
    differing = {name: str(pin[0]) for name, pin in runtime.items() if dev.get(name) != pin}
    assert differing == {}, "the dev lock must be generated with -c requirements.lock: `make lock`"
