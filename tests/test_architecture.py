"""The structure of the code, as ``docs/architecture.md`` draws it.

The layering itself is the import contract in ``pyproject.toml`` (``lint-imports``, run by
``make test``). These tests add what the contract cannot say: no module imports itself back
through others (imports inside functions counted), and every import inside a function says
why it is there, with one of the reasons below.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessments", "kia")

# The only reasons for an import inside a function (``
REASONS = {
    # A library that takes long to import (WeasyPrint about 0.8 s with Pango, openpyxl and
    # pypdf about 0.2 s): only the code that uses it pays, not every process that starts.
    "slow",
    # Code that runs once Django's app registry is ready (``AppConfig.ready``).
    "app registry",
    # A data migration that runs today's code (the migration says why it may).
    "migration",
}
NOQA = re.compile(r"#\s*noqa:\s*[A-Z0-9, ]*PLC0415[A-Z0-9, ]*--\s*([a-z ]+?)(?::|$)")


def _sources() -> list[Path]:
    files = [ROOT / "manage.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _imports_inside_functions(path: Path):
    tree = ast.parse(path.read_text())
    lines = path.read_text().splitlines()

    def walk(node: ast.AST, inside: bool):
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if inside and isinstance(child, ast.Import | ast.ImportFrom):
                yield child.lineno, lines[child.lineno - 1]
            yield from walk(child, nested)

    yield from walk(tree, False)


def test_every_import_inside_a_function_gives_its_reason():
    unexplained = []
    counted = 0
    for path in _sources():
        for line_number, line in _imports_inside_functions(path):
            counted += 1
            found = NOQA.search(line)
            if found is None or found.group(1).strip() not in REASONS:
                unexplained.append(f"{path.relative_to(ROOT)}:{line_number}: {line.strip()}")
    assert counted > 0  # the walk sees imports inside functions at all
    assert not unexplained, (
        "An import inside a function needs '# noqa: PLC0415 -- <reason>' with a reason of "
        f"tests/test_architecture.py ({', '.join(sorted(REASONS))}), or belongs at the top:\n"
        + "\n".join(unexplained)
    )


def _graph() -> grimp.ImportGraph:
    # grimp reads every import statement, those inside functions included.
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), plus modules
    that import themselves."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        work = [(module, iter(sorted(graph.find_modules_directly_imported_by(module))))]
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
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

    for module in modules:
        if module not in index:
            visit(module)
    found += [[m] for m in modules if m in graph.find_modules_directly_imported_by(m)]
    return found


def test_no_import_cycles():
    graph = _graph()
    assert len(graph.modules) > 100  # the whole app was read
    cycles = _cycles(graph)
    assert not cycles, "Modules that import each other (through others): " + "; ".join(
        " ↔ ".join(cycle) for cycle in cycles
    )


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: a graph with a loop through three modules is one."""
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z", "a.free"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    graph.add_import(importer="a.free", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]
