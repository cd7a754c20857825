"""Covers the package layout: imports go one way (theory <- numerics <- verify); public names are documented."""

import ast
import re
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"theory": {"numerics", "verify"}, "numerics": {"verify"}, "verify": set()}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(package):
    for path in (ROOT / package).rglob("*.py"):
        bad = _imports(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


GLOBAL_STATE = re.compile(r"np\.random\.seed|random\.seed|mp\.(dps|prec)\s*=|mp\.mp\.(dps|prec)\s*=")
SAMPLING = re.compile(r"np\.random|default_rng|random\.|Generator")
UNSAFE_PARSING = re.compile(r"\b(sympify|parse_expr|eval|exec)\(")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_global_randomness_or_precision_and_no_string_parsing(package):
    for path in (ROOT / package).rglob("*.py"):
        text = path.read_text()
        assert not GLOBAL_STATE.search(text), f"{path.name} sets global random or precision state"
        assert not UNSAFE_PARSING.search(text), f"{path.name} parses strings into code"


def test_theory_never_samples():
    for path in (ROOT / "theory").rglob("*.py"):
        assert not SAMPLING.search(path.read_text()), f"theory/{path.name} touches randomness"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_every_exported_callable_is_documented(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{package}.{name} has no docstring"


# --- packs: one subpackage per paper in every layer, a core that names none of them, no import loops -------------

LAYERS = ("theory", "numerics", "verify")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Every module of the three layers by dotted name (a package by its own name)."""
    found = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _pack_dirs() -> dict[str, str]:
    """Pack subpackage prefix -> pack name, in every layer (verify's under verify.packs)."""
    from verify.packs import BUILTIN

    out = {}
    for name in BUILTIN:
        for prefix in (f"theory.{name}", f"numerics.{name}", f"verify.packs.{name}"):
            if prefix in MODULES:
                out[prefix] = name
    return out


PACK_DIRS = _pack_dirs()


def _pack_of(module: str) -> tuple[str, str] | None:
    """(layer, pack) of a module inside a pack subpackage, else None (core)."""
    for prefix, name in PACK_DIRS.items():
        if module == prefix or module.startswith(prefix + "."):
            return prefix.split(".")[0], name
    return None


def _edges(module: str, path: Path) -> set[str]:
    """Modules ``module`` imports, at any depth of its code (function-level imports included), resolved to the
    deepest module that exists (``from theory.fluct import lyapunov`` -> ``theory.fluct``)."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in MODULES else stem for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module:
                out.add(target)
    return out


EDGES = {m: _edges(m, p) for m, p in MODULES.items()}


def test_no_module_is_over_400_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_every_pack_has_its_verify_folder_and_its_name_in_no_core_module():
    for prefix, name in PACK_DIRS.items():
        assert f"verify.packs.{name}" in MODULES, f"pack {name} has no verify/packs/{name}/"
    for module, targets in EDGES.items():
        if _pack_of(module) is None and module != "verify.packs":
            bad = {t for t in targets if _pack_of(t)}
            assert not bad, f"core module {module} imports pack modules {sorted(bad)}"


def test_packs_import_only_the_core_and_their_own_pack_in_lower_layers():
    order = {layer: k for k, layer in enumerate(LAYERS)}
    for module, targets in EDGES.items():
        own = _pack_of(module)
        if own is None:
            continue
        layer, name = own
        for target in targets:
            other = _pack_of(target)
            target_layer = target.split(".")[0]
            assert order[target_layer] <= order[layer], f"{module} imports {target} from a higher layer"
            assert other is None or other[1] == name, f"pack module {module} imports another pack's {target}"


def _cycle() -> list[str] | None:
    """One import cycle among the modules, counting that importing a module first imports its parent packages."""
    graph = {m: set(t) for m, t in EDGES.items()}
    for m, targets in EDGES.items():
        for t in list(targets):
            parent = t.rpartition(".")[0]
            while parent:
                if parent in MODULES and parent != m and not m.startswith(parent + "."):
                    graph[m].add(parent)
                parent = parent.rpartition(".")[0]
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        state[m] = 2
        stack.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_loops_even_through_function_level_imports():
    assert _cycle() is None, f"import loop: {' -> '.join(_cycle())}"


def test_the_tree_passes_its_linter():
    """ruff with the configuration in pyproject.toml ([tool.ruff]): pyflakes, pycodestyle and the slips STYLE names."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
