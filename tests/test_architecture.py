"""The layout is the architecture: data flows ``web`` → ``stations`` → ``geodata``, no
module imports another that imports it back, and each layer imports only what it may.

Every import counts, also those inside functions (a lazy import still forms a cycle that
bites when both modules run); only ``if TYPE_CHECKING:`` blocks are left out.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("stations", "geodata", "web")
# What each part of stations/ may import from stations/ (besides itself and errors).
ALLOWED: dict[str, tuple[str, ...]] = {
    "stations.core": (),
    "stations.store": ("stations.core",),
    "stations.accounts": ("stations.core", "stations.store"),
    "stations.io": ("stations.core", "stations.store"),
    "stations.compliance": ("stations.core", "stations.store", "stations.accounts"),
    "stations.search": ("stations.core", "stations.store"),
    "stations.network": ("stations.core", "stations.store", "stations.search"),
    "stations.coverage": ("stations.core", "stations.store", "stations.search", "stations.io",
                          "stations.network"),
    "stations.render": ("stations.core", "stations.coverage", "stations.config"),
    "stations.ops": ("stations.core", "stations.store"),
    "stations.live": ("stations.core", "stations.store", "stations.accounts", "stations.search"),
}
MAX_MODULE_LINES = 450


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found[module_name(path)] = path
    return found


def _type_checking_lines(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skip.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return skip


@lru_cache(maxsize=1)
def import_graph() -> dict[str, set[str]]:
    """Module → the project's modules it imports (a submodule, when one is named)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in known else base)
        # a package's own __init__ is not an import edge of its submodules
        graph[name] = {t for t in targets if t in known and t != name and not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert cycles(import_graph()) == []


def _edges_from(prefix: str) -> list[tuple[str, str]]:
    return [(src, dst) for src, targets in import_graph().items()
            if src == prefix or src.startswith(prefix + ".") for dst in sorted(targets)]


def test_geodata_knows_nothing_of_stations_or_web() -> None:
    assert [(s, d) for s, d in _edges_from("geodata") if not d.startswith("geodata")] == []


def test_the_domain_never_imports_the_web_package_except_to_serve() -> None:
    bad = [(s, d) for s, d in _edges_from("stations")
           if d.startswith("web") and s != "stations.cli.serve"]
    assert bad == []


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_the_layers_below_it(part: str) -> None:
    allowed = (part, "stations.errors", *ALLOWED[part])
    bad = [(s, d) for s, d in _edges_from(part)
           if d.startswith("stations") and not any(d == a or d.startswith(a + ".") for a in allowed)]
    assert bad == []


def test_only_the_composition_root_and_entry_points_read_settings() -> None:
    """``get_settings()`` is called by the CLI and the app factory, nothing below them."""
    callers = sorted(name for name, path in modules().items()
                     if any(isinstance(node, ast.Call) and ast.unparse(node.func).endswith("get_settings")
                            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    assert set(callers) <= {"stations.config", "stations.cli.common", "stations.cli.serve", "web.app"}


def test_every_package_says_what_lives_there() -> None:
    missing = [name for name, path in modules().items()
               if path.name == "__init__.py" and ast.get_docstring(ast.parse(path.read_text())) is None]
    assert missing == []


def test_modules_stay_small() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
