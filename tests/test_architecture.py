"""The layering: subpackages import only downward, and only the engine builds a model."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"

LAYER = {"fileio": 0, "scenario": 0, "core": 0, "engines": 0, "model": 1, "engine": 2, "analysis": 3, "calibration": 3,
         "report": 4, "web": 5, "cli": 6, "api": 5, "__main__": 7,
         "check_python": 0}   # standard library only: it runs before anything is installed
"""Each subpackage's layer: a module may import its own subpackage and lower layers only."""


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "sim" and len(parts) > 1 else None


def imports(path: Path) -> set[str]:
    """Every ``sim.*`` module ``path`` imports, at the top, inside functions or under TYPE_CHECKING."""
    here = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = here.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("sim")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("sim"):
                found.add(module)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "import_module":
            pass  # the lazy packages import their own modules only
    return found


def edges() -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for path in SIM.rglob("*.py"):
        source = package_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if source is None or source == "__init__":
            continue
        for module in imports(path):
            target = package_of(module)
            if target and target != source:
                out.setdefault((source, target), []).append(str(path.relative_to(ROOT)))
    return out


def test_every_subpackage_has_a_layer():
    names = {p.name for p in SIM.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    names |= {p.stem for p in SIM.glob("*.py") if p.stem != "__init__"}
    assert names == set(LAYER)


def test_imports_only_go_down():
    upward = {f"{a} -> {b} ({', '.join(sorted(set(files)))})" for (a, b), files in edges().items()
              if LAYER[b] >= LAYER[a]}
    assert not upward, "imports that go up or sideways:\n" + "\n".join(sorted(upward))


def test_no_import_cycle_between_subpackages():
    graph: dict[str, set[str]] = {}
    for a, b in edges():
        graph.setdefault(a, set()).add(b)
    seen, stack = set(), set()

    def visit(node: str, trail: list[str]) -> None:
        assert node not in stack, "cycle: " + " -> ".join([*trail, node])
        if node in seen:
            return
        stack.add(node)
        for nxt in graph.get(node, ()):
            visit(nxt, [*trail, node])
        stack.discard(node)
        seen.add(node)

    for node in list(graph):
        visit(node, [])


def test_core_and_scenario_import_nothing_above_them():
    for (a, b), files in edges().items():
        assert a not in ("core", "scenario") or b == "fileio" and a == "scenario", (a, b, files)


def test_only_the_engine_constructs_a_negotiation_model():
    builders = []
    for folder in ("sim", "tests", "experiments", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", None))
                    if name == "NegotiationModel":
                        builders.append(str(path.relative_to(ROOT)))
    assert builders == ["sim/engine/build.py"]


def module_graph() -> dict[str, set[str]]:
    """Which ``sim`` module imports which (at the top, in functions or under TYPE_CHECKING; a package's
    ``__init__`` counts as the package)."""
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in SIM.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for module in imports(path):
            while module and module not in modules:   # `from sim.x import name` names module sim.x
                module = module.rsplit(".", 1)[0] if "." in module else ""
            if module and module != name:
                targets.add(module)
        graph[name] = targets
    return graph


def test_no_import_circle_between_modules():
    """No module imports, even for type checking, a module that imports it back (directly or around a
    circle): each layer, and each module within a layer, reads only what is below it. Packages may
    import their own modules (``sim/model/__init__`` exports lazily, ``sim/__init__`` the API)."""
    graph = module_graph()
    packages = {name for name in graph if (ROOT / Path(*name.split("."))).is_dir()}
    circles = set()

    def visit(node: str, trail: list[str], on_stack: set[str], done: set[str]) -> None:
        if node in on_stack:
            circle = trail[trail.index(node):] + [node]
            if not any(step in packages and nxt.startswith(step + ".") for step, nxt in itertools.pairwise(circle)):
                circles.add(" -> ".join(circle))
            return
        if node in done:
            return
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*trail, node], on_stack, done)
        on_stack.discard(node)
        done.add(node)

    done: set[str] = set()
    for node in sorted(graph):
        visit(node, [], set(), done)
    assert not circles, "import circles:\n" + "\n".join(sorted(circles))
