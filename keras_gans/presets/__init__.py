"""Presets: trained models of the zoo by name, and the recipes that train them.

A preset names a model class, a one-line description, trained weights shipped
inside the package (no network) with the quality figures they reached, and
the recipe of the run that trained them: model and compile arguments,
data, epochs, batch size, seed, sample grid and evaluation. The recipes are
data (`keras_gans/models/*_presets.py`); `keras_gans.runner.run_preset`
applies them, and `keras-gans train PRESET` runs one from a shell.

- `list_presets()`: name, class, description, figures and whether weights
  ship, for every preset;
- `load(name)`: the trained model, ready to sample and to train further;
- `build(name, **overrides)`: a fresh, untrained model built and compiled as
  the preset's recipe does (`overrides` replace constructor arguments).

Example:

>>> model = keras_gans.presets.build("dcgan_digits", generator_filters=4,
...                                  discriminator_filters=4, latent_dim=8)
>>> model.sample_shape
(28, 28, 1)

The package is the recipe floor, the one that builds on the models:
`catalog.py` (the functions above), `run_options.py` (the one command-line
parser, `keras_gans.run_options`), `runner.py` (train -> sample ->
checkpoint -> export, `keras_gans.runner`) and `recipe_evaluation.py` (the
figures each recipe reports, `keras_gans.recipe_evaluation`).
"""

from keras_gans.presets.catalog import (
    MIXED_PRECISION,
    build,
    build_dataset,
    get,
    list_presets,
    load,
    make_optimizer,
    names,
    sample_grid,
    schedule_callbacks,
)

__all__ = [
    "MIXED_PRECISION",
    "build",
    "build_dataset",
    "get",
    "list_presets",
    "load",
    "make_optimizer",
    "names",
    "sample_grid",
    "schedule_callbacks",
]
