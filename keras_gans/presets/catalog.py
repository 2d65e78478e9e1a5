"""The catalog of presets: list, get, load and build them, and what a
preset's recipe builds besides its model (its data, sample grid and training
schedule). Exported as `keras_gans.presets`."""

import copy
import os

import keras

from keras_gans import data
from keras_gans.models import registry
from keras_gans.training import callbacks as callbacks_lib
from keras_gans.training import devices
from keras_gans.training.optimizers import FusedAdam

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

# `--mixed-precision` -> the `dtype` policy given to the model.
MIXED_PRECISION = {"off": None, "bf16": "mixed_bfloat16", "fp16": "mixed_float16"}


def list_presets():
    """One dict per preset: `name`, `class`, `description`, `figures` (the
    quality figures of the shipped weights) and `has_weights`."""
    return registry.list_presets()


def names():
    """The preset names, sorted."""
    return registry.preset_names()


def get(name):
    """The preset entry `name` (or an old recipe name such as `cgan_mnist`):
    a dict with `name`, `class`, `description`, `file`, `figures`, `recipe`.

    Raises:
        ValueError: no such preset; the message lists the known ones.
    """
    return registry.get_preset(name)


def load(name):
    """The trained model of preset `name`, loaded with `safe_mode=True`.

    Raises:
        ValueError: no such preset.
        FileNotFoundError: the preset ships no weights.
    """
    return registry.load_preset(name)


def make_optimizer(spec):
    """A Keras optimizer from its data form, e.g.
    `{"class": "Adam", "learning_rate": 4e-4, "beta_1": 0.5}`; a
    `learning_rate` may itself be a `keras.optimizers.schedules` class in
    that form, e.g. `{"class": "CosineDecay", "initial_learning_rate": 2e-3,
    "decay_steps": 5000}` (its step is the optimizer's update count, which
    checkpoints keep). `"Adam"` makes a `keras_gans.training.FusedAdam`
    (Keras' Adam update in one TensorFlow kernel per variable).

    Example:
    >>> adam = make_optimizer({"class": "Adam", "learning_rate": {
    ...     "class": "CosineDecay", "initial_learning_rate": 1e-3,
    ...     "decay_steps": 10}, "beta_1": 0.5})
    >>> adam.get_config()["learning_rate"]["class_name"]
    'CosineDecay'
    """
    spec = dict(spec)
    rate = spec.get("learning_rate")
    if isinstance(rate, dict):
        rate = dict(rate)
        spec["learning_rate"] = getattr(keras.optimizers.schedules, rate.pop("class"))(
            **rate
        )
    name = spec.pop("class")
    # "Adam" is the same update in one fused kernel per variable.
    return (FusedAdam if name == "Adam" else getattr(keras.optimizers, name))(**spec)


def _model_class(class_name):
    import keras_gans.models

    found = getattr(keras_gans.models, class_name, None)
    if found is None:  # a family not exported from `keras_gans.models`
        found = registry.registered_model_class(class_name)
    if found is None:
        raise ValueError(f"Unknown model class {class_name!r} in the presets.")
    return found


def build(name, recipe=None, **overrides):
    """A new model of preset `name`, compiled as its recipe does, untrained.

    Args:
        name: str. A preset name or alias.
        recipe: dict or `None`. A recipe replacing the preset's own (as
            `runner.run_preset` makes it from the command line).
        **overrides: constructor arguments replacing the recipe's (e.g.
            `dtype="mixed_bfloat16"`, `seed=1`).

    Returns:
        The compiled model. Build it inside a `strategy.scope()` to train it
        under a `tf.distribute` strategy.
    """
    preset = get(name)
    recipe = preset["recipe"] if recipe is None else recipe
    kwargs = {**copy.deepcopy(recipe["model"]), "seed": recipe["seed"], **overrides}
    model = _model_class(preset["class"])(**kwargs)
    compile_kwargs = {
        key: make_optimizer(value) if key.endswith("_optimizer") else value
        for key, value in recipe.get("compile", {}).items()
    }
    # One place decides XLA: on where it was measured faster (accelerators),
    # off on CPUs, unless a recipe or the caller says otherwise.
    compile_kwargs.setdefault("jit_compile", devices.default_jit_compile())
    model.compile(**compile_kwargs)
    return model


def build_dataset(recipe, tfds=False, data_dir=None):
    """The training data a recipe names, and what its evaluation needs.

    The recipe's `data` names a data kind, built by its registered builder
    (`keras_gans.data.build_data`; `keras_gans.data.data_kinds()` lists
    them).

    Args:
        recipe: dict. A preset's recipe (its `data`, `batch_size`, `seed`,
            and the model's `image_size`).
        tfds: bool. Digits: train on TFDS MNIST instead of the embedded 5000.
        data_dir: str or `None`. TFDS folder (digits), folder of images
            (faces; default TFDS) or of A|B pairs (default: downloaded).
            An A|B folder with only `train/` validates on a seeded
            `keras_gans.data.HELDOUT_FRACTION` (5%) of it, with a logged
            warning.

    Returns:
        `(dataset, context)`: a `tf.data.Dataset` as `model.fit` takes it,
        and a dict for the evaluation and sample grid.
    """
    request = data.DataRequest(
        batch_size=recipe["batch_size"],
        seed=recipe["seed"],
        image_size=recipe["model"].get("image_size"),
        tfds=tfds,
        data_dir=data_dir,
    )
    return data.build_data(recipe["data"], request)


def sample_grid(recipe, context, out_dir):
    """The callback writing the recipe's sample grid under `out_dir/samples`.

    Returns `None` for the default `callbacks.SampleGrid` of
    `runner.fit_and_export` (whose `grid_labels` is the grid's `labels`).
    """
    grid = recipe["grid"]
    if grid["kind"] == "cycle_translations":
        return _cycle_grid(grid, context, out_dir)
    if grid["kind"] != "translations":
        return None
    num = grid["num"]
    inputs, targets = context["heldout"](num)
    return callbacks_lib.TranslationGrid(
        os.path.join(out_dir, "samples"),
        inputs[:num],
        targets[:num],
        groups=grid.get("groups", 1),
    )


def _cycle_grid(grid, context, out_dir):
    """Both directions of an unpaired translator on held-out images."""
    from keras_gans.models.cyclegan import CycleGrid

    num = grid["num"]
    a, b, true_b, true_a = context["heldout"](num)
    num = min(num, len(a), len(b))
    groups = grid.get("groups", 1)
    num -= num % groups
    return CycleGrid(
        os.path.join(out_dir, "samples"),
        a[:num],
        b[:num],
        targets_b=None if true_b is None else true_b[:num],
        targets_a=None if true_a is None else true_a[:num],
        groups=groups,
    )


def _progressive_schedule_class():
    try:  # the family folder's own callback
        from keras_gans.models.pggan import ProgressiveSchedule
    except ImportError:
        ProgressiveSchedule = callbacks_lib.ProgressiveSchedule
    return ProgressiveSchedule


def schedule_callbacks(recipe, model, out_dir, steps_per_epoch=None):
    """`(callbacks, steps_per_epoch)` for the recipe's training schedule.

    Without a `schedule`: `([], steps_per_epoch)`. With one (ProgressiveGAN),
    a `ProgressiveSchedule` with minibatches capped at the recipe's batch
    size, and `steps_per_epoch` (if `None`) splitting the whole schedule
    into the recipe's epochs.
    """
    spec = recipe.get("schedule")
    if spec is None:
        return [], steps_per_epoch
    spec = dict(spec)
    batch_size, size = recipe["batch_size"], recipe["model"]["image_size"]
    batch_sizes = {
        r: min(b, batch_size)
        for r, b in spec.pop("batch_sizes", {}).items()
        if r <= size
    }
    if "sample_dir" in spec:
        spec["sample_dir"] = os.path.join(out_dir, spec["sample_dir"])
    schedule = _progressive_schedule_class()(batch_sizes=batch_sizes or None, **spec)
    if steps_per_epoch is None:
        steps = schedule.total_steps(model.num_phases, batch_size)
        steps_per_epoch = -(-steps // recipe["epochs"])  # ceil
    return [schedule], steps_per_epoch
