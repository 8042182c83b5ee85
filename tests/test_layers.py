"""Dependencies point one way: sphinxext, cli, links, lint, checks → wording → clock → policy.

Every import in the package is read with :mod:`ast` (including imports inside functions and
under ``TYPE_CHECKING``), resolved to a module name, and checked against the layer order; the
lower layers never import Sphinx, docutils or MyST, so support tooling can use the policy and
the clock without a documentation toolchain.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "generlate_handbook"
ROOT = Path(__file__).resolve().parent.parent / "ext" / PACKAGE
# Lowest first. Anything not named here (checks, cli, lint, sphinxext, links) is the top layer.
LAYERS = ("policy", "clock", "wording")
TOP = len(LAYERS)
DOCS_TOOLCHAIN = {"sphinx", "docutils", "myst_parser"}


def layer_of(module: str) -> int:
    """The layer of a module of the package, by its first name under the package."""
    first = module.removeprefix(f"{PACKAGE}.").split(".")[0]
    return LAYERS.index(first) if first in LAYERS else TOP


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """``(line, imported module)`` for every import in ``source``, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield node.lineno, target
            if node.module is None:  # from . import clock: the names are modules
                yield from ((node.lineno, f"{target}.{alias.name}") for alias in node.names)


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    own = layer_of(module)
    found = []
    for line, target in imports(source, module, is_package):
        top_name = target.split(".")[0]
        if top_name == PACKAGE and target != PACKAGE and layer_of(target) > own:
            found.append(f"{module}:{line} imports {target}, a layer above it")
        if own < TOP and top_name in DOCS_TOOLCHAIN:
            found.append(f"{module}:{line} imports {target}, a documentation toolchain")
    return found


def package_modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def test_every_import_points_down_the_layers() -> None:
    problems = [
        problem
        for path in package_modules()
        for problem in violations(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
    ]
    assert problems == []


def test_each_layer_is_populated() -> None:
    """The order above means something: every named layer has modules."""
    layers = {layer_of(module_name(path)) for path in package_modules()}
    assert layers == set(range(TOP + 1))


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("generlate_handbook.clock.deadlines", "from ..wording import x", "wording, a layer"),
        ("generlate_handbook.policy.model", "from ..clock.schedule import S", "clock.schedule"),
        ("generlate_handbook.policy.model", "from .. import clock", "generlate_handbook.clock,"),
        ("generlate_handbook.wording", "import generlate_handbook.cli", "generlate_handbook.cli"),
        ("generlate_handbook.clock.index", "def f():\n    from ..sphinxext import a", "sphinxext"),
        ("generlate_handbook.clock.api", "from docutils import nodes", "documentation toolchain"),
        ("generlate_handbook.policy.load", "import sphinx.util", "documentation toolchain"),
    ],
    ids=["clock-wording", "policy-clock", "from-dots", "absolute", "in-function", "docutils", "sx"],
)
def test_the_rule_catches(module: str, source: str, expected: str) -> None:
    (problem,) = violations(source, module)
    assert expected in problem


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("generlate_handbook.clock.schedule", "from ..policy.units import DAY_NAMES"),
        ("generlate_handbook.wording", "from .clock import due\nfrom .policy import model"),
        ("generlate_handbook.sphinxext.role", "from ..wording import x\nfrom sphinx import a"),
        ("generlate_handbook.cli", "from . import clock as biz"),
        ("generlate_handbook.clock", "from .api import due"),
    ],
)
def test_the_rule_allows(module: str, source: str) -> None:
    assert violations(source, module, is_package=module.endswith(".clock")) == []
