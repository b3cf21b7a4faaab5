"""pyproject.toml declares what the code imports directly, and nothing it never imports (issue 13, item 11):
a dependency that only arrives through another one can vanish with that one's next release."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Declared but never imported, on purpose, and why.
NOT_IMPORTED = {
    # Google's discovery documents, read from its package data by the emulator (crpatterns/emulator/core/
    # discovery.py finds them with importlib.util.find_spec("googleapiclient")).
    "google-api-python-client": "crpatterns",
    # Test tools run as commands or plugins, not imported.
    "pytest-xdist": "tests",
    "ruff": "tests",
}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {normal(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in project["dependencies"]}
    test = {normal(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in project["optional-dependencies"]["test"]}
    return names, test


# Google client packages imported by name (crpatterns/gcp/lazy_import.py imports their parts on demand).
IMPORTED_BY_NAME = re.compile(r"^google(?:\.[a-z_0-9]+)+$")


def imported_modules(folder: str) -> set[str]:
    """Absolute imports of third-party modules anywhere under the folder (inside functions too), and
    Google package names given to importlib. `from google.cloud import run_v2` counts as
    google.cloud.run_v2: the namespace `google.cloud` belongs to no one distribution."""
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                if node.module.split(".")[0] == "google":
                    found.update(f"{node.module}.{alias.name}" for alias in node.names)
                else:
                    found.add(node.module)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and IMPORTED_BY_NAME.match(node.value):
                found.add(node.value)
    first_party = ("crpatterns", "tests")
    return {m for m in found if m.split(".")[0] not in first_party and m.split(".")[0] not in sys.stdlib_module_names}


@cache
def _files_by_distribution() -> dict[str, set[str]]:
    """Module paths (dotted, without .py) each installed distribution provides under `google`."""
    provided: dict[str, set[str]] = {}
    for dist in importlib.metadata.distributions():
        dotted = {str(f).removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                  for f in dist.files or () if str(f).endswith(".py")}
        provided[normal(dist.metadata["Name"])] = dotted
    return provided


def distribution_of(module: str) -> str:
    """The distribution that provides a module: by its top-level name, or, for the `google` namespace
    that many distributions share, by the files each installs."""
    top = module.split(".")[0]
    owners = importlib.metadata.packages_distributions().get(top, [])
    if len(owners) == 1:
        return normal(owners[0])
    while module.count("."):
        matches = [dist for dist, modules in _files_by_distribution().items()
                   if any(m == module or m.startswith(module + ".") for m in modules)]
        if len(matches) == 1:
            return matches[0]
        if not matches:  # a name imported from a module (from google.x.y import SomeClass): its module
            module = module.rsplit(".", 1)[0]
            continue
        raise AssertionError(f"{module} is provided by several distributions: {matches}")
    raise AssertionError(f"no installed distribution provides {module}")


def test_every_module_the_tool_imports_comes_from_a_declared_dependency() -> None:
    runtime, _ = declared()
    missing = {m: distribution_of(m) for m in imported_modules("crpatterns") if distribution_of(m) not in runtime}
    assert not missing, f"imported but not declared in [project] dependencies: {missing}"


def test_every_declared_dependency_is_imported() -> None:
    runtime, test = declared()
    used = {distribution_of(m) for m in imported_modules("crpatterns")}
    used_by_tests = used | {distribution_of(m) for m in imported_modules("tests")}
    unused = {d for d in runtime - used if NOT_IMPORTED.get(d) != "crpatterns"}
    assert not unused, f"declared in [project] dependencies but never imported by crpatterns: {unused}"
    unused_test = {d for d in test - used_by_tests if NOT_IMPORTED.get(d) != "tests"}
    assert not unused_test, f"declared as test dependencies but never imported: {unused_test}"


def test_every_module_the_tests_import_is_declared() -> None:
    runtime, test = declared()
    missing = {m: distribution_of(m) for m in imported_modules("tests")
               if distribution_of(m) not in runtime | test}
    assert not missing, f"imported by the tests but not declared: {missing}"
