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
