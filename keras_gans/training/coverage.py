"""Mode coverage of generated samples, and a callback that catches collapse.

Mode collapse (Goodfellow 2016, "NIPS 2016 Tutorial: Generative Adversarial
Networks", sec 5.1.1: G maps many z to one output) is the failure a
shipped preset must never have. Two readings of a fixed sample:

- classifier-based, for grey digits (28x28, or 32x32 padded as the PGGAN
  draws them): the class histogram of the shipped digit classifier (trained
  with outlier exposure, so noise blobs read as unconfident), its entropy in
  nats (ln 10 = 2.303 when every digit is drawn equally often), the confident
  fraction and the number of classes drawn at all;
- feature-based, for any other image: the mean pairwise distance of 8x8
  downsampled samples divided by that of real images (`reference`), about 1
  for a generator as varied as the data and near 0 for a collapsed one.

`sample_coverage` returns these; `is_collapsed` applies the thresholds;
`CollapseMonitor` logs them every few epochs and warns once per collapse.
"""

import logging

import keras
import numpy as np

from keras_gans import metrics
from keras_gans.utils import check_float, check_int, check_unit_range

__all__ = ["CollapseMonitor", "is_collapsed", "sample_coverage"]

#: Class-histogram entropy (nats) below which a digit sample is collapsed:
#: 0.75 ln 10, i.e. about six classes or fewer drawn evenly.
MIN_CLASS_ENTROPY = 0.75 * float(np.log(10))
#: Feature diversity (against real images) below which a sample is collapsed.
MIN_DIVERSITY = 0.3
_LOG = logging.getLogger("keras_gans")


def _is_digit_shaped(images):
    return images.ndim == 4 and images.shape[1:] in ((28, 28, 1), (32, 32, 1))


def _to_digit_size(images):
    if images.shape[1] == 32:  # padded by 2 on each side, as pggan_digits
        return images[:, 2:30, 2:30]
    return images


def _diversity(images):
    """Mean pairwise L2 distance of 8x8 area-downsampled images."""
    x = keras.ops.convert_to_numpy(
        keras.ops.image.resize(images, (8, 8), interpolation="area")
    ).reshape(len(images), -1)
    squared = np.sum(x * x, axis=1)
    distances = squared[:, None] + squared[None, :] - 2.0 * x @ x.T
    n = len(x)
    return float(np.sum(np.sqrt(np.maximum(distances, 0.0))) / (n * (n - 1)))


def sample_coverage(images, reference=None, classifier=None):
    """How much of the data's variety a sample of generated images covers.

    Args:
        images: float array `(n, H, W, C)` in [-1, 1], n >= 2. Grey 28x28
            (or 32x32 padded) digits are read by the digit classifier.
        reference: float array of real images like `images`, or `None`.
            Needed for the feature-based `diversity` ratio.
        classifier: as in `keras_gans.metrics.digit_probabilities`.

    Returns:
        dict. Digits: `class_entropy` (nats), `confident_fraction`,
        `classes_covered` (classes holding at least 2% of the samples) and
        `num_classes`. Other images: `diversity`, the ratio of mean pairwise
        distances generated / real (`reference`), or the generated one
        alone when `reference` is `None` (`diversity_is_ratio` says which).

    Raises:
        ValueError: fewer than 2 images, or values outside [-1, 1].

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> digits, _ = load_digits_sample(subset="test")
    >>> report = sample_coverage(digits[:500])
    >>> report["classes_covered"], report["class_entropy"] > 2.2
    (10, True)
    """
    images = check_unit_range(images, "images", allow_nonnegative=True)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or len(images) < 2:
        raise ValueError(
            "`images` must be at least 2 images (n, H, W, C). Received: "
            f"images.shape={images.shape}"
        )
    if _is_digit_shaped(images):
        probabilities = metrics.digit_probabilities(
            _to_digit_size(images), classifier=classifier
        )
        counts = np.bincount(probabilities.argmax(-1), minlength=probabilities.shape[1])
        return {
            "class_entropy": metrics.class_histogram_entropy(probabilities),
            "confident_fraction": metrics.confident_fraction(probabilities),
            "classes_covered": int(np.sum(counts >= max(1, 0.02 * len(images)))),
            "num_classes": int(probabilities.shape[1]),
        }
    generated = _diversity(images)
    if reference is None:
        return {"diversity": generated, "diversity_is_ratio": False}
    reference = check_unit_range(reference, "reference", allow_nonnegative=True)
    if reference.ndim == 3:
        reference = reference[..., None]
    ratio = generated / max(_diversity(reference), 1e-12)
    return {"diversity": ratio, "diversity_is_ratio": True}


def is_collapsed(
    coverage, min_class_entropy=MIN_CLASS_ENTROPY, min_diversity=MIN_DIVERSITY
):
    """Whether a `sample_coverage` report shows mode collapse: a class
    entropy below `min_class_entropy` nats, or a diversity ratio below
    `min_diversity` (a raw diversity, without reference, is never judged).

    Example:
    >>> is_collapsed({"class_entropy": 0.19}), is_collapsed({"class_entropy": 2.3})
    (True, False)
    """
    if "class_entropy" in coverage:
        return coverage["class_entropy"] < min_class_entropy
    if coverage.get("diversity_is_ratio"):
        return coverage["diversity"] < min_diversity
    return False


class CollapseMonitor(keras.callbacks.Callback):
    """Logs the mode coverage of a fixed sample every `every` epochs and
    warns when it collapses.

    Draws `num_samples` images with `model.generate(n, seed=seed)` (the EMA
    generator when there is one; for a conditional model, an equal number
    per class) and adds `sample_coverage`'s numbers to the epoch logs as
    `coverage_<key>` (so `History`, `TensorBoard` and `LossCurves` after it
    see them): `coverage_class_entropy`, `coverage_confident_fraction`,
    `coverage_classes_covered` for digits, `coverage_diversity` otherwise,
    and `coverage_collapsed` (1.0 or 0.0). A collapse is logged as a
    warning on the `keras_gans` logger when it starts, and again when it
    ends; `self.history` keeps every reading.

    Args:
        num_samples: int >= 10. Images per reading.
        every: int >= 1. Read after every `every`-th epoch.
        seed: int. The noise of every reading (the same each time).
        reference: real images for the feature-based reading (see
            `sample_coverage`), or `None`.
        min_class_entropy: float. Nats; below it a digit sample is collapsed.
        min_diversity: float. Below it a feature reading is collapsed.
        classifier: as in `keras_gans.metrics.digit_probabilities`.
        stop_on_collapse: bool. Also stop training (`model.stop_training`).

    Example:

    ```python
    model.fit(dataset, epochs=30, callbacks=[keras_gans.callbacks.CollapseMonitor()])
    ```
    """

    def __init__(
        self,
        num_samples=500,
        every=1,
        seed=0,
        reference=None,
        min_class_entropy=MIN_CLASS_ENTROPY,
        min_diversity=MIN_DIVERSITY,
        classifier=None,
        stop_on_collapse=False,
    ):
        super().__init__()
        self.num_samples = check_int("num_samples", num_samples, minimum=10)
        self.every = check_int("every", every, minimum=1)
        self.seed = check_int("seed", seed)
        self.reference = reference
        self.min_class_entropy = check_float(
            "min_class_entropy", min_class_entropy, minimum=0.0
        )
        self.min_diversity = check_float("min_diversity", min_diversity, minimum=0.0)
        self.classifier = classifier
        self.stop_on_collapse = bool(stop_on_collapse)
        self.history = {"epoch": []}
        self._collapsed = False

    def read(self):
        """The coverage report of the model's fixed sample now."""
        num_classes = getattr(self.model, "num_classes", None)
        labels = None
        n = self.num_samples
        if num_classes:
            labels = np.repeat(np.arange(num_classes), max(1, n // num_classes))
            n = len(labels)
        images = self.model.generate(n, labels=labels, seed=self.seed)
        return sample_coverage(images, self.reference, self.classifier)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        report = self.read()
        collapsed = is_collapsed(report, self.min_class_entropy, self.min_diversity)
        values = {
            f"coverage_{k}": float(v)
            for k, v in report.items()
            if k not in ("num_classes", "diversity_is_ratio")
        }
        values["coverage_collapsed"] = float(collapsed)
        if logs is not None:
            logs.update(values)
        self.history["epoch"].append(epoch + 1)
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)
        if collapsed != self._collapsed:
            shown = {k: round(v, 3) for k, v in values.items()}
            if collapsed:
                _LOG.warning("Mode collapse at epoch %d: %s", epoch + 1, shown)
            else:
                _LOG.warning("Coverage recovered at epoch %d: %s", epoch + 1, shown)
            self._collapsed = collapsed
        if collapsed and self.stop_on_collapse:
            self.model.stop_training = True
