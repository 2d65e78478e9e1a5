"""The house rules of docs/architecture.md, checked on every module."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gans"
GROUND_FLOOR = (
    "utils",
    "coverage",
    "run_folder",
    "layers",
    "normalization",
    "losses",
    "data",
    "pairs",
    "images",
    "plotting",
    "metrics",
    "evaluation",
    "export",
    "distribute",
    "callbacks",
    "devices",
    "unpaired",
    "augment",
    "latent",
    "checkpointing",
    "_startup",
    "summaries",
)
UPPER_FLOOR = (
    "runner",
    "run_options",
    "presets",
    "recipe_evaluation",
    "cli",
    "workflow",
)
MAX_LINES = 600


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        yield name.removesuffix(".__init__"), path


def _imported(path):
    """Every module `path` imports, lazily imported ones included."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _floor(module):
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] == "models":
        return "models"
    if parts[1] in GROUND_FLOOR:
        return "ground"
    if parts[1] in UPPER_FLOOR:
        return "upper"
    return "other"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_imports_run_downward(module, path):
    floor = _floor(module)
    imported = [n for n in _imported(path) if n.startswith("keras_gans")]
    if floor == "ground":
        forbidden = ("keras_gans.models",) + tuple(
            f"keras_gans.{name}" for name in UPPER_FLOOR
        )
    elif floor == "models":
        forbidden = tuple(f"keras_gans.{name}" for name in UPPER_FLOOR)
    else:
        return
    bad = [n for n in imported if n.startswith(forbidden)]
    assert not bad, f"{module} ({floor} floor) imports {bad}"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_module_is_short_and_gated(module, path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (max {MAX_LINES})"
    if any(part.startswith("_") and part != "__init__" for part in module.split(".")):
        return  # private module
    tree = ast.parse(path.read_text())
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    imports_all = any(
        isinstance(node, ast.ImportFrom)
        and any(alias.name == "__all__" for alias in node.names)
        for node in tree.body
    )
    assert "__all__" in assigned or imports_all, f"{module} defines no __all__"
