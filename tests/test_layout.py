"""The house's rules, read from the source with ``ast``: no import cycle, the core never imports
ingest/, ui/ or server/, the folder store's internals stay inside kb/store/, kb/'s top level stays small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kb", "ingest", "ui", "server")
FOLDER_STORE = "kb.store.folder"
MAX_TOP_MODULES = 10  # besides __init__.py and __main__.py


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    found["app"] = ROOT / "app.py"
    return found


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules ``path`` imports, anywhere in it (inside functions too)."""
    is_pkg = path.name == "__init__.py"
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in known:  # ``from kb.store import folder`` → kb.store.folder; a name → its module
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {n: imports(p, n, known) for n, p in mods.items()}


def test_no_import_cycle():
    g = graph()
    # a package's own __init__ is imported first by its modules' importers: not an edge of a cycle
    edges = {n: {t for t in ts if not n.startswith(t + ".")} for n, ts in g.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for t in sorted(edges.get(n, ())):
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t) :] + [t])
            elif t not in state:
                visit(t, stack + [t])
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n, [n])
    assert cycles == []


def test_the_core_never_imports_ingest_ui_or_server():
    bad = {
        (n, t)
        for n, ts in graph().items()
        if n.split(".")[0] == "kb"
        for t in ts
        if t.split(".")[0] in ("ingest", "ui", "server")
    }
    assert bad == set()


# No upward imports between the layers of kb/: state does not format, comparison keeps no state.
UPWARD = (("kb.tracking", "kb.reports"), ("kb.compare", "kb.tracking"), ("kb.policy", "kb.tracking"))


@pytest.mark.parametrize("lower,upper", UPWARD)
def test_no_upward_import_between_layers(lower, upper):
    bad = {(n, t) for n, ts in graph().items() if n.startswith(lower) for t in ts if t.startswith(upper)}
    assert bad == set()


def test_the_folder_store_is_used_only_through_kb_store():
    bad = {n for n, ts in graph().items() if FOLDER_STORE in ts and not n.startswith("kb.store")}
    assert bad == set()


def test_kb_top_level_is_small():
    top = [p.name for p in (ROOT / "kb").glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= MAX_TOP_MODULES, top


def test_the_graph_sees_a_cycle_when_there_is_one(tmp_path):
    """The walker itself: a relative import inside a function counts."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("def f():\n    from .b import g\n", encoding="utf-8")
    b.write_text("from .a import f\n", encoding="utf-8")
    assert imports(a, "pkg.a", {"pkg.a", "pkg.b"}) == {"pkg.b"}
    assert imports(b, "pkg.b", {"pkg.a", "pkg.b"}) == {"pkg.a"}
