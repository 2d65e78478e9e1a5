"""The evaluations presets name in their recipe: `model -> dict` of numbers.

`make_evaluation(name, context)` returns the function `runner.run_preset`
hands to `runner.fit_and_export(..., evaluate=...)`; its numbers go into
`metrics.json`. The digit evaluations judge samples with the shipped digit
classifier (`keras_gans.metrics`); `context` carries what an evaluation needs
from the run (the validation folder of an image-to-image dataset, ...).

Example:

>>> x = np.zeros((2, 32, 32, 1), "float32")
>>> to_classifier_size(x).shape
(2, 28, 28, 1)
"""

import functools

import numpy as np

from keras_gans import metrics
from keras_gans.data import pairs, unpaired
from keras_gans.data.pairs import digit_pairs_heldout
from keras_gans.metrics import evaluation

__all__ = [
    "EVALUATIONS",
    "digit_pairs_heldout",
    "make_evaluation",
    "real_vs_real_digit_fd",
    "to_classifier_size",
]

_PAD = 2  # 28x28 digits padded to 32x32


def to_classifier_size(images, size=32):
    """Generated `(n, r, r, 1)` digits padded to `size` -> `(n, 28, 28, 1)`.

    Nearest-upsamples to `size` when `r < size` (a progressive run stopped
    early), then crops the padding back off.
    """
    images = np.asarray(images)
    factor = size // images.shape[1]
    images = np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)
    pad = (size - 28) // 2
    return images[:, pad : size - pad, pad : size - pad, :]


def _l1(translated, targets):
    """`(sum of |translated - targets| in [0, 1] pixel units, pixel count)`."""
    diff = np.abs(np.asarray(translated) - np.asarray(targets))
    return float(np.sum(diff)) / 2, int(diff.size)


def real_vs_real_digit_fd():
    """The digit FD of real digits against real digits: the floor every
    generated digit FD is compared with (`digit_fd_ratio` = digit FD /
    this). The last 2500 embedded digits against `digit_reference()`'s
    first 2500, in the shipped classifier's features; computed once per
    process.

    Returns:
        A Python float > 0.

    Example:
    >>> 0.0 < real_vs_real_digit_fd() < 1.0
    True
    """
    return _real_vs_real_digit_fd()


@functools.lru_cache(maxsize=1)
def _real_vs_real_digit_fd():
    from keras_gans.data import load_digits_sample

    images, _ = load_digits_sample()
    reference, _ = evaluation.digit_reference()
    other = images[
        evaluation.DIGIT_REFERENCE_SIZE : 2 * evaluation.DIGIT_REFERENCE_SIZE
    ]
    return float(metrics.digit_frechet_distance(reference, other))


def _with_fd_ratio(report):
    """Adds `digit_fd_ratio`: the digit FD as a multiple of real vs real
    (`real_vs_real_digit_fd`, the same 2500 vs 2500)."""
    floor = real_vs_real_digit_fd()
    report["real_vs_real_digit_fd"] = round(floor, 5)
    report["digit_fd_ratio"] = round(float(report["digit_fd"]) / floor, 4)
    return report


def _digit_report(model, context):
    """Class coverage of 1000 samples by the shipped digit classifier, and
    the digit FD of 2500 samples against the first 2500 embedded digits
    (also as `digit_fd_ratio`, a multiple of real vs real)."""
    report = metrics.digit_report(model.generate(1000, seed=1))
    real, _ = evaluation.digit_reference()
    report.update(evaluation.evaluate(model, real, ["digit_fd"], len(real), seed=1))
    return _with_fd_ratio(report)


def _cgan_digits(model, context):
    """Label accuracy of 100 generated digits per class, and the digit FD of
    2500 generated digits against the first 2500 embedded digits (drawn with
    their labels)."""
    labels = [c for c in range(model.num_classes) for _ in range(100)]
    images = model.generate(len(labels), labels=labels, seed=1)
    report = metrics.digit_report(images, labels)
    real, real_labels = evaluation.digit_reference()
    report.update(
        evaluation.evaluate(
            model, real, ["digit_fd"], len(real), labels=real_labels, seed=1
        )
    )
    return _with_fd_ratio(report)


def _pggan_progress(model, context):
    """Where a progressive run ended: resolution and images seen."""
    return {"resolution": model.resolution, "images_seen": model.images_seen}


def _pggan_digits(model, context):
    """Classifier report of 1000 EMA samples cropped back to 28x28, the digit
    FD of 2500 such crops against the first 2500 embedded digits, and where
    training ended."""
    size = context.get("pad_to", 32)
    real, _ = evaluation.digit_reference()
    images = to_classifier_size(model.generate(len(real), seed=1), size)
    report = metrics.digit_report(images[:1000])
    report["digit_fd"] = float(metrics.digit_frechet_distance(real, images))
    report.update(
        resolution=model.resolution, alpha=model.alpha, images_seen=model.images_seen
    )
    return _with_fd_ratio(report)


def _padded_digits(model, context):
    """Classifier report of 1000 samples of a noise -> image model trained
    on padded digits, cropped back to 28x28, the digit FD of 2500 such crops
    against the first 2500 embedded digits, and the images trained on."""
    size = context.get("pad_to", 32)
    real, _ = evaluation.digit_reference()
    images = to_classifier_size(model.generate(len(real), seed=1), size)
    report = metrics.digit_report(images[:1000])
    report["digit_fd"] = float(metrics.digit_frechet_distance(real, images))
    report["images_seen"] = model.images_seen
    return _with_fd_ratio(report)


def _pix2pix_digits(model, context):
    """Held-out mean L1 in [0, 1] pixel units and digit-classifier accuracy."""
    size = model.sample_shape[0]
    edges, digits, labels = digit_pairs_heldout(size)
    translated = model.translate(edges)
    crop = (size - 28) // 2
    centre = translated[:, crop : crop + 28, crop : crop + 28]
    total, count = _l1(translated, digits)
    return {
        "heldout_l1": round(total / count, 5),
        "heldout_accuracy": round(float(metrics.label_accuracy(centre, labels)), 4),
        "num_heldout": int(len(labels)),
    }


def _pix2pix_folder(model, context):
    """Mean L1 (pixels in [0, 1]) of the translated validation pairs."""
    ds = pairs.pix2pix_folder_dataset(
        context["validation_dir"],
        context["direction"],
        image_size=model.sample_shape[0],
        jitter=False,
        batch_size=8,
        shuffle=False,
        drop_remainder=False,
    )
    total, count, images = 0.0, 0, 0
    for inputs, targets in ds:
        part, n = _l1(model.translate(inputs), targets)
        total, count, images = total + part, count + n, images + len(targets)
    return {"val_l1": round(total / count, 5), "num_val": images}


def _cyclegan_digits(model, context):
    """On the 1000 held-out digits (A) and their true edge maps (B): the
    digit classifier's accuracy on the cycle reconstructions F(G(a))
    (`cycle_accuracy`) and on F(true edges) (`btoa_accuracy`), and the mean
    L1 in [0, 1] pixel units of G(a) against the true edge maps
    (`atob_l1`)."""
    size = model.sample_shape[0]
    digits, edges, labels = unpaired.digit_heldout_pairs(size)
    to_edges = model.translate(digits, direction="AtoB")
    cycled = model.translate(to_edges, direction="BtoA")
    from_edges = model.translate(edges, direction="BtoA")
    crop = (size - 28) // 2

    def accuracy(images):
        centre = images[:, crop : crop + 28, crop : crop + 28]
        return round(float(metrics.label_accuracy(centre, labels)), 4)

    total, count = _l1(to_edges, edges)
    return {
        "cycle_accuracy": accuracy(cycled),
        "btoa_accuracy": accuracy(from_edges),
        "atob_l1": round(total / count, 5),
        "num_heldout": int(len(labels)),
    }


def _cyclegan_folder(model, context):
    """Mean cycle L1 (pixels in [0, 1]) of the test images, both ways:
    |F(G(a)) - a| (`cycle_l1_a`) and |G(F(b)) - b| (`cycle_l1_b`)."""
    ds = unpaired.unpaired_folder_dataset(
        context["data_dir"],
        "test",
        image_size=model.sample_shape[0],
        jitter=False,
        batch_size=8,
        shuffle=False,
        drop_remainder=False,
    )
    sums = {"a": [0.0, 0], "b": [0.0, 0]}
    for a, b in ds:
        for key, x, there, back in (("a", a, "AtoB", "BtoA"), ("b", b, "BtoA", "AtoB")):
            cycled = model.translate(
                model.translate(x, direction=there), direction=back
            )
            part, n = _l1(cycled, x)
            sums[key][0] += part
            sums[key][1] += n
    return {f"cycle_l1_{k}": round(t / max(n, 1), 5) for k, (t, n) in sums.items()}


EVALUATIONS = {
    "cyclegan_digits": _cyclegan_digits,
    "cyclegan_folder": _cyclegan_folder,
    "digit_report": _digit_report,
    "cgan_digits": _cgan_digits,
    "padded_digits": _padded_digits,
    "pggan_digits": _pggan_digits,
    "pggan_progress": _pggan_progress,
    "pix2pix_digits": _pix2pix_digits,
    "pix2pix_folder": _pix2pix_folder,
}


def make_evaluation(name, context=None):
    """The evaluation `name` (a key of `EVALUATIONS`) as `model -> dict`.

    Raises:
        ValueError: `name` is not a key of `EVALUATIONS`.
    """
    if name not in EVALUATIONS:
        raise ValueError(
            f"`evaluation` must be one of {sorted(EVALUATIONS)}. Received: "
            f"evaluation={name!r}"
        )
    function, context = EVALUATIONS[name], dict(context or {})

    def evaluate(model):
        return function(model, context)

    evaluate.__doc__ = function.__doc__
    return evaluate
