"""What the `keras-gans` subcommands share: loading a model by file or preset
name, and checking the values and files given on the command line."""

import argparse
import os
import pathlib

PROG = "keras-gans"


class UsageError(Exception):
    """A mistake in the command line, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """Reports argument errors in one line instead of usage + message."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


# ------------------------------------------------------------------- helpers
def _looks_like_file(name):
    return name.endswith(".keras") or os.sep in name or os.path.exists(name)


def _load_model(name):
    """A `.keras` file (loaded with `safe_mode=True`, never turned off) or a
    preset's model. Any Keras model loads; each command then asks the model
    for what it needs (`generate`, `translate`, `export_archive`)."""
    import zipfile

    import keras

    from keras_gans.models import registry

    if _looks_like_file(name):
        path = pathlib.Path(name)
        if not path.is_file():
            raise FileNotFoundError(f"Model file not found: {path}")
        if not zipfile.is_zipfile(path):
            raise ValueError(f"Not a `.keras` model file (not a zip archive): {path}")
        try:
            # compile=True (the default): `compile()` makes the EMA generator.
            return keras.saving.load_model(path, safe_mode=True)
        except zipfile.BadZipFile as e:
            raise ValueError(f"Not a `.keras` model file: {path} ({e})") from e
        except Exception as e:  # a config Keras cannot rebuild safely
            message = " ".join(str(e).split())[:300]
            raise ValueError(
                f"Cannot load {path} as a Keras model with safe_mode=True: "
                f"{type(e).__name__}: {message}"
            ) from e
    try:
        registry.resolve_name(name)
    except ValueError:
        raise ValueError(
            f"{name!r} is neither a `.keras` file nor a preset. Presets: "
            f"{', '.join(registry.preset_names())}"
        ) from None
    return registry.load_preset(name)


def _require(model, method, name, hint):
    """Raises a one-line ValueError when `model` has no `method`."""
    if not callable(getattr(model, method, None)):
        raise ValueError(
            f"{name} holds a {type(model).__name__}, which has no `{method}`: {hint}"
        )


def _draws_from_noise(model, name):
    _require(
        model,
        "generate",
        name,
        f"it does not draw from noise (use `{PROG} translate` for image-to-"
        "image models)"
        if callable(getattr(model, "translate", None))
        else "it is not a keras_gans image model",
    )


def _parse_labels(text, model, num):
    """`--labels` -> `(labels, rows)`: int array `(n,)` or `None`, grid rows."""
    import numpy as np

    if getattr(model, "num_classes", None) is None:
        if text is not None:
            raise ValueError(
                f"{type(model).__name__} is unconditional; drop `--labels`. "
                f"Received: --labels {text}"
            )
        return None, None
    if text is None and not getattr(model, "labels_are_classes", True):
        return None, None  # cluster ids: the model draws them by frequency
    if text is None or text == "per_class":
        per_class = num // model.num_classes
        if per_class < 1:
            raise ValueError(
                f"One image per class needs `--num` >= num_classes="
                f"{model.num_classes}. Received: --num {num}"
            )
        labels = np.repeat(np.arange(model.num_classes), per_class)
        return labels, model.num_classes
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(
            "`--labels` must be `per_class` or comma-separated class ids such "
            f"as 0,1,2. Received: --labels {text}"
        ) from None
    # Repeated to fill `--num`: `--labels 7` draws only sevens.
    labels = np.resize(np.asarray(values, np.int64), num)
    return model.check_labels(labels, num), None


def _check_positive(name, value):
    if value < 1:
        raise ValueError(f"`{name}` must be >= 1. Received: {name} {value}")


def _save_npy(path, array):
    import numpy as np

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, array)
    print(path)


def _read_inputs(paths, shape):
    """`--input`: one `.npy` (uint8 or floats in [-1, 1]) or image files, as
    float32 `(n, H, W, C)` in [-1, 1] matching `shape` = `(H, W, C)`."""
    import numpy as np

    from keras_gans import utils
    from keras_gans.data import images as images_lib

    if len(paths) == 1 and paths[0].endswith(".npy"):
        images = images_lib.read_array_file(paths[0])
        if images.ndim == 3:  # (n, H, W): one channel
            images = images[..., None]
    else:
        arrays = []
        for path in paths:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"Input file not found: {path}")
            # The file's own bit depth (uint8 or uint16), scaled below by it.
            arrays.append(images_lib.read_image_array(path, channels=shape[-1]))
        if len({a.dtype for a in arrays}) > 1:  # 8- and 16-bit files mixed
            arrays = [np.asarray(utils.check_unit_range(a, "--input")) for a in arrays]
        images = np.stack(arrays)
    if images.ndim != 4 or any(
        want is not None and want != got for want, got in zip(shape, images.shape[1:])
    ):
        wanted = tuple("any" if d is None else d for d in shape)
        raise ValueError(
            f"`--input` must hold images of shape {wanted} for this model. "
            f"Received: images of shape {tuple(images.shape)}"
        )
    return utils.check_unit_range(images, "--input")
