"""The layer rules of docs/architecture.md, checked on the source (issue 13)."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
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


# -- errors ---------------------------------------------------------------------------

ERRORS = SRC / "errors.py"
LAYERED = {"CommandError": "patnav.cli"}
"""Exception classes that must live above the core (CommandError subclasses click's)."""


@lru_cache(maxsize=1)
def _exception_classes() -> dict[str, tuple[str, list[str]]]:
    """Every class of src whose bases make it an exception: name -> (module, bases)."""
    defined = [
        (name, node)
        for name, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.ClassDef)
    ]
    found: dict[str, tuple[str, list[str]]] = {}
    changed = True
    while changed:  # a class deriving from one found is one too
        changed = False
        for name, node in defined:
            if node.name not in found:
                bases = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
                if any(b in found or b.endswith(("Error", "Exception")) for b in bases):
                    found[node.name] = (name, bases)
                    changed = True
    return found


def test_every_exception_class_lives_in_errors_and_ends_in_error():
    classes = _exception_classes()
    misplaced = {
        n: m
        for n, (m, _) in classes.items()
        if m != "patnav.errors" and LAYERED.get(n) != m
    }
    assert not misplaced, f"exception classes outside patnav.errors: {misplaced}"
    badly_named = sorted(n for n in classes if not n.endswith("Error"))
    assert not badly_named, f"not named ...Error: {badly_named}"


def test_the_drawn_tree_lists_every_class_with_its_parent():
    import patnav.errors as errors

    tree = (errors.__doc__ or "").split("```")[1]
    drawn: dict[str, set[str]] = {}
    stack: list[tuple[int, str]] = []
    for line in tree.splitlines():
        found = re.search(r"[├└]── ([\w.]+)|^(\w[\w.]*)", line)
        if not found:
            continue
        name = (found.group(1) or found.group(2)).rsplit(".", 1)[-1]
        depth = found.start(1) if found.group(1) else 0
        while stack and stack[-1][0] >= depth:
            stack.pop()
        drawn.setdefault(name, set()).add(stack[-1][1] if stack else "")
        stack.append((depth, name))
    classes = _exception_classes()
    assert set(classes) <= set(drawn), sorted(set(classes) - set(drawn))
    for name, (_, bases) in classes.items():
        first = bases[0]
        parents = drawn[name]
        assert first in parents or first == "ClickException", (name, first, parents)


def test_every_error_class_is_raised_or_a_base_of_one():
    classes = _exception_classes()
    source = "\n".join(p.read_text("utf-8") for p in _modules().values())
    raised = {
        n for n in classes if re.search(rf"\b{n}\(", source.replace(f"class {n}(", ""))
    }
    bases = {b for n in raised for b in classes[n][1]}
    unused = sorted(set(classes) - raised - bases - {"PatnavError"})
    assert not unused, f"never raised: {unused}"


def _third_party_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_web_has_one_feature_module_per_router_and_features_never_see_http():
    features = {
        name.rsplit(".", 1)[1]: path
        for name, path in _modules("web/features").items()
        if name != "patnav.web.features"
    }
    routers = {
        name.rsplit(".", 1)[1]
        for name in _modules("web/routers")
        if name != "patnav.web.routers"
    }
    # every feature has its router; the routers without a feature module are the API
    # (which calls every feature) and the accounts' pages (on patnav.platform)
    assert set(features) - {"common"} <= routers
    assert routers - set(features) == {"api", "admin", "auth"}
    for name, path in features.items():
        assert not _third_party_imports(path) & {"fastapi", "starlette"}, name
        assert not any(m.startswith("patnav.web.routers") for m in _imports(path)), name
    assert not (SRC / "web" / "actions.py").exists()
    assert not (SRC / "web" / "publishing.py").exists()


def test_only_the_job_runner_starts_and_ends_jobs():
    """A job's lifecycle columns are written in one place, patnav/web/jobs.py."""
    writers = set()
    for name, path in _modules("web").items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                for target in targets:
                    for leaf in ast.walk(target):
                        if isinstance(leaf, ast.Attribute) and leaf.attr in (
                            "started_at",
                            "finished_at",
                        ):
                            writers.add(name)
    assert writers == {"patnav.web.jobs"}
