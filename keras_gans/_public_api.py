"""The public module paths of keras_gans, pinned once.

The code lives in the floors' packages (`data/`, `layers/`, `training/`,
`metrics/`, `models/<family>/`, `presets/`); users import the paths they
always have (`keras_gans.images`, `keras_gans.callbacks`,
`keras_gans.runner`, `keras_gans.models.cgan.conditional_gan`, ...). These
tables are the one place that says where each such path's module lives, so
files can move without a shim module per old path: the package root
installs each entry in `sys.modules` (and as an attribute of its parent
package, unless the parent already exports that name), so
`import keras_gans.images`, `from keras_gans.callbacks import SampleGrid`
and `keras_gans.runner.run_preset` all reach the one module object (its
`__name__` is where it lives).

`DEPRECATED` paths are not installed up front: a finder on `sys.meta_path`
hands out their module on first import, with a `DeprecationWarning`.
`DEPRECATED_NAMES` are names that moved out of a module (a module-level
`__getattr__`, installed here, resolves them with a warning), so neither
kind needs code in the module it concerns.

Code inside keras_gans imports the homes, never these paths
(`tests/test_architecture.py` checks it); the package root installs the
ground floor's paths before the models import, the model floor's after them
and the recipe floor's last.
"""

import importlib
import importlib.abc
import importlib.util
import sys

from keras_gans._deprecation import deprecate

__all__ = [
    "DEPRECATED",
    "DEPRECATED_NAMES",
    "GROUND_FLOOR",
    "MODEL_FLOOR",
    "RECIPE_FLOOR",
    "install",
    "install_deprecated",
]

#: Public path -> the module that holds it (ground floor: no models).
GROUND_FLOOR = {
    "keras_gans.images": "keras_gans.data.images",
    "keras_gans.pairs": "keras_gans.data.pairs",
    "keras_gans.unpaired": "keras_gans.data.unpaired",
    "keras_gans.normalization": "keras_gans.layers.batch_normalization",
    "keras_gans.augment": "keras_gans.layers.augment",
    "keras_gans.evaluation": "keras_gans.metrics.evaluation",
    "keras_gans.metrics.inception_score_metric": "keras_gans.metrics.inception_score",
    "keras_gans.metrics.precision_recall_metric": "keras_gans.metrics.precision_recall",
    "keras_gans.callbacks": "keras_gans.training.callbacks",
    "keras_gans.checkpointing": "keras_gans.training.checkpointing",
    "keras_gans.coverage": "keras_gans.training.coverage",
    "keras_gans.devices": "keras_gans.training.devices",
    "keras_gans.distribute": "keras_gans.training.distribute",
    "keras_gans.run_folder": "keras_gans.training.run_folder",
    "keras_gans.summaries": "keras_gans.training.summaries",
}

_CGAN = "keras_gans.models.cgan"
_CYCLEGAN = "keras_gans.models.cyclegan"
_PGGAN = "keras_gans.models.pggan"
_PIX2PIX = "keras_gans.models.pix2pix"
_STYLE = "keras_gans.models.style"

#: Public path -> the module that holds it (the model floor: family files
#: before the one naming rule, `<family>_<role>.py`).
MODEL_FLOOR = {
    f"{_CGAN}.conditional_gan": f"{_CGAN}.cgan",
    f"{_CYCLEGAN}.cycle_gan": f"{_CYCLEGAN}.cyclegan",
    f"{_CYCLEGAN}.cycle_grid": f"{_CYCLEGAN}.cyclegan_grid",
    f"{_CYCLEGAN}.image_pool": f"{_CYCLEGAN}.cyclegan_image_pool",
    f"{_CYCLEGAN}.linear_decay_schedule": f"{_CYCLEGAN}.cyclegan_schedule",
    f"{_CYCLEGAN}.resnet_generator": f"{_CYCLEGAN}.cyclegan_networks",
    f"{_PGGAN}.progressive_gan": f"{_PGGAN}.pggan",
    f"{_PGGAN}.progressive_generator": f"{_PGGAN}.pggan_generator",
    f"{_PGGAN}.progressive_discriminator": f"{_PGGAN}.pggan_discriminator",
    f"{_PGGAN}.progressive_network": f"{_PGGAN}.pggan_network",
    f"{_PGGAN}.progressive_schedule": f"{_PGGAN}.pggan_schedule",
    f"{_PIX2PIX}.active_dropout": f"{_PIX2PIX}.pix2pix_dropout",
    f"{_PIX2PIX}.patch_discriminator": f"{_PIX2PIX}.pix2pix_discriminator",
    f"{_PIX2PIX}.unet_generator": f"{_PIX2PIX}.pix2pix_generator",
    f"{_STYLE}.neural_style_transfer": f"{_STYLE}.style_neural",
    f"{_STYLE}.fast_style_transfer": f"{_STYLE}.style_fast",
    f"{_STYLE}.perceptual_loss": f"{_STYLE}.style_perceptual_loss",
    f"{_STYLE}.transformation_network": f"{_STYLE}.style_networks",
    f"{_STYLE}.vgg_features": f"{_STYLE}.style_vgg",
    "keras_gans.models.stylegan2.style_gan2": "keras_gans.models.stylegan2.stylegan2",
}

#: Public path -> the module that holds it (the recipe floor: on the models).
RECIPE_FLOOR = {
    "keras_gans.recipe_evaluation": "keras_gans.presets.recipe_evaluation",
    "keras_gans.run_options": "keras_gans.presets.run_options",
    "keras_gans.runner": "keras_gans.presets.runner",
}

#: Deprecated path -> (the module that holds its names, what to import
#: instead). Importing one warns once per import and gives that module.
DEPRECATED = {
    "keras_gans.workflow": ("keras_gans.presets.runner", "keras_gans.runner"),
    "keras_gans.models.style_transfer": (
        _STYLE,
        "`keras_gans.models.style` (and `load_image` from `keras_gans.images`)",
    ),
    "keras_gans.models.fast_style": (_STYLE, _STYLE),
}

#: Deprecated name (`module.name`) -> where it lives now. The old module
#: never imports the new home: the floor rule holds.
DEPRECATED_NAMES = {
    "keras_gans.callbacks.ProgressiveSchedule": f"{_PGGAN}.ProgressiveSchedule",
}


def install(paths):
    """Makes each public path of `paths` (public -> home) name its home module."""
    for public, home in paths.items():
        module = importlib.import_module(home)
        sys.modules[public] = module
        parent, _, name = public.rpartition(".")
        package = sys.modules[parent]
        # A name the package exports wins over the old module of that name
        # (`keras_gans.models.pix2pix.unet_generator` is the builder).
        if getattr(package, name, module) is module:
            setattr(package, name, module)


class _DeprecatedPaths(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds a `DEPRECATED` path, warns, and loads it as its home module."""

    def __init__(self, paths):
        self.paths = paths

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.paths:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        home, _ = self.paths[spec.name]
        module = importlib.import_module(home)
        spec.loader_state = module.__spec__  # the import system overwrites it
        return module

    def exec_module(self, module):
        spec = module.__spec__
        module.__spec__ = spec.loader_state
        deprecate(spec.name, self.paths[spec.name][1], stacklevel=2)


def _moved_names_getattr(module_name, moved):
    """A module `__getattr__` resolving `moved` (name -> new path), with a warning."""

    def __getattr__(name):
        if name not in moved:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        deprecate(f"{module_name}.{name}", moved[name])
        home, _, attribute = moved[name].rpartition(".")
        return getattr(importlib.import_module(home), attribute)

    __getattr__.moved = moved
    return __getattr__


def install_deprecated(paths, names=None):
    """Lets each deprecated path of `paths` import (with a warning) as its
    home, and each deprecated name of `names` resolve (with a warning)."""
    finder = next((f for f in sys.meta_path if isinstance(f, _DeprecatedPaths)), None)
    if finder is None:
        sys.meta_path.append(_DeprecatedPaths(dict(paths)))
    else:
        finder.paths.update(paths)
    by_module = {}
    for old, new in (names or {}).items():
        module_name, _, name = old.rpartition(".")
        by_module.setdefault(module_name, {})[name] = new
    for module_name, moved in by_module.items():
        module = importlib.import_module(module_name)
        existing = vars(module).get("__getattr__")
        if existing is not None and not hasattr(existing, "moved"):
            raise ValueError(f"{module_name} defines its own `__getattr__`")
        if existing is not None:
            existing.moved.update(moved)
        else:
            module.__getattr__ = _moved_names_getattr(module_name, moved)
