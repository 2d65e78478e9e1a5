"""The house rules of docs/architecture.md, checked on every module."""

import ast
import importlib
import pathlib
import sys

import pytest

import keras_gans
from keras_gans import _public_api

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gans"

# The floors, bottom up: a module may import its own floor and those below.
FLOORS = {
    "ground": (
        "_startup",
        "_public_api",
        "utils",
        "losses",
        "latent",
        "plotting",
        "layers",
        "data",
        "metrics",
        "export",
        "training",
    ),
    "models": ("models",),
    "recipes": ("presets", "workflow"),
    "roof": ("cli",),
}
RANK = {floor: rank for rank, floor in enumerate(FLOORS)}
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
    """The floor of a module or an imported name, or `None` (the package
    root, or a name that is no module of ours)."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    for floor, tops in FLOORS.items():
        if parts[1] in tops:
            return floor
    return None


def test_every_top_level_module_has_a_floor():
    tops = {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    known = {top for tops in FLOORS.values() for top in tops}
    assert tops <= known, f"modules on no floor: {sorted(tops - known)}"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_imports_run_downward(module, path):
    floor = _floor(module)
    if floor is None:
        return  # the package root sees every floor
    imported = [n for n in _imported(path) if n.startswith("keras_gans.")]
    bad = [n for n in imported if RANK.get(_floor(n), -1) > RANK[floor]]
    assert not bad, f"{module} ({floor} floor) imports {bad}"


def _room(name):
    """The top-level module or package of a dotted name (`data`, `models`)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def test_rooms_import_each_other_without_circles():
    known = {top for tops in FLOORS.values() for top in tops}
    edges = {}
    for module, path in _modules():
        room = _room(module)
        if room is None:
            continue
        edges.setdefault(room, set()).update(
            _room(n)
            for n in _imported(path)
            if n.startswith("keras_gans.") and _room(n) in known and _room(n) != room
        )

    def visit(room, trail):
        assert room not in trail, f"import circle: {' -> '.join([*trail, room])}"
        for after in sorted(edges.get(room, ())):
            visit(after, [*trail, room])

    for room in sorted(edges):
        visit(room, [])


def test_the_floor_check_finds_an_upward_import():
    assert RANK[_floor("keras_gans.presets.runner")] > RANK[_floor("keras_gans.data")]
    assert _floor("keras_gans.models.dcgan") == "models"
    assert _floor("keras_gans.training.callbacks") == "ground"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_package_code_imports_homes_not_public_paths(module, path):
    public = (*_public_api.GROUND_FLOOR, *_public_api.RECIPE_FLOOR)
    imported = _imported(path)
    bad = [n for n in imported if n in public or n.startswith(tuple(public))]
    if module == "keras_gans":  # the root exports the public paths
        bad = [n for n in bad if n.count(".") > 1]
    assert not bad, f"{module} imports public paths {bad}: import their homes"


@pytest.mark.parametrize(
    "public,home",
    sorted({**_public_api.GROUND_FLOOR, **_public_api.RECIPE_FLOOR}.items()),
)
def test_public_paths_name_their_home_module(public, home):
    module = importlib.import_module(public)
    assert module is sys.modules[home]
    assert getattr(keras_gans, public.rsplit(".", 1)[1]) is module
    assert module.__name__ == home
    assert _floor(home) in ("ground", "recipes")


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
