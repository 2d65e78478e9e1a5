"""The preset registry: every family's `PRESETS`, their files and figures.

A preset is a name for a trained model of the zoo: its class, a one-line
description, the `.keras` file shipped in `keras_gans/assets/presets/` (or
`None` for a configuration without weights), the quality figures the shipped
weights reached and how they were measured (`assets/presets/figures.json`,
written by `tools/build_presets.py`), the bars those figures must meet
(`bars`: figure -> `[">=" or "<=", value]`, checked by `bar_misses`) and the
recipe that trains it
(`keras_gans.runner.run_preset`), or, for a recipe that names no `data` (the
style models'), `train_with`: what trains it instead. Everything is read
from the installed package: nothing is downloaded.

Example:

>>> from keras_gans.models import registry
>>> "cgan_digits" in [p["name"] for p in registry.list_presets()]
True
>>> registry.get_preset("cgan_mnist")["class"]  # an old recipe name
'ConditionalGAN'
"""

import copy
import importlib.resources
import json
import os
import pathlib
import zipfile

import keras
import numpy as np

__all__ = [
    "PresetMixin",
    "bar_misses",
    "get_preset",
    "list_presets",
    "load_preset",
    "preset_names",
    "preset_path",
    "register_presets",
    "registered_model_class",
    "resolve_name",
    "save_preset",
    "train_with",
]

# name -> preset dict, and class name -> model class: filled by each model
# family's `__init__` (`register_presets`), so a new family needs no line here.
_PRESETS = {}
_MODEL_CLASSES = {}


def register_presets(presets, *model_classes):
    """Adds a model family's presets to the registry.

    Each family's `__init__` calls it with its `<family>_presets.PRESETS`
    (keras-hub's pattern: presets registered beside the family's backbone).

    Args:
        presets: dict `name -> preset` (pure data: `class`, `description`,
            `aliases`, `file`, `figures`, `bars`, `recipe`, and optionally
            `train_with`).
        *model_classes: the family's `keras.Model` subclasses that `class`
            names (the style family has two).

    Raises:
        ValueError: a preset name or alias that another family registered.
    """
    taken = {alias for p in _PRESETS.values() for alias in p.get("aliases", ())}
    for name, preset in presets.items():
        clash = (name in _PRESETS and _PRESETS[name] is not preset) or name in taken
        if clash:
            raise ValueError(f"Preset name {name!r} is registered twice.")
    _PRESETS.update(presets)
    for model_class in model_classes:
        _MODEL_CLASSES[model_class.__name__] = model_class


def registered_model_class(class_name):
    """The model class a family registered under `class_name`, or `None`."""
    _all_presets()
    return _MODEL_CLASSES.get(class_name)


def _assets():
    return importlib.resources.files("keras_gans").joinpath("assets", "presets")


def _all_presets():
    import keras_gans.models  # noqa: F401  (the families register on import)

    return dict(_PRESETS)


def _figures():
    """`figures.json` beside the shipped weights: name -> `{"figures": {...},
    "measured": {...}}` (or `{}`)."""
    path = _assets().joinpath("figures.json")
    if not path.is_file():
        return {}
    entries = json.loads(path.read_text())
    return {
        name: entry if "figures" in entry else {"figures": entry, "measured": {}}
        for name, entry in entries.items()
    }


_COMPARE = {
    ">=": lambda value, bar: value >= bar,
    "<=": lambda value, bar: value <= bar,
}


def bar_misses(figures, bars):
    """The bars that `figures` miss, as readable strings (empty: all met).

    Args:
        figures: dict. Figure name -> number.
        bars: dict. Figure name -> `[">=" or "<=", value]`.

    Returns:
        list of str, e.g. `["digit_fd_ratio 2.4 (bar: <= 2)"]`; a figure
        that is missing or not a number misses its bar.

    Example:
    >>> bar_misses({"digit_fd_ratio": 2.4, "class_entropy": 2.3},
    ...            {"digit_fd_ratio": ["<=", 2.0], "class_entropy": [">=", 2.25]})
    ['digit_fd_ratio 2.4 (bar: <= 2)']
    """
    misses = []
    for name, (op, bar) in sorted(bars.items()):
        value = figures.get(name)
        if op not in _COMPARE:
            raise ValueError(f"A bar's test must be '>=' or '<='. Received: {op!r}")
        if not isinstance(value, (int, float)) or not _COMPARE[op](value, bar):
            shown = "missing" if value is None else f"{value:g}"
            misses.append(f"{name} {shown} (bar: {op} {bar:g})")
    return misses


def preset_names():
    """The preset names, sorted."""
    return sorted(_all_presets())


def resolve_name(name):
    """The preset `name` denotes (a preset name or an alias such as
    `cgan_mnist`), or a ValueError listing the known presets."""
    presets = _all_presets()
    if isinstance(name, str) and name in presets:
        return name
    for preset_name, preset in presets.items():
        if name in preset.get("aliases", ()):
            return preset_name
    raise ValueError(
        f"Unknown preset {name!r}. Known presets: {', '.join(sorted(presets))}"
    )


def get_preset(name):
    """A deep copy of the preset entry `name` (or alias), its figures filled in.

    Raises:
        ValueError: `name` is no preset; the message lists the known ones.
    """
    name = resolve_name(name)
    preset = copy.deepcopy(_all_presets()[name])
    preset["name"] = name
    recorded = _figures().get(name, {})
    preset["figures"] = {**preset.get("figures", {}), **recorded.get("figures", {})}
    preset["measured"] = recorded.get("measured", {})
    preset.setdefault("bars", {})
    return preset


def preset_path(name):
    """`pathlib.Path` of the weights file of preset `name` inside the package.

    Raises:
        ValueError: `name` is no preset.
        FileNotFoundError: the preset ships no weights (a configuration only,
            or weights not built yet: see `tools/build_presets.py`).
    """
    preset = get_preset(name)
    if preset["file"] is None:
        name = preset["name"]
        raise FileNotFoundError(
            f"Preset {name!r} is a configuration without trained weights: "
            f"`keras_gans.presets.build({name!r})` builds it untrained; train "
            f"it with {train_with(preset)}."
        )
    path = pathlib.Path(str(_assets().joinpath(preset["file"])))
    if not path.is_file():
        raise FileNotFoundError(
            f"Preset {preset['name']!r}: its weights file {path} is not in "
            "this installation (build it with tools/build_presets.py)."
        )
    return path


def train_with(preset):
    """What trains the model of `preset` (a preset entry): its `train_with`,
    or `keras-gans train NAME`.

    Example:
    >>> train_with(get_preset("pix2pix_facades"))
    '`keras-gans train pix2pix_facades`'
    """
    return preset.get("train_with") or f"`keras-gans train {preset['name']}`"


def _has_weights(preset):
    return preset["file"] is not None and _assets().joinpath(preset["file"]).is_file()


def list_presets():
    """One dict per preset, sorted by name: `name`, `class`, `description`,
    `figures` (quality figures of the shipped weights), `bars` (what they
    must meet), `measured` (how: classifier, samples, seed, date) and
    `has_weights`."""
    rows = []
    for name in preset_names():
        preset = get_preset(name)
        rows.append(
            {
                "name": name,
                "class": preset["class"],
                "description": preset["description"],
                "figures": preset["figures"],
                "bars": preset["bars"],
                "measured": preset["measured"],
                "has_weights": _has_weights(preset),
            }
        )
    return rows


def load_preset(name, expected_class=None):
    """The trained model of preset `name`, ready to sample and to train further.

    Args:
        name: str. A preset name (see `list_presets()`) or alias.
        expected_class: a model class or `None`. With a class, the preset
            must hold an instance of it (`ConditionalGAN.from_preset`).

    Returns:
        The model, loaded with `keras.saving.load_model(path, safe_mode=True)`.

    Raises:
        ValueError: unknown preset, or not an `expected_class`.
        FileNotFoundError: the preset ships no weights.
    """
    preset = get_preset(name)
    if expected_class is not None and preset["class"] != expected_class.__name__:
        raise ValueError(
            f"Preset {preset['name']!r} holds a {preset['class']}, not a "
            f"{expected_class.__name__}. Received: name={name!r}"
        )
    model = keras.saving.load_model(preset_path(name), safe_mode=True)
    if expected_class is not None and not isinstance(model, expected_class):
        raise ValueError(
            f"Preset {preset['name']!r} loaded a {type(model).__name__}, not a "
            f"{expected_class.__name__}."
        )
    return model


def save_preset(model, path):
    """Writes `model` as a preset file: a `.keras` archive that
    `load_preset` reads, small enough to ship inside the wheel.

    What a preset keeps, and what it leaves out:
    - the architecture, the compile configuration (optimizers, loss, EMA
      decay) and every network's weights: G, D and the EMA generator, with
      BatchNorm statistics exact;
    - trainable weights rounded to float16 precision (stored as float32):
      the loaded model is what the preset's figures were measured on; a
      model with an EMA generator (what it samples from) keeps that one at
      float16 precision and rounds G and D, which only further training
      uses, to bfloat16 precision (8 mantissa bits), which compresses
      better;
    - fresh optimizer state (zeros), so training further starts its moments
      anew, as after `compile()`;
    - the archive compressed (deflate), which the float16 rounding and the
      zero moments make about 3x smaller than `model.save`.

    The file appears whole or not at all (temporary name, then rename).

    Args:
        model: a compiled keras_gans model.
        path: str or path-like ending in `.keras`.

    Returns:
        str: `path`.

    Raises:
        ValueError: `model` is not compiled, or `path` does not end in `.keras`.
    """
    path = os.fspath(path)
    if not path.endswith(".keras"):
        raise ValueError(f"`path` must end in `.keras`. Received: path={path!r}")
    if not getattr(model, "compiled", False):
        raise ValueError("`model` must be compiled (its compile config is saved).")
    config = model.get_compile_config()
    rebuilt = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(model)
    )
    rebuilt.compile_from_config(config)  # fresh optimizers, EMA generator
    if [w.shape for w in model.weights] != [w.shape for w in rebuilt.weights]:
        raise ValueError(f"{type(model).__name__} does not rebuild from its config.")
    ema = getattr(model, "ema_generator", None)
    sampler = {id(w) for w in (ema.weights if ema is not None else [])}
    for source, target in zip(model.weights, rebuilt.weights):
        value = np.asarray(keras.ops.convert_to_numpy(source))
        if source.trainable and value.dtype == np.float32:
            if ema is not None and id(source) not in sampler:
                value = _round_to_bfloat16(value)  # trained further, not sampled
            else:
                value = value.astype(np.float16).astype(np.float32)
        target.assign(value)
    temporary = f"{path}.tmp{os.getpid()}"
    plain = f"{temporary}.plain.keras"
    try:
        rebuilt.save(plain)
        with (
            zipfile.ZipFile(plain) as source,
            zipfile.ZipFile(
                temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9
            ) as target,
        ):
            for info in source.infolist():
                target.writestr(info.filename, source.read(info.filename))
        os.replace(temporary, path)
    finally:
        for leftover in (plain, temporary):
            if os.path.exists(leftover):
                os.remove(leftover)
    return path


def _round_to_bfloat16(value):
    """float32 array rounded to the nearest bfloat16 value (ties to even),
    kept as float32 (its low 16 bits zero)."""
    value = np.array(value, np.float32, order="C")  # keeps 0-d arrays 0-d
    bits = value.view(np.uint32)
    rounded = bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
    finite = np.isfinite(value)
    bits = np.where(finite, rounded, bits) & np.uint32(0xFFFF0000)
    return bits.view(np.float32)


class PresetMixin:
    """Gives a model class `from_preset(name)`, as KerasHub's models have.

    Needs from the model class: its `__name__` is the `class` of its presets'
    entries (see `load_preset`); nothing from instances.
    """

    @classmethod
    def from_preset(cls, name):
        """A trained model of this class from the presets shipped with the
        package (`keras_gans.presets.list_presets()`), ready to sample and to
        train further; nothing is downloaded.

        Args:
            name: str. A preset name such as `"cgan_digits"` (or an alias).

        Raises:
            ValueError: unknown preset, or one of another class.
            FileNotFoundError: the preset ships no weights.

        Example:
        >>> model = keras_gans.ConditionalGAN.from_preset("cgan_digits")
        >>> model.generate(2, labels=[3, 7], seed=0).shape
        (2, 28, 28, 1)
        """
        return load_preset(name, cls)
