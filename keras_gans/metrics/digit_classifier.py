"""Judging generated digits with the digit classifier shipped in the package.

The classifier (`assets/digit_classifier.keras`, trained by
`tools/train_digit_classifier.py` on the 4000 `"train"` digits of the embedded
sample only, with non-digits as an 11th class) reads 28x28 grey digits and
returns the probabilities of the 10 digit classes; for what is not a digit
(noise, blobs, blank, inverted or scrambled digits) they sum to far less
than 1, so such images read with low confidence. From its predictions:

- `label_accuracy`: how often a conditional generator draws the digit it was
  asked for.
- `class_histogram_entropy`: how evenly the samples cover the classes, in nats
  (`ln 10 = 2.3026` when every digit is equally frequent, 0 when one digit is
  all the generator draws: mode collapse).
- `confident_fraction`: how many samples the classifier reads with confidence
  (a rough proxy for legible digits).
- `digit_report`: all of the above in one JSON-serializable dict.

`DigitFeatures` gives the classifier's penultimate-layer features, the
feature space of the digit FD, KID and precision/recall.

Images are float `(n, 28, 28, 1)` or `(n, 28, 28)` in [-1, 1] (generator
outputs) or uint8 in [0, 255] (the embedded sample); anything else (floats in
[0, 1] or [0, 255], NaN) is a `ValueError` naming the range received, by the
rule of `keras_gans.utils.check_unit_range`. Every function also takes
`classifier=`, any Keras model from such images to `(n, num_classes)`
probabilities, in place of the shipped one.
"""

import functools
import numbers
import os
import pathlib

import keras
import numpy as np
import tensorflow as tf

from keras_gans.utils import check_int, check_unit_range

__all__ = [
    "DIGIT_CLASSIFIER_PATH",
    "DigitFeatures",
    "IMAGE_SIZE",
    "class_histogram_entropy",
    "confident_fraction",
    "digit_features",
    "digit_probabilities",
    "digit_report",
    "label_accuracy",
    "load_digit_classifier",
]

DIGIT_CLASSIFIER_PATH = (
    pathlib.Path(__file__).resolve().parents[1] / "assets" / "digit_classifier.keras"
)
IMAGE_SIZE = (28, 28)


def load_digit_classifier(path=None):
    """Loads a digit classifier, once per path per process.

    Args:
        path: str or path-like. A `.keras` file. `None` means the classifier
            shipped with the package, `DIGIT_CLASSIFIER_PATH`.

    Returns:
        A `keras.Model` from float `(n, 28, 28, 1)` images in [-1, 1] to
        softmax probabilities `(n, 10)`, uncompiled. Later calls with the same
        path return the same object: do not modify it.

    Example:
    >>> classifier = load_digit_classifier()
    >>> classifier.output_shape
    (None, 10)
    """
    path = DIGIT_CLASSIFIER_PATH if path is None else path
    return _load_classifier(os.path.abspath(os.fspath(path)))


@functools.lru_cache(maxsize=8)
def _load_classifier(path):
    if not os.path.isfile(path):
        raise ValueError(
            f"`path` must be an existing `.keras` classifier file. Received: path={path!r}"
        )
    return keras.saving.load_model(path, compile=False)


def digit_probabilities(images, classifier=None, batch_size=500):
    """Class probabilities of 28x28 grey digits.

    Args:
        images: array or tensor. Float `(n, 28, 28, 1)` or `(n, 28, 28)` in
            [-1, 1], or uint8 (any integer dtype) in [0, 255], which is mapped
            to [-1, 1].
        classifier: `keras.Model` or `None`. Maps float `(n, 28, 28, 1)` images
            in [-1, 1] to `(n, num_classes)` probabilities. `None` means
            `load_digit_classifier()`.
        batch_size: int. Images per classifier call.

    Returns:
        float64 numpy array `(n, num_classes)`.

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, _ = load_digits_sample(subset="test")
    >>> digit_probabilities(images[:3]).shape
    (3, 10)
    """
    return _predict(_classifier_input(images), classifier, batch_size)


def label_accuracy(images, labels, classifier=None):
    """Fraction of images the classifier reads as their given label.

    For a conditional generator, `labels` are the classes it was asked to draw.

    Args:
        images: array or tensor. Digits as `digit_probabilities` takes them.
        labels: int array `(n,)`. One class per image.
        classifier: `keras.Model` or `None`. As in `digit_probabilities`.

    Returns:
        A Python float in [0, 1].

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, labels = load_digits_sample(subset="test")
    >>> label_accuracy(images[:100], labels[:100]) > 0.9
    True
    """
    x = _classifier_input(images)
    labels = _check_labels(labels, len(x))
    probabilities = _predict(x, classifier, batch_size=500)
    _check_label_range(labels, probabilities.shape[1])
    return float(np.mean(probabilities.argmax(-1) == labels))


def class_histogram_entropy(probabilities_or_predictions, num_classes=10):
    """Entropy, in nats, of the histogram of predicted classes.

    `ln(num_classes)` when every class is predicted equally often, 0 when a
    single class is: a low value flags mode collapse.

    Args:
        probabilities_or_predictions: array. Probabilities (or logits)
            `(n, num_classes)`, reduced to classes by argmax, or int predicted
            classes `(n,)`.
        num_classes: int. Number of classes of the histogram.

    Returns:
        A Python float in [0, ln(num_classes)].

    Example:
    >>> round(class_histogram_entropy(np.arange(10)), 4)  # ln(10)
    2.3026
    >>> class_histogram_entropy(np.array([3, 3, 3]))
    0.0
    """
    num_classes = check_int("num_classes", num_classes, minimum=1)
    predictions = _predictions(
        probabilities_or_predictions, num_classes, "probabilities_or_predictions"
    )
    counts = np.bincount(predictions, minlength=num_classes)
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p))) + 0.0  # + 0.0 turns -0.0 into 0.0


def confident_fraction(probabilities, threshold=0.9):
    """Fraction of images whose largest class probability is >= `threshold`.

    Args:
        probabilities: array `(n, num_classes)`. Softmax outputs.
        threshold: float in (0, 1].

    Returns:
        A Python float in [0, 1].

    Example:
    >>> confident_fraction(np.array([[0.95, 0.05], [0.6, 0.4]]))
    0.5
    """
    if (
        not isinstance(threshold, numbers.Real)
        or isinstance(threshold, bool)
        or not 0.0 < threshold <= 1.0
    ):
        raise ValueError(
            f"`threshold` must be a number in (0, 1]. Received: threshold={threshold!r}"
        )
    probabilities = np.asarray(keras.ops.convert_to_numpy(probabilities))
    if probabilities.ndim != 2 or probabilities.shape[0] == 0:
        raise ValueError(
            "`probabilities` must be a non-empty array of shape "
            f"(n, num_classes). Received: probabilities.shape={probabilities.shape}"
        )
    return float(np.mean(probabilities.max(-1) >= threshold))


def digit_report(images, labels=None, classifier=None):
    """Summary of a batch of generated digits as read by the classifier.

    Args:
        images: array or tensor. Digits as `digit_probabilities` takes them.
        labels: int array `(n,)` or `None`. The classes the images should
            show; adds `label_accuracy` and `per_class_accuracy`.
        classifier: `keras.Model` or `None`. As in `digit_probabilities`.

    Returns:
        A dict of plain Python values (ready for `json.dumps`):
        `num_images`, `class_entropy` (`class_histogram_entropy`, nats),
        `confident_fraction` (threshold 0.9), `class_histogram` (count of
        images predicted as each class), and with labels `label_accuracy` and
        `per_class_accuracy` (accuracy among the images labelled with each
        class; `None` for a class with no images).

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, labels = load_digits_sample(subset="test")
    >>> report = digit_report(images[:100], labels[:100])
    >>> report["num_images"], len(report["class_histogram"])
    (100, 10)
    """
    x = _classifier_input(images)
    if labels is not None:
        labels = _check_labels(labels, len(x))
    probabilities = _predict(x, classifier, batch_size=500)
    num_classes = probabilities.shape[1]
    predictions = probabilities.argmax(-1)
    report = {
        "num_images": len(x),
        "class_entropy": class_histogram_entropy(predictions, num_classes),
        "confident_fraction": confident_fraction(probabilities),
        "class_histogram": np.bincount(predictions, minlength=num_classes).tolist(),
    }
    if labels is not None:
        _check_label_range(labels, num_classes)
        correct = predictions == labels
        report["label_accuracy"] = float(np.mean(correct))
        report["per_class_accuracy"] = [
            float(np.mean(correct[labels == k])) if np.any(labels == k) else None
            for k in range(num_classes)
        ]
    return report


class DigitFeatures:
    """Features and class probabilities of 28x28 digits from a digit classifier.

    The features are the input of the classifier's last layer (its softmax
    `Dense`). For the shipped classifier (`load_digit_classifier`) that is
    the 128-d global average of its last conv block (the dropout before the
    softmax is inactive at inference): the penultimate layer, as TF-GAN's
    MNIST metrics use a classifier's pre-softmax activations. One forward pass
    gives both features and probabilities.

    Args:
        classifier: `keras.Model`, path of a `.keras` file, or `None` (the
            shipped classifier). A model from float `(n, 28, 28, 1)` images in
            [-1, 1] to probabilities `(n, num_classes)`, ending in one layer
            that maps features to probabilities.
        batch_size: int. Images per forward pass.

    Attributes:
        num_features: int. Width of the features (128 for the shipped one).
        num_classes: int. Width of the probabilities.

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, _ = load_digits_sample(subset="test")
    >>> features = DigitFeatures()
    >>> features(images[:5]).shape
    (5, 128)
    """

    def __init__(self, classifier=None, batch_size=500):
        check_int("batch_size", batch_size, minimum=1)
        if classifier is None or isinstance(classifier, (str, os.PathLike)):
            classifier = load_digit_classifier(classifier)
        if not isinstance(classifier, keras.Model):
            raise ValueError(
                "`classifier` must be a keras.Model, a `.keras` path or None. "
                f"Received: classifier of type {type(classifier).__name__}"
            )
        # The features are the input of the last trainable layer: the class
        # head (the shipped classifier follows its 11-way head, with a "not a
        # digit" class, by a fixed layer that keeps the 10 digit classes).
        trainable = [layer for layer in classifier.layers if layer.trainable_weights]
        last = trainable[-1] if trainable else classifier.layers[-1]
        self.classifier = classifier
        self.batch_size = int(batch_size)
        self._model = keras.Model(
            classifier.inputs, [last.input, classifier.outputs[0]]
        )
        # A compiled call per chunk: about twice as fast as `predict` here.
        self._forward = tf.function(self._call_model, reduce_retracing=True)
        self.num_features = int(np.prod(last.input.shape[1:]))
        self.num_classes = int(classifier.outputs[0].shape[-1])

    def features_and_probabilities(self, images):
        """`(features, probabilities)`: float64 `(n, d)` and `(n, num_classes)`.

        `images` as `digit_probabilities` takes them. The probabilities are
        the classifier's distribution over the digit classes, rows summing
        to 1 (as the Inception Score needs): the shipped judge's 10 digit
        probabilities renormalized (its "not a digit" mass left out).
        `digit_probabilities` gives them unnormalized, for confidence.
        """
        x = _classifier_input(images)
        features, probabilities = [], []
        for start in range(0, len(x), self.batch_size):
            f, p = self._forward(x[start : start + self.batch_size])
            features.append(np.asarray(f, np.float64).reshape(len(f), -1))
            p = np.asarray(p, np.float64)
            probabilities.append(p / np.maximum(p.sum(-1, keepdims=True), 1e-12))
        return np.concatenate(features), np.concatenate(probabilities)

    def _call_model(self, x):
        return self._model(x, training=False)

    def probabilities(self, images):
        """Class probabilities, float64 `(n, num_classes)`."""
        return self.features_and_probabilities(images)[1]

    def __call__(self, images):
        """Features, float64 `(n, num_features)`."""
        return self.features_and_probabilities(images)[0]


def digit_features(images, classifier=None):
    """Penultimate-layer features of digits (see `DigitFeatures`).

    Args:
        images: digits as `digit_probabilities` takes them.
        classifier: as in `DigitFeatures`.

    Returns:
        float64 array `(n, 128)` for the shipped classifier.

    Example:
    >>> digit_features(np.zeros((2, 28, 28), np.uint8)).shape
    (2, 128)
    """
    return _digit_extractor(classifier)(images)


@functools.lru_cache(maxsize=4)
def _default_digit_extractor():
    return DigitFeatures()


def _digit_extractor(classifier):
    if classifier is None:
        return _default_digit_extractor()
    if isinstance(classifier, DigitFeatures):
        return classifier
    return DigitFeatures(classifier)


def _classifier_input(images):
    """Images as `digit_probabilities` takes them -> float32 `(n, 28, 28, 1)`."""
    images = np.asarray(keras.ops.convert_to_numpy(images))
    shape = images.shape
    if images.ndim == 4 and shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != IMAGE_SIZE or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch of 28x28 grey images, shape "
            "(n, 28, 28, 1) or (n, 28, 28); resize (and convert to grey) other "
            "images first, e.g. with `keras.ops.image.resize`. Received: "
            f"images.shape={shape}"
        )
    return check_unit_range(images, "images")[..., None]  # (n, 28, 28, 1)


def _predict(x, classifier, batch_size):
    """float32 `(n, 28, 28, 1)` -> float64 probabilities `(n, num_classes)`."""
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if classifier is None:
        classifier = load_digit_classifier()
    probabilities = classifier.predict(x, batch_size=batch_size, verbose=0)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[0] != len(x):
        raise ValueError(
            "`classifier` must map (n, 28, 28, 1) images to (n, num_classes) "
            f"probabilities. Received: output shape {probabilities.shape} "
            f"for {len(x)} images"
        )
    return probabilities


def _check_labels(labels, num_images):
    labels = np.asarray(keras.ops.convert_to_numpy(labels))
    if labels.shape != (num_images,):
        raise ValueError(
            f"`labels` must have shape (n,) with one label per image ({num_images} "
            f"images). Received: labels.shape={labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"`labels` must be integer classes. Received: labels.dtype={labels.dtype}"
        )
    return labels.astype(np.int64)


def _check_label_range(labels, num_classes):
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"`labels` must be classes in [0, {num_classes}) to match the "
            f"classifier. Received: labels in [{labels.min()}, {labels.max()}]"
        )


def _predictions(values, num_classes, name):
    """Probabilities `(n, k)` or classes `(n,)` -> int64 classes `(n,)`."""
    values = np.asarray(keras.ops.convert_to_numpy(values))
    if values.ndim == 2 and values.shape[0] > 0 and values.shape[1] == num_classes:
        return values.argmax(-1)
    if values.ndim == 1 and values.shape[0] > 0:
        if not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                f"`{name}` of shape (n,) must be integer classes. "
                f"Received: {name}.dtype={values.dtype}"
            )
        if values.min() < 0 or values.max() >= num_classes:
            raise ValueError(
                f"`{name}` must be classes in [0, {num_classes}). "
                f"Received: {name} in [{values.min()}, {values.max()}]"
            )
        return values.astype(np.int64)
    raise ValueError(
        f"`{name}` must be non-empty probabilities (n, {num_classes}) or "
        f"classes (n,). Received: {name}.shape={values.shape}"
    )
