"""Sample-quality metrics: Fréchet distance, KID, Inception Score,
precision/recall, and the digit metrics of the shipped digit classifier.

Set-vs-set metrics on features (each also a streaming `keras.metrics.Metric`
that takes batches, so 50k samples never sit in memory at once):

- `frechet_distance` / `FrechetDistance` (Heusel et al. 2017; FID with
  InceptionV3 features), float64, SciPy `sqrtm`.
- `kernel_inception_distance` / `KernelInceptionDistance` (Bińkowski et al.
  2018): unbiased cubic-kernel MMD^2 over random subsets, mean and std.
- `inception_score` / `InceptionScore` (Salimans et al. 2016), with splits.
- `precision_recall` / `PrecisionRecall` (Kynkäänniemi et al. 2019, k=3).

Each takes features `(n, d)`, or images plus an `extractor`: `"digit"`
(`DigitFeatures`: the shipped classifier's 128-d penultimate layer, for
28x28 digits), `"inception"` (`InceptionFeatures`: InceptionV3 pool
features with the fixed resize protocol of `inception_preprocess`, weights
from the Keras cache or a file) or any callable from images to features.
`digit_frechet_distance` and `digit_score` are the TF-GAN-style digit
versions. `keras_gans.evaluate` computes any of them for a generator.

Judging generated digits with the digit classifier shipped in the package.

The classifier (`assets/digit_classifier.keras`, trained by
`tools/train_digit_classifier.py` on the 4000 `"train"` digits of the embedded
sample only) reads 28x28 grey digits and returns softmax probabilities over the
10 classes. From its predictions:

- `label_accuracy`: how often a conditional generator draws the digit it was
  asked for.
- `class_histogram_entropy`: how evenly the samples cover the classes, in nats
  (`ln 10 = 2.3026` when every digit is equally frequent, 0 when one digit is
  all the generator draws: mode collapse).
- `confident_fraction`: how many samples the classifier reads with confidence
  (a rough proxy for legible digits).
- `digit_report`: all of the above in one JSON-serializable dict.

Images are float `(n, 28, 28, 1)` or `(n, 28, 28)` in [-1, 1] (generator
outputs) or uint8 in [0, 255] (the embedded sample). Every function also takes
`classifier=`, any Keras model from such images to `(n, num_classes)`
probabilities, in place of the shipped one.
"""

import functools
import numbers
import os
import pathlib
import warnings

import keras
import numpy as np
import tensorflow as tf

DIGIT_CLASSIFIER_PATH = (
    pathlib.Path(__file__).resolve().parent / "assets" / "digit_classifier.keras"
)
IMAGE_SIZE = (28, 28)
# Float images may overshoot [-1, 1] by rounding error (e.g. tanh in float16).
_RANGE_TOLERANCE = 1e-3


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
    num_classes = _check_num_classes(num_classes)
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


# ======================================================== sample-quality metrics
#
# Each metric compares a set of real images with a set of generated ones
# through a feature extractor: a callable from images to float64 features
# `(n, d)`. Every function takes either features (`extractor=None`) or images
# plus an `extractor`: a callable, `"digit"` (`DigitFeatures`, the shipped
# classifier) or `"inception"` (`InceptionFeatures`, ImageNet InceptionV3).


def feature_moments(features):
    """Mean and covariance of features, in float64.

    Args:
        features: array `(n, d)` with n >= 2.

    Returns:
        `(mean, covariance)`: float64 `(d,)` and `(d, d)`; the covariance is
        the unbiased estimate (divided by n - 1), as in `np.cov`.

    Example:
    >>> mean, cov = feature_moments(np.array([[0.0, 1.0], [2.0, 3.0]]))
    >>> mean.tolist(), cov.tolist()
    ([1.0, 2.0], [[2.0, 2.0], [2.0, 2.0]])
    """
    features = _check_features(features, "features", min_rows=2)
    mean = features.mean(axis=0)
    centered = features - mean
    return mean, centered.T @ centered / (len(features) - 1)


def frechet_distance_from_moments(mean1, cov1, mean2, cov2):
    """Fréchet distance between two Gaussians given their moments.

    `|m1 - m2|^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2))` (Heusel et al. 2017, "GANs
    Trained by a Two Time-Scale Update Rule Converge to a Local Nash
    Equilibrium"), computed in float64 with `scipy.linalg.sqrtm`. As in the
    reference implementations (TTUR, pytorch-fid): a product that has no
    finite square root (singular covariances, e.g. fewer samples than
    features) is retried with `1e-6` added to both diagonals, and the
    imaginary residue that `sqrtm` leaves from round-off is dropped when its
    diagonal is below `1e-3` (a larger one raises `ValueError`). Round-off
    can also make the distance of identical moments slightly negative: the
    result is clipped at 0.

    Args:
        mean1, mean2: arrays `(d,)`.
        cov1, cov2: symmetric positive semi-definite arrays `(d, d)`.

    Returns:
        A Python float >= 0.

    Example:
    >>> frechet_distance_from_moments([0.0], [[1.0]], [3.0], [[4.0]])  # 3^2 + (1-2)^2
    10.0
    """
    import scipy.linalg  # imported here: keeps `import keras_gans` fast

    mean1, mean2 = (np.atleast_1d(np.asarray(m, np.float64)) for m in (mean1, mean2))
    cov1, cov2 = (np.atleast_2d(np.asarray(c, np.float64)) for c in (cov1, cov2))
    d = mean1.shape[0]
    for name, value, shape in (
        ("mean1", mean1, (d,)),
        ("mean2", mean2, (d,)),
        ("cov1", cov1, (d, d)),
        ("cov2", cov2, (d, d)),
    ):
        if value.shape != shape:
            raise ValueError(
                f"`{name}` must have shape {shape} to match mean1 {(d,)}. "
                f"Received: {name}.shape={value.shape}"
            )
        if not np.all(np.isfinite(value)):
            raise ValueError(f"`{name}` must be finite. Received: NaN or inf in {name}")
    with warnings.catch_warnings():
        # "Matrix is singular": expected for collapsed or small sets; the
        # result is checked below instead.
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean = scipy.linalg.sqrtm(cov1 @ cov2)
        if not np.all(np.isfinite(covmean)):
            offset = np.eye(d) * _SQRTM_OFFSET
            covmean = scipy.linalg.sqrtm((cov1 + offset) @ (cov2 + offset))
    if not np.all(np.isfinite(covmean)):
        raise ValueError(
            "sqrtm(cov1 @ cov2) is not finite, even with 1e-6 added to the "
            "diagonals: the covariances are degenerate."
        )
    if np.iscomplexobj(covmean):
        residue = float(np.max(np.abs(np.diagonal(covmean).imag)))
        if residue > _SQRTM_IMAGINARY_TOLERANCE:
            raise ValueError(
                "The covariances' product has no real square root: imaginary "
                f"residue {residue:.3g} > {_SQRTM_IMAGINARY_TOLERANCE} on the "
                "diagonal of sqrtm(cov1 @ cov2). Use more samples than features."
            )
        covmean = covmean.real
    diff = mean1 - mean2
    distance = diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(covmean)
    return max(float(distance), 0.0)


def frechet_distance(real, fake, extractor=None):
    """Fréchet distance between the feature distributions of two sets.

    FID (Heusel et al. 2017) with `extractor="inception"`; the digit FD with
    `extractor="digit"`. Each set's features are summarised by their mean and
    covariance (`feature_moments`); see `frechet_distance_from_moments`. The
    estimate is biased upwards for small sets: compare numbers computed from
    the same numbers of samples. For sets too large for memory use the
    streaming `FrechetDistance` metric.

    Args:
        real, fake: features `(n, d)` (with `extractor=None`) or images the
            extractor takes, at least 2 of each.
        extractor: `None`, `"digit"`, `"inception"` or a callable from images
            to features `(n, d)`.

    Returns:
        A Python float >= 0.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(500, 4))
    >>> frechet_distance(a, a) < 1e-9
    True
    >>> round(frechet_distance(a, a + 1.0), 6)  # |(1, 1, 1, 1)|^2
    4.0
    """
    extractor = get_extractor(extractor)
    real = _extract(real, extractor, "real")
    fake = _extract(fake, extractor, "fake")
    _check_same_width(real, fake)
    return frechet_distance_from_moments(*feature_moments(real), *feature_moments(fake))


def kernel_inception_distance(
    real, fake, extractor=None, num_subsets=100, subset_size=1000, seed=0
):
    """Kernel distance: unbiased MMD^2 with a cubic polynomial kernel.

    KID (Bińkowski et al. 2018, "Demystifying MMD GANs") with
    `extractor="inception"`. The kernel is `k(x, y) = (x.y / d + 1)^3` for
    d-dimensional features. On each of `num_subsets` random subsets of
    `min(subset_size, n_real, n_fake)` samples from each set (drawn without
    replacement), the unbiased estimate

        MMD^2 = mean_{i!=j} k(x_i, x_j) + mean_{i!=j} k(y_i, y_j)
                - 2 mean_{i,j} k(x_i, y_j)

    is computed; the mean over subsets is the KID and the standard deviation
    its spread. Unlike the Fréchet distance the estimate is unbiased: it is
    about 0 (and can be slightly negative) for two samples of one
    distribution, whatever their size.

    Args:
        real, fake: features `(n, d)` or images the extractor takes, at
            least 2 of each.
        extractor: as in `frechet_distance`.
        num_subsets: int >= 1. Number of random subsets.
        subset_size: int >= 2. Samples per subset and set.
        seed: int. Seed of the subset draws.

    Returns:
        `(mean, std)`: Python floats.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(2, 400, 8))
    >>> same, _ = kernel_inception_distance(real, fake, num_subsets=10)
    >>> shifted, _ = kernel_inception_distance(real, fake + 1.0, num_subsets=10)
    >>> abs(same) < 0.1 < shifted
    True
    """
    extractor = get_extractor(extractor)
    real = _extract(real, extractor, "real")
    fake = _extract(fake, extractor, "fake")
    _check_same_width(real, fake)
    _check_int("num_subsets", num_subsets, 1)
    _check_int("subset_size", subset_size, 2)
    _check_int("seed", seed, 0)
    return _kid(real, fake, num_subsets, subset_size, seed)


def inception_score(images_or_probabilities, extractor=None, splits=10):
    """Inception Score: exp of the mean KL divergence of p(y|x) from p(y).

    Salimans et al. 2016, "Improved Techniques for Training GANs": the
    samples are cut into `splits` consecutive parts; for each part
    `exp(mean_x KL(p(y|x) || p(y)))` with `p(y)` the part's mean prediction;
    the result is the mean and standard deviation over parts. It ranges from
    1 (every sample gets the same prediction) to the number of classes
    (confident predictions, all classes equally often). With
    `extractor="inception"` the classes are Keras' 1000 ImageNet classes, not
    the 1008 outputs of the original 2015 graph, so numbers differ from
    published Inception Scores; with `extractor="digit"` it is the digit
    score (`digit_score`).

    Args:
        images_or_probabilities: class probabilities `(n, num_classes)`
            (with `extractor=None`; rows sum to 1), or images.
        extractor: `None`, `"digit"`, `"inception"`, or a callable from
            images to probabilities (an object with a `probabilities` method,
            such as `DigitFeatures`, is called through that method).
        splits: int >= 1, at most n.

    Returns:
        `(mean, std)`: Python floats.

    Example:
    >>> mean, std = inception_score(np.tile(np.eye(10), (5, 1)), splits=5)
    >>> round(mean, 6), std  # one-hot predictions, every class equally often
    (10.0, 0.0)
    """
    _check_int("splits", splits, 1)
    probabilities = _extract_probabilities(
        images_or_probabilities, get_extractor(extractor, probabilities=True)
    )
    if splits > len(probabilities):
        raise ValueError(
            f"`splits` must be at most the number of samples ({len(probabilities)}). "
            f"Received: splits={splits}"
        )
    scores = []
    for part in np.array_split(probabilities, splits):
        marginal = part.mean(axis=0)  # p(y), (num_classes,)
        # KL(p(y|x) || p(y)) = sum_y p(y|x) (log p(y|x) - log p(y)); 0 log 0 = 0
        positive = part > 0
        safe = np.where(positive, part, 1.0)
        log_ratio = np.log(safe) - np.log(np.where(positive, marginal, 1.0))
        kl = np.sum(np.where(positive, part * log_ratio, 0.0), axis=1)  # (n,)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def precision_recall(real, fake, extractor=None, k=3, batch_size=1000):
    """Improved precision and recall of generated samples.

    Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
    Assessing Generative Models": the real manifold is the union of balls
    around each real feature vector with radius its distance to its k-th
    nearest real neighbour (the point itself not counted); precision is the
    fraction of generated samples inside it. Recall swaps the roles: the
    fraction of real samples inside the generated manifold. Distances are
    Euclidean, computed in float64 blocks of `batch_size` rows, so memory
    stays at `batch_size * n` distances.

    Args:
        real, fake: features `(n, d)` or images the extractor takes, at
            least `k + 1` of each.
        extractor: as in `frechet_distance`.
        k: int >= 1. Neighbourhood size (the paper uses 3).
        batch_size: int >= 1. Rows per distance block.

    Returns:
        `{"precision": p, "recall": r}`: Python floats in [0, 1].

    Example:
    >>> real = np.arange(10.0)[:, None]  # 0, 1, ..., 9 on a line
    >>> precision_recall(real, real + 0.5)
    {'precision': 1.0, 'recall': 1.0}
    """
    extractor = get_extractor(extractor)
    real = _extract(real, extractor, "real")
    fake = _extract(fake, extractor, "fake")
    _check_same_width(real, fake)
    _check_int("k", k, 1)
    _check_int("batch_size", batch_size, 1)
    for name, features in (("real", real), ("fake", fake)):
        if len(features) <= k:
            raise ValueError(
                f"`{name}` must have more than k={k} samples. Received: {len(features)}"
            )
    real_radii = _knn_radii(real, k, batch_size)
    fake_radii = _knn_radii(fake, k, batch_size)
    return {
        "precision": _coverage(fake, real, real_radii, batch_size),
        "recall": _coverage(real, fake, fake_radii, batch_size),
    }


# ------------------------------------------------------------ feature extractors


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
        _check_int("batch_size", batch_size, 1)
        if classifier is None or isinstance(classifier, (str, os.PathLike)):
            classifier = load_digit_classifier(classifier)
        if not isinstance(classifier, keras.Model):
            raise ValueError(
                "`classifier` must be a keras.Model, a `.keras` path or None. "
                f"Received: classifier of type {type(classifier).__name__}"
            )
        last = classifier.layers[-1]
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

        `images` as `digit_probabilities` takes them.
        """
        x = _classifier_input(images)
        features, probabilities = [], []
        for start in range(0, len(x), self.batch_size):
            f, p = self._forward(x[start : start + self.batch_size])
            features.append(np.asarray(f, np.float64).reshape(len(f), -1))
            probabilities.append(np.asarray(p, np.float64))
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
    """
    return _digit_extractor(classifier)(images)


def digit_frechet_distance(real_images, generated_images, classifier=None):
    """Fréchet distance of digits in the digit classifier's feature space.

    TF-GAN's `mnist_frechet_distance` idea, with the shipped classifier's
    128-d penultimate features (`DigitFeatures`) in place of TF-GAN's MNIST
    logits. Like FID it is biased upwards for small sets: compare numbers
    computed from equal numbers of images (BENCHMARKS.md gives the
    real-vs-real figure on the embedded digits).

    Args:
        real_images, generated_images: digits as `digit_probabilities`
            takes them, at least 2 of each.
        classifier: as in `DigitFeatures`.

    Returns:
        A Python float >= 0.

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, _ = load_digits_sample()
    >>> digit_frechet_distance(images[:2500], images[2500:]) < 1.0
    True
    """
    return frechet_distance(real_images, generated_images, _digit_extractor(classifier))


def digit_score(images, classifier=None, splits=1):
    """Inception Score of digits under the digit classifier.

    TF-GAN's `mnist_score` with the shipped classifier: from 1 (every image
    gets the same prediction) to 10 (confident predictions, every digit
    equally often). One split by default, as TF-GAN.

    Args:
        images: digits as `digit_probabilities` takes them.
        classifier: as in `DigitFeatures`.
        splits: int. As in `inception_score`.

    Returns:
        A Python float in [1, num_classes]: the mean over splits.

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, _ = load_digits_sample(subset="test")
    >>> digit_score(images) > 9.0
    True
    """
    return inception_score(images, _digit_extractor(classifier), splits=splits)[0]


INCEPTION_IMAGE_SIZE = 299
INCEPTION_WEIGHTS = {
    # include_top -> (file name in $KERAS_HOME/models, URL); as keras.applications
    False: (
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/"
        "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    True: (
        "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/"
        "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    ),
}


def inception_weights_path(include_top=False):
    """Where the ImageNet InceptionV3 weights are looked for.

    The Keras cache, as `keras.applications.InceptionV3(weights="imagenet")`
    downloads them: `$KERAS_HOME/models/<file>` (`KERAS_HOME` read at call
    time; `~/.keras` when unset).

    Args:
        include_top: bool. The weights with the classification head
            (needed for the Inception Score) or without (FID, KID, precision
            and recall).

    Returns:
        str: the path.
    """
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    return os.path.join(keras_home, "models", INCEPTION_WEIGHTS[bool(include_top)][0])


def inception_preprocess(images):
    """The fixed input protocol of `InceptionFeatures`.

    1. uint8 images in [0, 255] are mapped to [-1, 1] (`x / 127.5 - 1`);
       float images must already be in [-1, 1] (the generators' range).
    2. Grey images (1 channel, or none) are repeated to 3 channels.
    3. Every image is resized to 299x299 with bilinear interpolation
       (`keras.ops.image.resize`, half-pixel centres, no antialiasing), the
       resize of TF-GAN's and TTUR's FID code, whatever its size (28x28
       digits are upsampled).

    The result is in [-1, 1], the input range of InceptionV3
    (`keras.applications.inception_v3.preprocess_input`).

    Args:
        images: array or tensor `(n, h, w)`, `(n, h, w, 1)` or `(n, h, w, 3)`.

    Returns:
        float32 numpy array `(n, 299, 299, 3)`.

    Example:
    >>> inception_preprocess(np.zeros((2, 28, 28), np.uint8)).shape
    (2, 299, 299, 3)
    """
    x = _unit_range_images(images)  # (n, h, w, c) float32 in [-1, 1]
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    size = (INCEPTION_IMAGE_SIZE, INCEPTION_IMAGE_SIZE)
    if x.shape[1:3] != size:
        x = keras.ops.image.resize(x, size, interpolation="bilinear", antialias=False)
        x = np.clip(keras.ops.convert_to_numpy(x), -1.0, 1.0)
    return x


class InceptionFeatures:
    """InceptionV3 pool features (and ImageNet probabilities) of images.

    `keras.applications.InceptionV3(include_top=False, pooling="avg")`: the
    2048-d global average of the last Inception block, the FID features of
    Heusel et al. 2017; images go through `inception_preprocess` first
    (bilinear resize to 299x299, [-1, 1]). With `include_top=True` the
    model with the ImageNet head is used, giving the same pool features and
    1000 class probabilities (for `inception_score`).

    These are Keras' ImageNet weights, not the 2015 TensorFlow graph that
    TTUR, TF-GAN and pytorch-fid use: numbers are comparable between runs of
    this package, not with published FIDs.

    Weights: `"imagenet"` looks for the Keras cache file
    (`inception_weights_path`, `$KERAS_HOME/models/...`); when it is missing,
    a `ValueError` names that path and the URL to download it from, unless
    `allow_download=True` lets Keras download it. A path loads that file;
    `None` leaves the weights random (for tests).

    Args:
        weights: `"imagenet"`, a path to an `.h5` / `.weights.h5` file, or
            `None`.
        include_top: bool. Also compute ImageNet class probabilities.
        batch_size: int. Images per forward pass.
        allow_download: bool. Let Keras download missing `"imagenet"` weights.

    Attributes:
        num_features: 2048.

    Example:

    ```python
    extractor = InceptionFeatures()  # needs the weights in the Keras cache
    fid = frechet_distance(real_images, generated_images, extractor)
    ```
    """

    num_features = 2048

    def __init__(
        self, weights="imagenet", include_top=False, batch_size=50, allow_download=False
    ):
        _check_int("batch_size", batch_size, 1)
        self.include_top = bool(include_top)
        self.batch_size = int(batch_size)
        if weights == "imagenet":
            path = inception_weights_path(include_top)
            if os.path.isfile(path):
                weights = path
            elif not allow_download:
                url = INCEPTION_WEIGHTS[self.include_top][1]
                raise ValueError(
                    f"InceptionV3 ImageNet weights not found at {path}. Download "
                    f"{url} to that path (or set KERAS_HOME to the folder holding "
                    "models/, pass `weights=` the path of the file, or pass "
                    "`allow_download=True`). Received: weights='imagenet'"
                )
        elif weights is not None:
            if not isinstance(weights, (str, os.PathLike)) or not os.path.isfile(
                weights
            ):
                raise ValueError(
                    "`weights` must be 'imagenet', None or the path of an existing "
                    f"weights file. Received: weights={weights!r}"
                )
            weights = os.fspath(weights)
        self.weights = weights
        shape = (INCEPTION_IMAGE_SIZE, INCEPTION_IMAGE_SIZE, 3)
        applications = keras.applications
        if self.include_top:
            net = applications.InceptionV3(
                include_top=True, weights=weights, input_shape=shape
            )
            self._model = keras.Model(
                net.inputs, [net.get_layer("avg_pool").output, net.outputs[0]]
            )
        else:
            net = applications.InceptionV3(
                include_top=False, pooling="avg", weights=weights, input_shape=shape
            )
            self._model = net

    def features_and_probabilities(self, images):
        """`(features, probabilities)`; probabilities `None` without the head."""
        images = keras.ops.convert_to_numpy(images)
        features, probabilities = [], []
        for start in range(0, len(images), self.batch_size):
            x = inception_preprocess(images[start : start + self.batch_size])
            outputs = self._model.predict_on_batch(x)
            if self.include_top:
                features.append(np.asarray(outputs[0], np.float64))
                probabilities.append(np.asarray(outputs[1], np.float64))
            else:
                features.append(np.asarray(outputs, np.float64))
        if not features:
            raise ValueError("`images` must be a non-empty batch. Received: 0 images")
        features = np.concatenate(features)
        return features, np.concatenate(probabilities) if probabilities else None

    def probabilities(self, images):
        """ImageNet class probabilities `(n, 1000)` (needs `include_top=True`)."""
        if not self.include_top:
            raise ValueError(
                "Class probabilities need the ImageNet head: build "
                "InceptionFeatures(include_top=True). Received: include_top=False"
            )
        return self.features_and_probabilities(images)[1]

    def __call__(self, images):
        """Pool features, float64 `(n, 2048)`."""
        return self.features_and_probabilities(images)[0]


def get_extractor(extractor, probabilities=False):
    """Resolves an `extractor` argument.

    Args:
        extractor: `None` (returned as is), a callable (returned as is),
            `"digit"` (`DigitFeatures` of the shipped classifier, shared) or
            `"inception"` (`InceptionFeatures` from the Keras cache, shared).
        probabilities: bool. With `"inception"`, the model with the ImageNet
            head (class probabilities).
    """
    if extractor is None or (callable(extractor) and not isinstance(extractor, str)):
        return extractor
    if extractor == "digit":
        return _digit_extractor(None)
    if extractor == "inception":
        return _inception_extractor(bool(probabilities))
    raise ValueError(
        "`extractor` must be None, 'digit', 'inception' or a callable from "
        f"images to features. Received: extractor={extractor!r}"
    )


@functools.lru_cache(maxsize=4)
def _default_digit_extractor():
    return DigitFeatures()


def _digit_extractor(classifier):
    if classifier is None:
        return _default_digit_extractor()
    if isinstance(classifier, DigitFeatures):
        return classifier
    return DigitFeatures(classifier)


@functools.lru_cache(maxsize=2)
def _inception_extractor(include_top):
    return InceptionFeatures(include_top=include_top)


# -------------------------------------------------------------- streaming forms


class FrechetDistance(keras.metrics.Metric):
    """Streaming Fréchet distance: running float64 sums, no samples kept.

    Each side (real, fake) keeps its count, the sum of its features and the
    sum of their outer products, all float64 numpy arrays (Keras metric
    variables default to float32, too coarse for 50k-sample covariances), so
    any number of samples streams through in batches. `result()` forms the
    means and unbiased covariances and returns
    `frechet_distance_from_moments` of them: the same number as
    `frechet_distance` on all the samples at once. The update runs eagerly
    (it calls the extractor), not inside a compiled `train_step`.

    `update_state(real=None, fake=None)` adds a batch to either side or both
    (positionally: `update_state(real_batch, fake_batch)`).
    `reset_fake_state()` forgets the fake side only, to judge successive
    generators against one real reference; `reset_state()` forgets both.

    Args:
        extractor: `None` (update with features), `"digit"`, `"inception"` or
            a callable from images to features.
        name: str. Metric name.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(500, 4)), rng.normal(1.0, size=(500, 4))
    >>> metric = FrechetDistance()
    >>> for start in range(0, 500, 100):
    ...     metric.update_state(real[start : start + 100], fake[start : start + 100])
    >>> abs(metric.result() - frechet_distance(real, fake)) < 1e-9
    True
    """

    def __init__(self, extractor=None, name="frechet_distance", **kwargs):
        super().__init__(name=name, **kwargs)
        self.extractor = get_extractor(extractor)
        self._stats = {"real": _Moments(), "fake": _Moments()}

    def update_state(self, real=None, fake=None, sample_weight=None):
        for side, values in _sides(real, fake, sample_weight):
            self._stats[side].add(_extract(values, self.extractor, side))

    def result(self):
        """The Fréchet distance of the samples so far, a Python float."""
        real, fake = self._stats["real"], self._stats["fake"]
        if (
            real.width is not None
            and fake.width is not None
            and real.width != fake.width
        ):
            raise ValueError(
                "`real` and `fake` features must have the same width. "
                f"Received: {real.width} and {fake.width}"
            )
        return frechet_distance_from_moments(
            *real.moments("real"), *fake.moments("fake")
        )

    def reset_state(self):
        self._stats = {"real": _Moments(), "fake": _Moments()}

    def reset_fake_state(self):
        """Forgets the fake side, keeping the real statistics."""
        self._stats["fake"] = _Moments()

    @property
    def counts(self):
        """`{"real": n, "fake": n}`: samples seen on each side."""
        return {side: stats.count for side, stats in self._stats.items()}


class _KeptFeaturesMetric(keras.metrics.Metric):
    """A streaming metric that keeps a uniform random subset (reservoir) of at
    most `max_samples` feature vectors per side, real and fake, for metrics
    that need the samples themselves (subsets, nearest neighbours)."""

    def __init__(self, extractor=None, max_samples=10000, seed=0, **kwargs):
        super().__init__(**kwargs)
        _check_int("max_samples", max_samples, 2)
        _check_int("seed", seed, 0)
        self.extractor = get_extractor(extractor)
        self.max_samples = int(max_samples)
        self.seed = int(seed)
        self.reset_state()

    def update_state(self, real=None, fake=None, sample_weight=None):
        for side, values in _sides(real, fake, sample_weight):
            self._samples[side].add(_extract(values, self.extractor, side))

    def _kept_features(self, min_samples):
        """`(real, fake)` kept features, each with at least `min_samples` rows."""
        return (
            self._samples["real"].values("real", min_samples),
            self._samples["fake"].values("fake", min_samples),
        )

    def reset_state(self):
        self._samples = {
            "real": _Reservoir(self.max_samples, self.seed),
            "fake": _Reservoir(self.max_samples, self.seed + 1),
        }

    def reset_fake_state(self):
        """Forgets the fake side, keeping the real samples."""
        self._samples["fake"] = _Reservoir(self.max_samples, self.seed + 1)


class KernelInceptionDistance(_KeptFeaturesMetric):
    """Streaming KID: keeps up to `max_samples` feature vectors per side.

    KID needs the samples themselves (its subsets), so each side keeps a
    uniform random subset of at most `max_samples` feature vectors (reservoir
    sampling; all of them while fewer have been seen), stored as float32:
    features, not images (10,000 InceptionV3 features are 80 MB). With no
    more than `max_samples` per side, `result()` equals
    `kernel_inception_distance` on all of them. API as `FrechetDistance`.

    Args:
        extractor: as in `FrechetDistance`.
        num_subsets, subset_size: as in `kernel_inception_distance`.
        max_samples: int. Feature vectors kept per side.
        seed: int. Seeds the reservoirs and the subsets.
        name: str. Metric name.

    `result()` returns `{"kid": mean, "kid_std": std}`.
    """

    def __init__(
        self,
        extractor=None,
        num_subsets=100,
        subset_size=1000,
        max_samples=10000,
        seed=0,
        name="kernel_inception_distance",
        **kwargs,
    ):
        _check_int("num_subsets", num_subsets, 1)
        _check_int("subset_size", subset_size, 2)
        self.num_subsets = int(num_subsets)
        self.subset_size = int(subset_size)
        super().__init__(extractor, max_samples, seed, name=name, **kwargs)

    def result(self):
        real, fake = self._kept_features(2)
        _check_same_width(real, fake)
        mean, std = _kid(real, fake, self.num_subsets, self.subset_size, self.seed)
        return {"kid": mean, "kid_std": std}


class PrecisionRecall(_KeptFeaturesMetric):
    """Streaming improved precision and recall (keeps features, capped).

    As `KernelInceptionDistance`, each side keeps a uniform random subset of
    at most `max_samples` feature vectors (k-nearest neighbours need the
    samples); `result()` is `precision_recall` on them:
    `{"precision": p, "recall": r}`. API as `FrechetDistance`.

    Args:
        extractor: as in `FrechetDistance`.
        k: int. Neighbourhood size (3 in the paper).
        max_samples: int. Feature vectors kept per side.
        seed: int. Seeds the reservoirs.
        name: str. Metric name.
    """

    def __init__(
        self,
        extractor=None,
        k=3,
        max_samples=10000,
        seed=0,
        name="precision_recall",
        **kwargs,
    ):
        _check_int("k", k, 1)
        self.k = int(k)
        super().__init__(extractor, max_samples, seed, name=name, **kwargs)

    def result(self):
        real, fake = self._kept_features(self.k + 1)
        return precision_recall(real, fake, k=self.k)


class InceptionScore(keras.metrics.Metric):
    """Streaming Inception Score (keeps class probabilities, capped).

    `update_state(images_or_probabilities)` adds a batch: probabilities with
    `extractor=None`, else images. The probabilities of at most
    `max_samples` images are kept (reservoir sampling, float64; 50,000 x 10
    digit probabilities are 4 MB); `result()` is `inception_score` of them
    with `splits` parts: `{"inception_score": mean, "inception_score_std":
    std}`.

    Args:
        extractor: `None`, `"digit"`, `"inception"` or a callable from
            images to probabilities (see `inception_score`).
        splits: int. Parts, as in `inception_score`.
        max_samples: int. Probability rows kept.
        seed: int. Seeds the reservoir.
        name: str. Metric name.

    Example:
    >>> metric = InceptionScore(splits=1)
    >>> metric.update_state(np.eye(4))
    >>> metric.result()
    {'inception_score': 4.0, 'inception_score_std': 0.0}
    """

    def __init__(
        self,
        extractor=None,
        splits=10,
        max_samples=50000,
        seed=0,
        name="inception_score",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        _check_int("splits", splits, 1)
        _check_int("max_samples", max_samples, 1)
        _check_int("seed", seed, 0)
        self.extractor = get_extractor(extractor, probabilities=True)
        self.splits = int(splits)
        self.max_samples = int(max_samples)
        self.seed = int(seed)
        self.reset_state()

    def update_state(self, images_or_probabilities, sample_weight=None):
        if sample_weight is not None:
            raise ValueError(
                f"`sample_weight` is not supported. Received: sample_weight={sample_weight!r}"
            )
        self._samples.add(
            _extract_probabilities(images_or_probabilities, self.extractor),
            dtype=np.float64,
        )

    def result(self):
        probabilities = self._samples.values("images_or_probabilities", self.splits)
        mean, std = inception_score(probabilities, splits=self.splits)
        return {"inception_score": mean, "inception_score_std": std}

    def reset_state(self):
        self._samples = _Reservoir(self.max_samples, self.seed)


# ------------------------------------------------------------------ internals

_SQRTM_OFFSET = 1e-6
_SQRTM_IMAGINARY_TOLERANCE = 1e-3
_PROBABILITY_TOLERANCE = 1e-3


class _Moments:
    """Running count, sum and sum of outer products of feature rows (float64)."""

    def __init__(self):
        self.count, self.width, self.sum, self.outer = 0, None, None, None

    def add(self, features):  # (n, d) float64
        if self.width is None:
            self.width = features.shape[1]
            self.sum = np.zeros(self.width)
            self.outer = np.zeros((self.width, self.width))
        elif features.shape[1] != self.width:
            raise ValueError(
                f"Features must keep the width of earlier batches ({self.width}). "
                f"Received: features of width {features.shape[1]}"
            )
        self.count += len(features)
        self.sum += features.sum(axis=0)
        self.outer += features.T @ features

    def moments(self, side):
        if self.count < 2:
            raise ValueError(
                f"The metric needs at least 2 `{side}` samples. Received: {self.count}"
            )
        mean = self.sum / self.count
        # sum (x - m)(x - m)^T = sum x x^T - n m m^T
        cov = (self.outer - self.count * np.outer(mean, mean)) / (self.count - 1)
        return mean, (cov + cov.T) / 2.0


class _Reservoir:
    """A uniform random subset of at most `capacity` rows (Vitter's algorithm R)."""

    def __init__(self, capacity, seed):
        self.capacity = capacity
        self.rng = np.random.default_rng(seed)
        self.seen = 0
        self.rows = None

    def add(self, values, dtype=np.float32):
        if self.rows is None:
            self.rows = np.empty((self.capacity, values.shape[1]), dtype)
        elif values.shape[1] != self.rows.shape[1]:
            raise ValueError(
                f"Rows must keep the width of earlier batches ({self.rows.shape[1]}). "
                f"Received: rows of width {values.shape[1]}"
            )
        take = max(0, min(len(values), self.capacity - self.seen))
        self.rows[self.seen : self.seen + take] = values[:take]
        for i in range(take, len(values)):  # each later row replaces one w.p. cap/t
            j = self.rng.integers(0, self.seen + i + 1)
            if j < self.capacity:
                self.rows[j] = values[i]
        self.seen += len(values)

    def values(self, side, minimum):
        count = min(self.seen, self.capacity)
        if count < minimum:
            raise ValueError(
                f"The metric needs at least {minimum} `{side}` samples. Received: {count}"
            )
        return self.rows[:count].astype(np.float64)


def _sides(real, fake, sample_weight):
    if sample_weight is not None:
        raise ValueError(
            f"`sample_weight` is not supported. Received: sample_weight={sample_weight!r}"
        )
    if real is None and fake is None:
        raise ValueError("Pass `real`, `fake` or both. Received: real=None, fake=None")
    # An empty batch (e.g. the end of a stream) adds nothing.
    return [
        (side, v)
        for side, v in (("real", real), ("fake", fake))
        if v is not None and np.shape(v)[0] > 0
    ]


def _extract(values, extractor, name):
    """Features `(n, d)` float64 from features or (with an extractor) images."""
    if extractor is not None:
        values = extractor(values)
        name = f"{name} features"
    return _check_features(values, name)


def _extract_probabilities(values, extractor):
    name = "images_or_probabilities"
    if extractor is not None:
        method = getattr(extractor, "probabilities", None)
        values = method(values) if callable(method) else extractor(values)
        name = "extractor probabilities"
    p = _check_features(values, name)
    if np.any(p < 0) or not np.allclose(
        p.sum(axis=1), 1.0, atol=_PROBABILITY_TOLERANCE
    ):
        raise ValueError(
            f"`{name}` must be class probabilities: non-negative rows summing to 1. "
            f"Received: row sums in [{p.sum(axis=1).min()}, {p.sum(axis=1).max()}], "
            f"minimum {p.min()}"
        )
    return p


def _check_features(values, name, min_rows=1):
    values = np.asarray(keras.ops.convert_to_numpy(values))
    if values.ndim != 2 or values.shape[1] == 0 or len(values) < min_rows:
        raise ValueError(
            f"`{name}` must be a 2-D array (n, d) with n >= {min_rows} (features; "
            f"pass `extractor=` to compute them from images). Received: "
            f"{name}.shape={values.shape}"
        )
    if not (
        np.issubdtype(values.dtype, np.floating)
        or np.issubdtype(values.dtype, np.integer)
    ):
        raise ValueError(
            f"`{name}` must be numeric. Received: {name}.dtype={values.dtype}"
        )
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"`{name}` must be finite. Received: NaN or inf in {name}")
    return values


def _check_same_width(real, fake):
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            "`real` and `fake` features must have the same width. Received: "
            f"real.shape={real.shape}, fake.shape={fake.shape}"
        )


def _check_int(name, value, minimum):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(
            f"`{name}` must be an int >= {minimum}. Received: {name}={value!r}"
        )


def _polynomial_kernel(x, y):
    """`(x.y / d + 1)^3` for rows of x `(m, d)` and y `(n, d)` -> `(m, n)`."""
    k = x @ y.T / x.shape[1] + 1.0
    return k * k * k  # much faster than k ** 3


def _kid(real, fake, num_subsets, subset_size, seed):
    m = min(subset_size, len(real), len(fake))
    if m < 2:
        raise ValueError(f"KID needs at least 2 samples of each set. Received: {m}")
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(num_subsets):
        x = real[rng.choice(len(real), m, replace=False)]  # (m, d)
        y = fake[rng.choice(len(fake), m, replace=False)]  # (m, d)
        k_xx, k_yy, k_xy = (
            _polynomial_kernel(x, x),
            _polynomial_kernel(y, y),
            _polynomial_kernel(x, y),
        )
        within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (
            m * (m - 1)
        )
        estimates.append(within - 2.0 * k_xy.mean())
    return float(np.mean(estimates)), float(np.std(estimates))


def _squared_distances(a, b):
    """`|a_i - b_j|^2` for rows of a `(m, d)` and b `(n, d)` -> `(m, n)`, >= 0."""
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def _knn_radii(features, k, batch_size):
    """Squared distance of each row to its k-th nearest other row."""
    radii = np.empty(len(features))
    for start in range(0, len(features), batch_size):
        d2 = _squared_distances(features[start : start + batch_size], features)
        # index 0 of each sorted row is the point itself (distance 0)
        radii[start : start + batch_size] = np.partition(d2, k, axis=1)[:, k]
    return radii


def _coverage(queries, points, radii, batch_size):
    """Fraction of `queries` within `radii` (squared) of at least one point."""
    inside = 0
    for start in range(0, len(queries), batch_size):
        d2 = _squared_distances(queries[start : start + batch_size], points)
        inside += int(np.sum(np.any(d2 <= radii[None, :], axis=1)))
    return inside / len(queries)


def _unit_range_images(images):
    """uint8 [0, 255] or float [-1, 1] images -> float32 `(n, h, w, c)` in [-1, 1]."""
    images = np.asarray(keras.ops.convert_to_numpy(images))
    shape = images.shape
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch of grey or RGB images, shape "
            f"(n, h, w), (n, h, w, 1) or (n, h, w, 3). Received: images.shape={shape}"
        )
    if np.issubdtype(images.dtype, np.integer):
        if images.min() < 0 or images.max() > 255:
            raise ValueError(
                "Integer `images` must be in [0, 255]. Received: images in "
                f"[{images.min()}, {images.max()}] ({images.dtype})"
            )
        return images.astype(np.float32) / 127.5 - 1.0
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            "`images` must be float in [-1, 1] or uint8 in [0, 255]. "
            f"Received: images.dtype={images.dtype}"
        )
    images = images.astype(np.float32)
    if not np.all(np.isfinite(images)):
        raise ValueError("`images` must be finite. Received: NaN or inf in images")
    low, high = float(images.min()), float(images.max())
    if low < -1.0 - _RANGE_TOLERANCE or high > 1.0 + _RANGE_TOLERANCE:
        raise ValueError(
            "Float `images` must be in [-1, 1] (pass uint8 for [0, 255]). "
            f"Received: images in [{low}, {high}]"
        )
    return np.clip(images, -1.0, 1.0)


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
            f"images first, e.g. with `keras.ops.image.resize`. Received: images.shape={shape}"
        )
    if np.issubdtype(images.dtype, np.integer):
        if images.min() < 0 or images.max() > 255:
            raise ValueError(
                "Integer `images` must be grey levels in [0, 255]. Received: "
                f"images in [{images.min()}, {images.max()}] ({images.dtype})"
            )
        images = images.astype(np.float32) / 127.5 - 1.0
    elif np.issubdtype(images.dtype, np.floating):
        images = images.astype(np.float32)
        if not np.all(np.isfinite(images)):
            raise ValueError("`images` must be finite. Received: NaN or inf in images")
        low, high = float(images.min()), float(images.max())
        if low < -1.0 - _RANGE_TOLERANCE or high > 1.0 + _RANGE_TOLERANCE:
            raise ValueError(
                "Float `images` must be in [-1, 1] (pass uint8 for [0, 255]). "
                f"Received: images in [{low}, {high}]"
            )
        images = np.clip(images, -1.0, 1.0)
    else:
        raise ValueError(
            "`images` must be float in [-1, 1] or uint8 in [0, 255]. "
            f"Received: images.dtype={images.dtype}"
        )
    return images[..., None]  # (n, 28, 28, 1)


def _predict(x, classifier, batch_size):
    """float32 `(n, 28, 28, 1)` -> float64 probabilities `(n, num_classes)`."""
    if (
        not isinstance(batch_size, numbers.Integral)
        or isinstance(batch_size, bool)
        or batch_size < 1
    ):
        raise ValueError(
            f"`batch_size` must be an int >= 1. Received: batch_size={batch_size!r}"
        )
    if classifier is None:
        classifier = load_digit_classifier()
    probabilities = classifier.predict(x, batch_size=int(batch_size), verbose=0)
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


def _check_num_classes(num_classes):
    if (
        not isinstance(num_classes, numbers.Integral)
        or isinstance(num_classes, bool)
        or num_classes < 1
    ):
        raise ValueError(
            f"`num_classes` must be an int >= 1. Received: num_classes={num_classes!r}"
        )
    return int(num_classes)


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
