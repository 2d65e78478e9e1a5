"""The house rules of docs/architecture.md, checked on every module."""

import ast
import importlib
import pathlib
import sys
import warnings

import pytest

from keras_gans import _public_api

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gans"

# The floors, bottom up: a module may import its own floor and those below.
FLOORS = {
    "ground": (
        "_startup",
        "_deprecation",
        "_keras_compat",
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
    "recipes": ("presets",),
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


PINNED = {
    **{public: ("ground", home) for public, home in _public_api.GROUND_FLOOR.items()},
    **{public: ("models", home) for public, home in _public_api.MODEL_FLOOR.items()},
    **{public: ("recipes", home) for public, home in _public_api.RECIPE_FLOOR.items()},
}


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_package_code_imports_homes_not_public_paths(module, path):
    public = (*PINNED, *_public_api.DEPRECATED)
    imported = _imported(path)
    bad = [n for n in imported if n in public or n.startswith(tuple(public))]
    if module == "keras_gans":  # the root exports the public paths
        bad = [n for n in bad if n.count(".") > 1]
    assert not bad, f"{module} imports public paths {bad}: import their homes"


@pytest.mark.parametrize(
    "public,floor,home", [(p, *v) for p, v in sorted(PINNED.items())]
)
def test_public_paths_name_their_home_module(public, floor, home):
    module = importlib.import_module(public)
    assert module is sys.modules[home] is sys.modules[public]
    assert module.__name__ == home and module.__spec__.name == home
    assert _floor(home) == floor
    assert not (PACKAGE.parent / (public.replace(".", "/") + ".py")).exists()
    parent, _, name = public.rpartition(".")
    exported = getattr(sys.modules[parent], name)
    # The parent names the module, unless it exports a name of its own there
    # (`keras_gans.models.pix2pix.unet_generator` is also the builder).
    assert exported is module or name in getattr(sys.modules[parent], "__all__", ())


@pytest.mark.parametrize("public", sorted(_public_api.DEPRECATED))
def test_deprecated_paths_warn_and_name_their_home_module(public):
    home, new = _public_api.DEPRECATED[public]
    sys.modules.pop(public, None)
    with pytest.warns(DeprecationWarning, match=f"`{public}` is deprecated") as caught:
        module = importlib.import_module(public)
    assert len(caught) == 1 and caught[0].filename == importlib.__file__
    assert module is sys.modules[home] and module.__spec__.name == home
    assert not (PACKAGE.parent / (public.replace(".", "/") + ".py")).exists()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.import_module(public)  # warns on the first import only


@pytest.mark.parametrize("old,new", sorted(_public_api.DEPRECATED_NAMES.items()))
def test_deprecated_names_warn_and_resolve_to_the_moved_object(old, new):
    module_name, _, name = old.rpartition(".")
    home, _, attribute = new.rpartition(".")
    module = importlib.import_module(module_name)
    assert name not in vars(module)  # no copy left behind
    with pytest.warns(DeprecationWarning, match=f"use `{new}`") as caught:
        value = getattr(module, name)
    assert caught[0].filename == __file__
    assert value is getattr(importlib.import_module(home), attribute)


def _family_files():
    for folder in sorted((PACKAGE / "models").iterdir()):
        if (folder / "__init__.py").exists():
            for path in sorted(folder.glob("*.py")):
                yield folder.name, path.stem


@pytest.mark.parametrize("family,stem", list(_family_files()))
def test_family_files_follow_one_naming_rule(family, stem):
    """`<family>.py`, `<family>_<role>.py`, or `_<family>_<role>.py` (private)."""
    name = stem.removeprefix("_")
    assert stem == "__init__" or name == family or name.startswith(f"{family}_")


def test_metric_files_follow_one_naming_rule():
    stems = [path.stem for path in (PACKAGE / "metrics").glob("*.py")]
    assert {"frechet", "kid", "inception_score", "precision_recall"} <= set(stems)
    assert not [stem for stem in stems if stem.endswith("_metric")]


# Private Keras / TensorFlow names the package relies on: each is wrapped,
# documented and tested once, in `_keras_compat.py`.
PRIVATE_KERAS = {
    "_endpoint_signatures",
    "_flatten_layers",
    "_initial_epoch",
    "_learning_rate",
    "_model_variables_moving_average",
    "_non_trainable_variables",
    "_seed_generators",
    "_tf_trackable",
    "_trainable_variables",
}


def _private_keras_uses(path):
    """`keras.src` imports, and the `PRIVATE_KERAS` attributes `path` reads or
    writes (as `x.name` or `getattr(x, "name")`)."""
    text = path.read_text()
    uses = {"keras.src"} if "keras.src" in text else set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_KERAS:
            uses.add(node.attr)
        elif isinstance(node, ast.Constant) and node.value in PRIVATE_KERAS:
            uses.add(node.value)
    return uses


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_only_keras_compat_touches_private_keras(module, path):
    if module == "keras_gans._keras_compat":
        assert _private_keras_uses(path) >= PRIVATE_KERAS | {"keras.src"}
        return
    uses = _private_keras_uses(path)
    assert not uses, f"{module} uses private Keras {sorted(uses)}: see _keras_compat"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: str(v))
def test_only_the_deprecation_helper_warns_deprecation(module, path):
    names = {
        node.id
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Name)
    }
    if module != "keras_gans._deprecation":
        assert "DeprecationWarning" not in names, (
            f"{module} warns by hand: use keras_gans._deprecation.deprecate"
        )
