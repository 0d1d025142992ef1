"""The import structure: no module of claims/ or project/ imports itself back, and the layer contracts of
pyproject.toml ([tool.importlinter], which `make lint` checks too) are kept.

Imports inside functions count: a lazy import hides a cycle from Python, not from a reader. Imports under
``if TYPE_CHECKING`` do not: they are never run.
"""

from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    lines = []
    for importer in cycle:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & set(cycle)):
            where = ", ".join(
                f"l.{d['line_number']}" for d in graph.get_import_details(importer=importer, imported=imported)
            )
            lines.append(f"  {importer} -> {imported} ({where})")
    return "\n".join(lines)


def test_no_module_imports_itself_back():
    graph = grimp.build_graph("claims", "project", exclude_type_checking_imports=True, cache_dir=None)
    assert "claims.fetching.pipeline" in graph.modules  # every package of the app is seen, not skipped
    cycles = import_cycles(graph)
    assert not cycles, "Import cycles:\n" + "\n\n".join(describe(graph, cycle) for cycle in cycles)


def test_a_cycle_is_found_through_a_lazy_import():
    graph = grimp.ImportGraph()
    for module in ("app", "app.services", "app.tasks", "app.models"):
        graph.add_module(module)
    graph.add_import(importer="app.services", imported="app.models", line_number=1, line_contents="import")
    graph.add_import(importer="app.tasks", imported="app.services", line_number=1, line_contents="import")
    assert import_cycles(graph) == []
    graph.add_import(importer="app.services", imported="app.tasks", line_number=9, line_contents="    import")
    assert import_cycles(graph) == [["app.services", "app.tasks"]]


def test_the_layer_contracts_are_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
