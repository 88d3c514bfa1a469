"""The layer rules of docs/architecture.md, checked on the source (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "patnav"
CORE = ("analyses", "enrich", "reports", "search", "storage", "text", "schema")
"""Packages that never build settings themselves: their callers pass them in."""


def _modules(package: str = "") -> dict[str, Path]:
    root = SRC / package if package else SRC
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(("patnav", *parts))] = path
    return out


def _imports(path: Path) -> set[str]:
    """Every patnav module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("patnav"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "patnav"
        ):
            assert node.module is not None
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_text_imports_neither_search_nor_analyses():
    for name, path in _modules("text").items():
        above = {
            m
            for m in _imports(path)
            if m.startswith(("patnav.search", "patnav.analyses", "patnav.reports"))
        }
        assert not above, f"{name} imports {sorted(above)}"


def test_search_and_analyses_take_their_text_machinery_from_text():
    gone = ("patnav.search.analysis", "patnav.search.textmatch", "analyses/vocab")
    for name, path in {**_modules("search"), **_modules("analyses")}.items():
        text = path.read_text("utf-8")
        assert not any(g in text for g in gone), name
    assert not (SRC / "analyses" / "vocab").exists()
    assert (SRC / "text" / "vocab" / "stopwords_zh.txt").is_file()


def test_no_import_cycle_inside_search():
    modules = _modules("search")
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
        if not name.endswith("search")  # the package's __init__ re-exports
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (
                nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))
            ):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert not cycles, f"modules on an import cycle: {cycles}"


def test_core_packages_never_build_settings():
    for package in CORE:
        for name, path in _modules(package).items():
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = getattr(func, "id", None) or getattr(func, "attr", None)
                    assert called != "Settings", (
                        f"{name}:{node.lineno} builds Settings(): take the settings "
                        "(or the value needed) as a parameter"
                    )


def test_landscape_is_defined_once():
    defined = []
    for name, path in _modules().items():
        for node in ast.parse(path.read_text("utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            defined += [name for t in targets if getattr(t, "id", None) == "LANDSCAPE"]
    assert defined == ["patnav.analyses"]
