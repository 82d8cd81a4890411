"""The import rules of ARCHITECTURE.md and the wings of earchive/ as one checker
(``tests/test_layering.py`` runs it on the project, and on made-up trees to show that it reports
what it must).

Every import counts: module level or inside a function, absolute or relative, ``import a.b`` and
``from a import b``. A module's imports of its own package's ``__init__`` (Python runs it first)
are not counted as edges, so a package that re-exports its modules is not a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Domain packages and what each may import (besides itself); ``earchive`` may import them all.
DOMAIN: Mapping[str, frozenset[str]] = {
    "standards": frozenset(),
    "package": frozenset({"standards"}),
    "preservation": frozenset({"standards", "package"}),
    "search": frozenset({"standards", "package"}),
    "ingest": frozenset({"standards", "package", "preservation", "search"}),
    "transfer": frozenset({"standards", "package"}),
}
APPLICATION = "earchive"
#: The application's wings, lowest first: a wing imports only wings before it.
WINGS = ("settings", "core", "auth", "services", "jobs", "access", "web", "cli")
#: Top-level modules of the application besides its wings.
APP_TOP_LEVEL = frozenset({"__init__", "__main__", "settings"})
#: Frameworks of the edges: only the web and CLI wings may import them.
EDGE_FRAMEWORKS = {
    "fastapi": ("web", "cli"),
    "starlette": ("web", "cli"),
    "uvicorn": ("web", "cli"),
    "typer": ("cli",),
    "rich": ("cli",),
}
#: The sample generator: only the CLI (and bench/, tests/) may import it.
SAMPLES = "samples"
PACKAGES = (*DOMAIN, APPLICATION, SAMPLES)


@dataclass(frozen=True)
class Import:
    source: str  # dotted module name
    target: str  # dotted name as imported (a module, or a package's attribute)
    line: int


def modules(root: Path) -> dict[str, Path]:
    """Every module of the project's packages under ``root``: dotted name → file."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> Iterator[Import]:
    """Every import in the module ``name`` (at ``path``), relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                yield Import(name, f"{module}.{alias.name}" if alias.name != "*" else module,
                             node.lineno)  # fmt: skip


def resolve(target: str, known: Mapping[str, Path]) -> str | None:
    """The project module an imported name lives in (the longest known prefix), or None."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def graph(root: Path) -> tuple[dict[str, set[str]], list[Import]]:
    """Module → the project modules it imports (own package ``__init__``s left out), and every
    import statement found."""
    known = modules(root)
    edges: dict[str, set[str]] = {m: set() for m in known}
    found: list[Import] = []
    for name, path in known.items():
        for imp in imports(name, path):
            found.append(imp)
            target = resolve(imp.target, known)
            if target is None or target == name or name.startswith(target + "."):
                continue
            edges[name].add(target)
    return edges, found


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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


def wing_of(module: str) -> str | None:
    """The wing of an application module (``earchive.web.app`` → ``web``)."""
    parts = module.split(".")
    if parts[0] != APPLICATION or len(parts) < 2:
        return None
    return parts[1]


def _import_rule(imp: Import, known: Mapping[str, Path]) -> str | None:
    """What is wrong with one import statement, if anything."""
    source, target = imp.source.split(".")[0], imp.target.split(".")[0]
    where = f"{imp.source}:{imp.line} imports {imp.target}"
    source_wing = wing_of(imp.source)
    if source in DOMAIN and target in PACKAGES and target not in DOMAIN[source] | {source}:
        return f"{where}: {source} may import only {sorted(DOMAIN[source])}"
    if target == SAMPLES and source != SAMPLES and source_wing != "cli":
        return f"{where}: the sample generator is for the CLI, bench/ and tests only"
    allowed = EDGE_FRAMEWORKS.get(target)
    if allowed is not None and source != SAMPLES and source_wing not in allowed:
        return f"{where}: {target} belongs in the wing(s) {', '.join(allowed)}"
    target_wing = wing_of(resolve(imp.target, known) or imp.target)
    rank = {wing: n for n, wing in enumerate(WINGS)}
    if rank.get(target_wing, -1) > rank.get(source_wing or "", len(WINGS)):
        return f"{where}: wing {source_wing} may not import the higher wing {target_wing}"
    return None


def _module_rule(name: str, path: Path) -> str | None:
    """What is wrong with where a module sits or what its package declares, if anything."""
    parts = name.split(".")
    top_level = parts[0] == APPLICATION and len(parts) == 2 and path.name != "__init__.py"
    if top_level and parts[1] not in APP_TOP_LEVEL:
        return f"{name}: a module at the top of earchive/ belongs in a wing"
    if path.name == "__init__.py" and "__all__" not in path.read_text(encoding="utf-8"):
        return f"{name}: package without __all__"
    return None


def violations(root: Path) -> list[str]:
    """Every broken rule under ``root``, one line each."""
    edges, found = graph(root)
    known = modules(root)
    problems = [p for imp in found if (p := _import_rule(imp, known))]
    problems += [p for name, path in known.items() if (p := _module_rule(name, path))]
    problems += ["import circle: " + " → ".join(c) for c in cycles(edges)]
    return problems
