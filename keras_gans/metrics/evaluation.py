"""Sample metrics of a generator against real data: `evaluate` and `Evaluator`.

`keras_gans.evaluate(model, real_images, metrics=["digit_fd"], num_samples=2500)`
draws `num_samples` images from the model, reads up to as many real images
from `real_dataset`, pushes both through the feature extractors the metrics
need (each extractor runs once per batch, shared by its metrics) and returns
a dict of plain floats. The streaming metric classes of `keras_gans.metrics`
do the accumulation, so neither side is ever held in memory as images.

Metric names (and the keys each adds to the result):

| name | extractor | keys |
|---|---|---|
| `digit_fd` | shipped digit classifier | `digit_fd` |
| `digit_kid` | digit classifier | `digit_kid`, `digit_kid_std` |
| `digit_precision_recall` | digit classifier | `digit_precision`, `digit_recall` |
| `digit_score` | digit classifier (IS, 1 split, as TF-GAN) | `digit_score` |
| `label_accuracy` | digit classifier (conditional models) | `label_accuracy` |
| `class_entropy` | digit classifier | `class_entropy` |
| `fid` | Inception pool (`backbone`) | `fid` |
| `kid` | Inception pool (`backbone`) | `kid`, `kid_std` |
| `precision_recall` | Inception pool (`backbone`) | `precision`, `recall` |
| `inception_score` | InceptionV3 + ImageNet head (10 splits) | `inception_score`, `inception_score_std` |

The digit metrics read 28x28 grey images; the Inception ones any size (see
`metrics.inception_preprocess`). Only `label_accuracy`, `class_entropy`,
`digit_score` and `inception_score` work without real data.

The Inception metrics' `backbone`: `"keras_inception_v3"` (default;
`keras.applications.InceptionV3`'s ImageNet weights: figures compare
between runs of this package only) or `"inception_2015"` (the 2015
TensorFlow graph that published FIDs use, `metrics.inception_2015`; its
`resize` is `"legacy_tensorflow"`, the published protocol, or clean-fid's
`"clean"`; it has no class head, so no Inception Score). Its FID needs
`INCEPTION_2015_MIN_FID_SAMPLES` (2048) images a side. With an Inception
metric, `evaluate` also returns `protocol`: the backbone, resize, weights,
counts and reference set the figures rest on. A real set given as a folder
of image files has its FID statistics computed once and cached
(`metrics.reference_statistics`).

The digit-FD protocol of this package (BENCHMARKS.md): 2500 generated digits
against the first 2500 embedded digits (`digit_reference()`), for
conditional models drawn with those digits' labels; the same protocol gives
the real-vs-real figure (the last 2500 embedded digits against the first).
"""

import contextlib
import os
import time

import keras
import numpy as np

from keras_gans import metrics as metrics_lib
from keras_gans.metrics._evaluation_inputs import (
    BACKBONES,
    _check_backbone,
    _describe_reference,
    _is_path,
    _rebatch,
    _result_keys,
    _sample_batches,
)
from keras_gans.utils import (
    assume_unit_range,
    check_int,
)

__all__ = [
    "BACKBONES",
    "DIGIT_REFERENCE_SIZE",
    "METRICS",
    "Evaluator",
    "digit_reference",
    "evaluate",
]

# name -> (extractor, kind)
METRICS = {
    "digit_fd": ("digit", "fd"),
    "digit_kid": ("digit", "kid"),
    "digit_precision_recall": ("digit", "pr"),
    "digit_score": ("digit", "score"),
    "label_accuracy": ("digit", "label_accuracy"),
    "class_entropy": ("digit", "class_entropy"),
    "fid": ("inception", "fd"),
    "kid": ("inception", "kid"),
    "precision_recall": ("inception", "pr"),
    "inception_score": ("inception", "score"),
}
_NEEDS_REAL = ("fd", "kid", "pr")
_NEEDS_PROBABILITIES = ("score", "label_accuracy", "class_entropy")
DIGIT_REFERENCE_SIZE = 2500


def digit_reference():
    """The real digits the digit FD is measured against.

    Returns:
        `(images, labels)`: the first `DIGIT_REFERENCE_SIZE` (2500) of the
        embedded digits, uint8 `(2500, 28, 28)` and int64 `(2500,)`. The other
        2500 give the real-vs-real reference figure.

    Example:
    >>> images, labels = digit_reference()
    >>> images.shape, images.dtype, labels.shape
    ((2500, 28, 28), dtype('uint8'), (2500,))
    """
    from keras_gans.data import load_digits_sample

    images, labels = load_digits_sample()
    return images[:DIGIT_REFERENCE_SIZE], labels[:DIGIT_REFERENCE_SIZE]


class Evaluator:
    """Computes sample metrics of generators against one real reference.

    The real side is read and reduced to statistics once, at the first call;
    each call then draws fresh samples from the model it is given. This is
    what the `Evaluate` callback runs every few epochs.

    Args:
        real_dataset: real images: a batched `tf.data.Dataset` (or any
            iterable) whose elements are images `(b, h, w[, c])` or tuples
            whose first item is images, or an array of images. uint8 in
            [0, 255] or float in [-1, 1]; other ranges (floats in [0, 1]
            included, see `keras_gans.utils.check_unit_range`) are a
            `ValueError` naming `real_dataset`. Read once, up to
            `num_real_samples` images (never repeated). `None` when no metric
            needs real data.
        metrics: names from `METRICS`.
        num_samples: int. Generated images per evaluation.
        num_real_samples: int or `None` (= `num_samples`). Real images used.
        batch_size: int. Images generated and fed to the extractors at once.
        seed: int or `None`. Noise seed: with an int every call draws the
            same noise (chunk i uses `seed + i`), so successive epochs are
            compared on the same latent points.
        labels: int array `(num_samples,)` or `None`: the classes to draw from
            a conditional model. `None`: `0, 1, ..., num_classes - 1`
            repeated. Also the labels `label_accuracy` checks.
        extractors: dict or `None`: `{"digit": ..., "inception": ...}` to
            replace the default extractors (`metrics.DigitFeatures()`,
            `metrics.InceptionFeatures()` from the Keras cache); any object
            with `features_and_probabilities(images)` (or a callable giving
            features).
        allow_fewer: bool. Accept fewer generated (or real) images than
            `num_samples` (`num_real_samples`); the counts used are in the
            result either way. Otherwise a shortfall is a `ValueError`.
        backbone: `"keras_inception_v3"` or `"inception_2015"`: the
            feature extractor of `fid`, `kid` and `precision_recall` (see
            the module). `real_dataset` may then also be a folder of image
            files (FID statistics cached) or a reference-statistics `.npz`
            file (FID only).
        resize: `None` (the backbone's own) or, for `"inception_2015"`,
            `"legacy_tensorflow"` (the default) or `"clean"`.
        allow_small_sets: bool. Accept an `inception_2015` FID on fewer
            than 2048 images a side (its figures are then biased upwards and
            not comparable with published ones).

    Raises:
        ValueError: an unknown metric, backbone or resize; the Inception
            Score with `"inception_2015"`; an `inception_2015` FID on fewer
            than 2048 images (`num_samples` / `num_real_samples` named) unless
            `allow_small_sets=True`; the other argument checks.

    Example (here the "generated" images are an array of real digits; a
    model is called the same way, `evaluator(model)`, after each epoch):

    >>> images, _ = digit_reference()
    >>> evaluator = Evaluator(images[:200], ["digit_fd", "class_entropy"], 200)
    >>> results = evaluator(images[200:400])
    >>> sorted(results)
    ['class_entropy', 'digit_fd', 'num_real_samples', 'num_samples']
    >>> results["digit_fd"] < 5.0 and results["class_entropy"] > 2.0
    True
    """

    def __init__(
        self,
        real_dataset=None,
        metrics=("digit_fd",),
        num_samples=1000,
        num_real_samples=None,
        batch_size=500,
        seed=0,
        labels=None,
        extractors=None,
        allow_fewer=False,
        backbone="keras_inception_v3",
        resize=None,
        allow_small_sets=False,
    ):
        if isinstance(metrics, str):
            metrics = [metrics]
        metrics = list(metrics)
        unknown = [m for m in metrics if m not in METRICS]
        if not metrics or unknown:
            raise ValueError(
                f"`metrics` must be a non-empty list of names from {sorted(METRICS)}. "
                f"Received: metrics={metrics!r}"
            )
        check_int("num_samples", num_samples, minimum=1)
        check_int("batch_size", batch_size, minimum=1)
        if num_real_samples is None:
            num_real_samples = num_samples
        check_int("num_real_samples", num_real_samples, minimum=1)
        if seed is not None:
            check_int("seed", seed, minimum=0)
        needs_real = [m for m in metrics if METRICS[m][1] in _NEEDS_REAL]
        for name, value in (
            ("num_samples", num_samples),
            ("num_real_samples", num_real_samples),
        ):
            if needs_real and value < 2:
                raise ValueError(
                    f"`{name}` must be >= 2 for {needs_real} (a mean and a "
                    f"covariance, or pairs of samples). Received: {name}={value}"
                )
        if needs_real and real_dataset is None:
            raise ValueError(
                f"`real_dataset` is needed for {needs_real}. Received: real_dataset=None"
            )
        self.backbone, self.resize = _check_backbone(
            backbone, resize, metrics, num_samples, num_real_samples, allow_small_sets
        )
        if labels is not None:
            labels = np.asarray(keras.ops.convert_to_numpy(labels))
            if labels.shape != (num_samples,) or not np.issubdtype(
                labels.dtype, np.integer
            ):
                raise ValueError(
                    f"`labels` must be int classes of shape ({num_samples},), one "
                    f"per sample. Received: labels.shape={labels.shape}, "
                    f"dtype={labels.dtype}"
                )
        extractors = dict(extractors or {})
        unknown = set(extractors) - {"digit", "inception"}
        if unknown:
            raise ValueError(
                "`extractors` keys must be 'digit' or 'inception'. Received: "
                f"{sorted(unknown)}"
            )
        self.metrics = list(dict.fromkeys(metrics))  # unique, in order
        self.real_dataset = real_dataset
        self.num_samples = int(num_samples)
        self.num_real_samples = int(num_real_samples)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.labels = labels
        self.allow_fewer = bool(allow_fewer)
        self.last_seconds = None  # wall time of the last call
        self.num_real_seen = None  # real images read (set at the first call)
        self._extractor_overrides = extractors
        self.protocol = None  # what the last figures rest on (see `evaluate`)
        self._reference = _describe_reference(real_dataset)
        self._extractors = None
        self._streams = None
        self._real_ready = False

    # --------------------------------------------------------------- setup
    def _groups(self):
        """extractor name -> the metric names using it."""
        groups = {}
        for name in self.metrics:
            groups.setdefault(METRICS[name][0], []).append(name)
        return groups

    def _build(self):
        self._extractors = {}
        for group, names in self._groups().items():
            if group in self._extractor_overrides:
                self._extractors[group] = self._extractor_overrides[group]
            elif group == "digit":
                self._extractors[group] = metrics_lib.get_extractor("digit")
            elif self.backbone == "inception_2015":
                self._extractors[group] = metrics_lib.Inception2015Features(
                    resize=self.resize
                )
            else:
                with_head = "inception_score" in names
                self._extractors[group] = metrics_lib.get_extractor(
                    "inception", probabilities=with_head
                )
        self._streams = {}
        for name in self.metrics:
            kind = METRICS[name][1]
            if kind == "fd":
                self._streams[name] = metrics_lib.FrechetDistance(name=name)
            elif kind == "kid":
                self._streams[name] = metrics_lib.KernelInceptionDistance(
                    max_samples=max(self.num_samples, self.num_real_samples), name=name
                )
            elif kind == "pr":
                self._streams[name] = metrics_lib.PrecisionRecall(
                    max_samples=max(self.num_samples, self.num_real_samples), name=name
                )
            elif kind == "score":
                splits = 1 if name == "digit_score" else 10
                self._streams[name] = metrics_lib.InceptionScore(
                    splits=min(splits, self.num_samples),
                    max_samples=self.num_samples,
                    name=name,
                )

    def _extract(self, group, images):
        """`(features, probabilities)` of a batch; probabilities may be None."""
        extractor = self._extractors[group]
        both = getattr(extractor, "features_and_probabilities", None)
        if callable(both):
            return both(images)
        return extractor(images), None

    def _read_real(self):
        groups = {
            group: [m for m in names if METRICS[m][1] in _NEEDS_REAL]
            for group, names in self._groups().items()
        }
        groups = {group: names for group, names in groups.items() if names}
        groups, seen = self._cached_real(groups)
        seen = seen or 0
        real_dataset = self.real_dataset
        if groups and _is_path(real_dataset):
            real_dataset = metrics_lib.read_image_folder(
                os.fspath(real_dataset), self.batch_size, self.num_real_samples
            )
        if groups:
            seen = 0
            for images in _rebatch(
                real_dataset, self.batch_size, self.num_real_samples
            ):
                seen += len(images)
                for group, names in groups.items():
                    features, _ = self._extract(group, images)
                    for name in names:
                        self._streams[name].update_state(real=features)
        self.num_real_seen = seen
        if groups and seen < self.num_real_samples and not self.allow_fewer:
            raise ValueError(
                f"`real_dataset` holds {seen} images, fewer than "
                f"num_real_samples={self.num_real_samples}: the figures would "
                "silently rest on fewer real samples than asked (FD and KID "
                "depend on the count: compare only figures of equal counts). "
                f"Pass num_real_samples={seen}, more real images, or "
                "allow_fewer=True."
            )
        self._real_ready = True

    def _cached_real(self, groups):
        """FID real sides from cached statistics when `real_dataset` is a
        folder or an `.npz` file: `(groups still to read, count or None)`."""
        if not _is_path(self.real_dataset):
            return groups, None
        path = os.fspath(self.real_dataset)
        if os.path.isfile(path):
            statistics = metrics_lib.load_reference_statistics(path)
        else:
            statistics = None
        left, count = {}, None
        for group, names in groups.items():
            fd = [n for n in names if METRICS[n][1] == "fd"]
            rest = [n for n in names if METRICS[n][1] != "fd"]
            if rest:
                if statistics is not None:
                    raise ValueError(
                        f"{rest} need the real images, and `real_dataset` is a "
                        f"statistics file ({path}): pass the image folder."
                    )
                left[group] = names  # read the folder once for all of them
                continue
            if statistics is None:
                available = len(metrics_lib.image_files(path))
                wanted = self.num_real_samples
                if available < wanted and not self.allow_fewer:
                    raise ValueError(
                        f"`real_dataset` holds {available} images, fewer than "
                        f"num_real_samples={wanted}. Pass num_real_samples="
                        f"{available}, more real images, or allow_fewer=True."
                    )
                statistics = metrics_lib.reference_statistics(
                    path,
                    self._extractors[group],
                    num_samples=min(available, wanted),
                    batch_size=self.batch_size,
                )
            self._reference = statistics["protocol"].get("reference", path)
            self._reference_sha256 = statistics["protocol"].get("reference_sha256")
            count = statistics["count"]
            for name in fd:
                self._streams[name].set_real_moments(
                    statistics["mean"], statistics["cov"], count
                )
        return left, count

    # ---------------------------------------------------------------- call
    def __call__(self, generator_or_model):
        """Draws samples from `generator_or_model` and returns the metrics.

        Args:
            generator_or_model: a model with `generate(n, labels, seed)` (every
                keras_gans model; samples from its EMA generator when it has
                one), a generator `keras.Model` from noise `(b, latent)` (or
                `[noise, labels]`) to images, whose noise is drawn from
                N(0, 1), or an array of already generated images, uint8 in
                [0, 255] or float in [-1, 1] (the first `num_samples` are
                used; other ranges are a `ValueError`). A model's samples are
                taken as [-1, 1], as its `generate` promises.

        Returns:
            dict: metric key -> Python float.
        """
        start = time.perf_counter()
        if self._streams is None:
            self._build()
        if not self._real_ready:
            self._read_real()
        for name, stream in self._streams.items():
            if METRICS[name][1] in _NEEDS_REAL:
                stream.reset_fake_state()
            else:
                stream.reset_state()
        groups = self._groups()
        correct = counted = 0
        histogram = None
        # A model's samples are [-1, 1] by contract (an all-white collapsed
        # generator is scored, not refused); arrays are checked at the boundary.
        trusted = not (
            isinstance(generator_or_model, np.ndarray)
            or (
                hasattr(generator_or_model, "shape")
                and not isinstance(generator_or_model, keras.Model)
            )
        )
        batches, labels = _sample_batches(
            generator_or_model,
            self.num_samples,
            self.labels,
            self.seed,
            self.batch_size,
        )
        if "label_accuracy" in self.metrics and labels is None:
            raise ValueError(
                "`label_accuracy` needs labels: a conditional model (with "
                "`num_classes`) or `labels=`. Received: an unconditional "
                f"{type(generator_or_model).__name__} and labels=None"
            )
        generated = 0
        for images, batch_labels in batches:
            generated += len(images)
            for group, names in groups.items():
                with assume_unit_range() if trusted else contextlib.nullcontext():
                    features, probabilities = self._extract(group, images)
                needs_probabilities = [
                    n for n in names if METRICS[n][1] in _NEEDS_PROBABILITIES
                ]
                if needs_probabilities and probabilities is None:
                    raise ValueError(
                        f"{needs_probabilities} need class probabilities, and the "
                        f"'{group}' extractor gives none (no "
                        "`features_and_probabilities` method or no class head)."
                    )
                for name in names:
                    kind = METRICS[name][1]
                    if kind in _NEEDS_REAL:
                        self._streams[name].update_state(fake=features)
                    elif kind == "score":
                        self._streams[name].update_state(probabilities)
                if probabilities is not None and group == "digit":
                    predictions = probabilities.argmax(-1)
                    if histogram is None:
                        histogram = np.zeros(probabilities.shape[1], np.int64)
                    histogram += np.bincount(predictions, minlength=len(histogram))
                    if batch_labels is not None:
                        correct += int(np.sum(predictions == batch_labels))
                        counted += len(batch_labels)
        if generated < self.num_samples and not self.allow_fewer:
            raise ValueError(
                f"{generated} generated images were given, fewer than "
                f"num_samples={self.num_samples}: the figures would silently "
                "rest on fewer samples than asked (FD and KID depend on the "
                f"count). Pass num_samples={generated}, more images, or "
                "allow_fewer=True."
            )
        results = {}
        for name in self.metrics:
            kind = METRICS[name][1]
            if kind == "label_accuracy":
                results[name] = correct / counted
            elif kind == "class_entropy":
                results[name] = metrics_lib.class_histogram_entropy(
                    np.repeat(np.arange(len(histogram)), histogram), len(histogram)
                )
            else:
                results.update(_result_keys(name, self._streams[name].result()))
        self.last_seconds = time.perf_counter() - start
        results = {key: float(value) for key, value in results.items()}
        # The counts the figures rest on (ints, beside the float figures).
        results["num_samples"] = generated
        if any(METRICS[m][1] in _NEEDS_REAL for m in self.metrics):
            results["num_real_samples"] = self.num_real_seen
        self.protocol = self._protocol(generated)
        return results

    def _protocol(self, generated):
        """What the Inception figures rest on, or `None` without them."""
        if "inception" not in self._groups():
            return None
        extractor = self._extractors["inception"]
        protocol = {
            "backbone": self.backbone,
            "resize": self.resize,
            "weights": getattr(extractor, "protocol", {}).get("weights")
            or os.path.basename(str(getattr(extractor, "weights", None))),
            "num_samples": generated,
        }
        if any(METRICS[m][1] in _NEEDS_REAL for m in self.metrics):
            protocol["num_real_samples"] = self.num_real_seen
            protocol["reference"] = self._reference
            sha256 = getattr(self, "_reference_sha256", None)
            if sha256:
                protocol["reference_sha256"] = sha256
        return protocol


def evaluate(
    generator_or_model,
    real_dataset=None,
    metrics=("digit_fd",),
    num_samples=1000,
    num_real_samples=None,
    batch_size=500,
    seed=0,
    labels=None,
    extractors=None,
    allow_fewer=False,
    backbone="keras_inception_v3",
    resize=None,
    allow_small_sets=False,
):
    """Sample metrics of a generator against real data, as a dict of floats.

    Args:
        generator_or_model: as `Evaluator.__call__` takes it: a keras_gans
            model, a generator `keras.Model`, or an array of generated images.
        real_dataset, metrics, num_samples, num_real_samples, batch_size,
        seed, labels, extractors, allow_fewer, backbone, resize,
        allow_small_sets: as in `Evaluator`.

    Returns:
        dict: metric key -> Python float (see the table in this module), and
        the counts the figures rest on: `num_samples` (generated images) and,
        for metrics against real data, `num_real_samples` (ints); with an
        Inception metric, `protocol` (dict: `backbone`, `resize`, `weights`,
        `num_samples`, `num_real_samples`, `reference`), to print beside
        the figure.

    Raises:
        ValueError: fewer generated images than `num_samples`, or fewer real
            ones than `num_real_samples`, unless `allow_fewer=True` (FD and
            KID depend on the count: figures of other counts do not compare);
            and the argument checks of `Evaluator`.

    Example: the package's digit-FD protocol for a conditional model is
    `evaluate(cgan, images, ["digit_fd", "label_accuracy"], num_samples=2500,
    labels=labels)` with `images, labels = digit_reference()`. With an array
    of images in place of the model:

    >>> images, labels = digit_reference()
    >>> results = evaluate(
    ...     images[:300], images[300:600], ["label_accuracy"], 300, labels=labels[:300]
    ... )
    >>> results["label_accuracy"] > 0.95
    True
    """
    evaluator = Evaluator(
        real_dataset,
        metrics,
        num_samples=num_samples,
        num_real_samples=num_real_samples,
        batch_size=batch_size,
        seed=seed,
        labels=labels,
        extractors=extractors,
        allow_fewer=allow_fewer,
        backbone=backbone,
        resize=resize,
        allow_small_sets=allow_small_sets,
    )
    results = evaluator(generator_or_model)
    if evaluator.protocol is not None:
        results["protocol"] = evaluator.protocol
    return results
