"""The layers, as the imports say: domain <- services <- adapters / api <- functions.

Read from the source (no module is imported), so a lazy import inside a function counts as
much as one at the top. Composition roots are the only places that name adapters: the
functions themselves, the admin command line, and common/api/deps.py for the HTTP layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("common", "functions", "tools", "tests", "bench", "main")

# Each layer and what it may import from our own code (its own layer is always allowed).
ALLOWED = {
    "common.domain": set(),
    "common.settings": {"common.domain"},
    "common.logs": {"common.domain"},
    "common.services": {"common.domain", "common.settings", "common.logs"},
    "common.adapters": {"common.domain", "common.settings", "common.logs", "common.services"},
    "common.api": {"common.domain", "common.settings", "common.logs", "common.services"},
    "common.cli": {"common.domain", "common.settings", "common.logs", "common.services", "common.adapters", "common.api"},
    "functions": {"common.domain", "common.settings", "common.logs", "common.services", "common.adapters", "common.api"},
}
COMPOSITION_ROOTS = {"common.api.deps": {"common.adapters"}}  # builds the HTTP layer's ports


def modules() -> dict[str, Path]:
    found = {}
    for path in [*ROOT.glob("common/**/*.py"), *ROOT.glob("functions/*.py"), ROOT / "main.py"]:
        if "__pycache__" in path.parts or not path.exists():
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = modules()


def imports(name: str) -> set[str]:
    """Every module of ours that ``name`` imports, anywhere in its source."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            candidates = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for candidate in candidates:
            if candidate.split(".")[0] in OURS:
                # the module itself, or the package when a name imported from it is not a module
                found.add(candidate if candidate in MODULES or candidate.split(".")[0] not in ("common", "functions") else _owner(candidate))
    found.discard(name)
    return found


def _owner(dotted: str) -> str:
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted


def layer(name: str) -> str | None:
    for prefix in sorted(ALLOWED, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


@pytest.mark.parametrize("name", sorted(n for n in MODULES if layer(n)))
def test_each_module_imports_only_the_layers_below_it(name):
    own = layer(name)
    allowed = {own, *ALLOWED[own], *COMPOSITION_ROOTS.get(name, set())}
    wrong = sorted(t for t in imports(name) if layer(t) not in allowed)
    assert not wrong, f"{name} ({own}) imports {wrong}; it may import {sorted(allowed)}"


def test_nothing_in_the_code_imports_tools_tests_or_benchmarks():
    wrong = {n: sorted(t for t in imports(n) if t.split(".")[0] in ("tools", "tests", "bench")) for n in MODULES}
    assert not {n: t for n, t in wrong.items() if t}


def test_there_is_no_import_cycle():
    graph = {n: {t for t in imports(n) if t in MODULES} for n in MODULES}
    # A package's __init__ is run by importing any module in it: not a cycle by itself.
    cycles = _strongly_connected(graph)
    assert not cycles, f"import cycles: {cycles}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_guard_finds_what_it_guards():
    # The rules above only pass because the code follows them: a domain module that imported an
    # adapter, and two modules importing each other, would be caught.
    assert layer("common.domain.scoring") == "common.domain" and "common.adapters" not in ALLOWED["common.domain"]
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []
    assert "common.adapters.firestore" in imports("common.api.deps")


def test_the_configuration_imports_no_domain_rule_code():
    """Every function reads the settings at start-up: they name the rules' parameters
    (common/domain/rules.py), not the modules that apply them (import time is cold-start time)."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-c", "import sys, common.settings; print(*sorted(sys.modules))"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    domain = {m for m in loaded if m.startswith("common.domain.")}
    assert domain <= {"common.domain.model", "common.domain.rules", "common.domain.organisation", "common.domain.nip", "common.domain.clock"}, domain
