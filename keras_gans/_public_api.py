"""The public module paths of keras_gans, pinned once.

The code lives in the floors' packages (`data/`, `layers/`, `training/`,
`metrics/`, `presets/`); users import the short paths they always have
(`keras_gans.images`, `keras_gans.callbacks`, `keras_gans.runner`, ...).
This table is the one place that says where each short path's module
lives, so files can move without a shim module per old path: the package
root installs each entry as an attribute and in `sys.modules`, so
`import keras_gans.images`, `from keras_gans.callbacks import SampleGrid`
and `keras_gans.runner.run_preset` all reach the one module object (its
`__name__` is where it lives).

Code inside keras_gans imports the homes, never these paths
(`tests/test_architecture.py` checks it); the package root installs the
ground floor's paths before the models import and the recipe floor's after.
"""

import importlib
import sys

__all__ = ["GROUND_FLOOR", "RECIPE_FLOOR", "install"]

#: Public path -> the module that holds it (ground floor: no models).
GROUND_FLOOR = {
    "keras_gans.images": "keras_gans.data.images",
    "keras_gans.pairs": "keras_gans.data.pairs",
    "keras_gans.unpaired": "keras_gans.data.unpaired",
    "keras_gans.normalization": "keras_gans.layers.batch_normalization",
    "keras_gans.augment": "keras_gans.layers.augment",
    "keras_gans.evaluation": "keras_gans.metrics.evaluation",
    "keras_gans.callbacks": "keras_gans.training.callbacks",
    "keras_gans.checkpointing": "keras_gans.training.checkpointing",
    "keras_gans.coverage": "keras_gans.training.coverage",
    "keras_gans.devices": "keras_gans.training.devices",
    "keras_gans.distribute": "keras_gans.training.distribute",
    "keras_gans.run_folder": "keras_gans.training.run_folder",
    "keras_gans.summaries": "keras_gans.training.summaries",
}

#: Public path -> the module that holds it (the recipe floor: on the models).
RECIPE_FLOOR = {
    "keras_gans.recipe_evaluation": "keras_gans.presets.recipe_evaluation",
    "keras_gans.run_options": "keras_gans.presets.run_options",
    "keras_gans.runner": "keras_gans.presets.runner",
}


def install(paths):
    """Makes each public path of `paths` (public -> home) name its home module."""
    package = sys.modules["keras_gans"]
    for public, home in paths.items():
        module = importlib.import_module(home)
        sys.modules[public] = module
        setattr(package, public.rsplit(".", 1)[1], module)
