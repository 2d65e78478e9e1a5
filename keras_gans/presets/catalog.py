"""The catalog of presets: list, get, load and build them, and what a
preset's recipe builds besides its model (its data, sample grid and training
schedule). Exported as `keras_gans.presets`."""

import copy
import os

import keras
import tensorflow as tf

from keras_gans import data
from keras_gans.data import pairs, unpaired
from keras_gans.models import registry
from keras_gans.presets import recipe_evaluation
from keras_gans.training import callbacks as callbacks_lib
from keras_gans.training import devices

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
    checkpoints keep).

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
    return getattr(keras.optimizers, spec.pop("class"))(**spec)


def _model_class(class_name):
    import importlib

    import keras_gans.models

    found = getattr(keras_gans.models, class_name, None)
    if found is not None:
        return found
    # A family not exported from `keras_gans.models`: its presets' package.
    for module_name in registry.PRESET_MODULES:
        package = importlib.import_module(module_name.rsplit(".", 1)[0])
        if hasattr(package, class_name):
            return getattr(package, class_name)
    raise ValueError(f"Unknown model class {class_name!r} in the presets.")


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


def _image_size(recipe):
    model = recipe["model"]
    return model["image_size"]


def _split_dir(root, names):
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            return path
    raise ValueError(
        f"`--data-dir` must hold a {' or '.join(names)} folder of A|B images. "
        f"Received: {root!r}"
    )


#: Fraction of `train/` held out for validation when a pix2pix folder has no
#: validation folder (chosen by the recipe's seed; at least one pair).
HELDOUT_FRACTION = 0.05


def _holdout_split(train_dir, seed, fraction=HELDOUT_FRACTION):
    """`(train_dir, validation_dir)`: folders of links to a seeded split of
    `train_dir`'s files, `fraction` of them (at least one) for validation."""
    import logging
    import tempfile

    import numpy as np

    files = sorted(
        f
        for f in os.listdir(train_dir)
        if os.path.isfile(os.path.join(train_dir, f)) and not f.startswith(".")
    )
    if len(files) < 2:
        raise ValueError(
            "`--data-dir` has no val or test folder and its train folder holds "
            f"{len(files)} file(s): too few to hold some out. Received: {train_dir!r}"
        )
    count = max(1, int(round(fraction * len(files))))
    order = np.random.default_rng(seed).permutation(len(files))
    held = {files[i] for i in order[:count]}
    root = tempfile.mkdtemp(prefix="keras_gans_split_")
    for part in ("train", "val"):
        os.makedirs(os.path.join(root, part))
    for name in files:
        part = "val" if name in held else "train"
        source = os.path.abspath(os.path.join(train_dir, name))
        os.symlink(source, os.path.join(root, part, name))
    logging.getLogger("keras_gans").warning(
        "%s has no validation folder: validating on %d of its %d pairs "
        "(%.0f%%, chosen by seed %s), training on the other %d.",
        os.path.dirname(os.path.abspath(train_dir)),
        count,
        len(files),
        100 * fraction,
        seed,
        len(files) - count,
    )
    return os.path.join(root, "train"), os.path.join(root, "val")


def _pad(images, size):
    pad = (size - images.shape[1]) // 2
    return tf.pad(
        images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], constant_values=-1.0
    )


def build_dataset(recipe, tfds=False, data_dir=None):
    """The training data a recipe names, and what its evaluation needs.

    Args:
        recipe: dict. A preset's recipe (its `data`, `batch_size`, `seed`).
        tfds: bool. Digits: train on TFDS MNIST instead of the embedded 5000.
        data_dir: str or `None`. TFDS folder (digits), folder of images
            (faces; default TFDS) or of A|B pairs (default: downloaded).
            An A|B folder with only `train/` validates on a seeded
            `HELDOUT_FRACTION` (5%) of it, with a logged warning.

    Returns:
        `(dataset, context)`: a `tf.data.Dataset` as `model.fit` takes it,
        and a dict for the evaluation and sample grid.
    """
    spec, batch_size, seed = recipe["data"], recipe["batch_size"], recipe["seed"]
    kind = spec["kind"]
    context = {}
    if kind in ("digit_pairs", "pix2pix_folder", "digit_unpaired", "cyclegan_folder"):
        if tfds:
            raise ValueError(
                "`--tfds` is not used by this preset; its data are "
                + (
                    "the embedded digit pairs."
                    if kind in ("digit_pairs", "digit_unpaired")
                    else "`--data-dir`."
                )
            )
    if kind == "digits":
        pad_to = spec.get("pad_to")
        if tfds:
            ds = data.from_tfds(
                spec["tfds"],
                batch_size=batch_size,
                with_labels=spec["with_labels"],
                seed=seed,
                data_dir=data_dir,
            )
            if pad_to:
                ds = ds.map(lambda x, *y: (_pad(x, pad_to), *y))
        else:
            ds = data.digits_dataset(
                batch_size=batch_size,
                with_labels=spec["with_labels"],
                seed=seed,
                **({"pad_to": pad_to} if pad_to else {}),
            )
        context["pad_to"] = pad_to or 28
    elif kind == "faces":
        common = dict(
            batch_size=batch_size,
            center_crop=spec.get("center_crop", False),
            random_flip=spec.get("random_flip", False),
            seed=seed,
        )
        size = _image_size(recipe)
        if data_dir is not None:
            ds = data.from_image_folder(data_dir, image_size=size, **common)
        else:
            ds = data.from_tfds(
                spec["tfds"],
                image_size=size,
                data_dir=spec.get("tfds_data_dir"),
                **common,
            )
    elif kind == "digit_pairs":
        ds = pairs.digit_pairs_dataset(batch_size=batch_size, subset="train", seed=seed)
        context["heldout"] = lambda: recipe_evaluation.digit_pairs_heldout(
            _image_size(recipe)
        )[:2]
    elif kind == "pix2pix_folder":
        root = data_dir or pairs.download_pix2pix_dataset(spec["dataset"])
        train_dir = _split_dir(root, spec["train"])
        if any(os.path.isdir(os.path.join(root, n)) for n in spec["validation"]):
            context["validation_dir"] = _split_dir(root, spec["validation"])
        else:  # only train/: hold out HELDOUT_FRACTION of it, with a warning
            train_dir, context["validation_dir"] = _holdout_split(train_dir, seed)
        context["direction"] = spec["direction"]
        ds = pairs.pix2pix_folder_dataset(
            train_dir,
            spec["direction"],
            image_size=_image_size(recipe),
            load_size=spec["load_size"],
            batch_size=batch_size,
            seed=seed,
        )

        def heldout(num):
            val = pairs.pix2pix_folder_dataset(
                context["validation_dir"],
                spec["direction"],
                image_size=_image_size(recipe),
                jitter=False,
                batch_size=num,
                shuffle=False,
                drop_remainder=False,
            )
            return next(iter(val))

        context["heldout"] = heldout
    elif kind == "digit_unpaired":
        if data_dir is not None:
            raise ValueError(
                "`--data-dir` is not used by this preset; its data are the "
                "embedded digits and their edge maps."
            )
        size = _image_size(recipe)
        ds = unpaired.digit_unpaired_dataset(
            batch_size=batch_size, seed=seed, pad_to=size
        )

        def heldout_digits(num):
            digits, edges, _ = unpaired.digit_heldout_pairs(size)
            # a, b and their true counterparts: aligned pairs
            return digits[:num], edges[:num], edges[:num], digits[:num]

        context["heldout"] = heldout_digits
    elif kind == "cyclegan_folder":
        root = data_dir or unpaired.download_cyclegan_dataset(spec["dataset"])
        size = _image_size(recipe)
        context["data_dir"] = root
        ds = unpaired.unpaired_folder_dataset(
            root,
            "train",
            image_size=size,
            load_size=spec["load_size"],
            batch_size=batch_size,
            seed=seed,
        )

        def heldout_folder(num):
            test = unpaired.unpaired_folder_dataset(
                root,
                "test",
                image_size=size,
                jitter=False,
                batch_size=num,
                shuffle=False,
                drop_remainder=False,
            )
            a, b = next(iter(test))
            return a, b, None, None

        context["heldout"] = heldout_folder
    else:
        raise ValueError(f"Unknown data kind {kind!r} in the recipe.")
    if spec.get("repeat"):
        ds = ds.repeat()
    return ds, context


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
    heldout = context["heldout"]
    num = grid["num"]
    inputs, targets = (
        heldout() if recipe["data"]["kind"] == "digit_pairs" else heldout(num)
    )
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
    batch_size, size = recipe["batch_size"], _image_size(recipe)
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
