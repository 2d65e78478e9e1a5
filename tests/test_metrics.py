"""Tests for `keras_gans.metrics`: the shipped digit classifier and the metrics."""

import json
import math
import pathlib

import keras
import numpy as np
import pytest

from keras_gans import metrics
from keras_gans.data import load_digits_sample


@pytest.fixture(scope="module")
def test_digits():
    """The 1000 held-out digits and, independently of `metrics`, the shipped
    classifier's predictions on them."""
    images, labels = load_digits_sample(subset="test")
    classifier = keras.saving.load_model(metrics.DIGIT_CLASSIFIER_PATH, compile=False)
    x = (images.astype(np.float32) / 127.5 - 1.0)[..., None]  # (1000, 28, 28, 1)
    predictions = classifier.predict(x, batch_size=500, verbose=0).argmax(-1)
    return images, labels, predictions


def _brightness_classifier():
    """3 classes from the mean pixel m in [-1, 1]: logits (-10m, 10m, -100).

    Darker than mid-grey -> class 0, brighter -> class 1, never class 2.
    """
    dense = keras.layers.Dense(3, activation="softmax")
    classifier = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), dense]
    )
    kernel = np.zeros((784, 3), np.float32)
    kernel[:, 0], kernel[:, 1] = -10.0 / 784, 10.0 / 784
    bias = np.array([0.0, 0.0, -100.0], np.float32)
    dense.set_weights([kernel, bias])
    return classifier


def _striped_digits():
    """uint8 (4, 28, 28): 0, 28, 7 and 21 white rows -> classes 0, 1, 0, 1."""
    images = np.zeros((4, 28, 28), np.uint8)
    for image, rows in zip(images, (0, 28, 7, 21)):
        image[:rows] = 255
    return images


# --- the shipped classifier --------------------------------------------------


def test_shipped_classifier_held_out_accuracy(test_digits):
    images, labels, predictions = test_digits
    accuracy = np.mean(predictions == labels)
    assert accuracy >= 0.97, accuracy
    probabilities = metrics.digit_probabilities(images)
    assert probabilities.shape == (1000, 10) and probabilities.dtype == np.float64
    # The 10 digit probabilities of an 11-way softmax ("not a digit" left
    # out): they sum to at most 1, close to 1 for real digits.
    sums = probabilities.sum(-1)
    assert np.all(sums <= 1.0 + 1e-5) and np.median(sums) > 0.99
    np.testing.assert_array_equal(probabilities.argmax(-1), predictions)


def test_load_digit_classifier_is_cached_per_path():
    classifier = metrics.load_digit_classifier()
    assert classifier.input_shape == (None, 28, 28, 1)
    assert classifier.output_shape == (None, 10)
    assert metrics.load_digit_classifier(metrics.DIGIT_CLASSIFIER_PATH) is classifier
    assert (
        metrics.load_digit_classifier(str(metrics.DIGIT_CLASSIFIER_PATH)) is classifier
    )


def test_load_digit_classifier_missing_file(tmp_path):
    with pytest.raises(ValueError, match="path=.*no_such_classifier.keras"):
        metrics.load_digit_classifier(tmp_path / "no_such_classifier.keras")


def test_digit_report_on_held_out_digits(test_digits):
    images, labels, predictions = test_digits
    report = metrics.digit_report(images, labels)
    assert set(report) == {
        "num_images",
        "class_entropy",
        "confident_fraction",
        "class_histogram",
        "label_accuracy",
        "per_class_accuracy",
    }
    assert report["num_images"] == 1000
    assert report["label_accuracy"] == float(np.mean(predictions == labels))
    assert report["class_histogram"] == np.bincount(predictions, minlength=10).tolist()
    counts = np.bincount(labels, minlength=10)
    assert np.dot(report["per_class_accuracy"], counts) == pytest.approx(
        report["label_accuracy"] * 1000
    )
    assert report["class_entropy"] > 0.95 * math.log(10)  # the sample is balanced
    assert 0.9 < report["confident_fraction"] <= 1.0
    assert json.loads(json.dumps(report)) == report


# --- class_histogram_entropy -------------------------------------------------


def test_class_histogram_entropy_one_class_is_zero():
    assert metrics.class_histogram_entropy(np.full(7, 4)) == 0.0
    assert metrics.class_histogram_entropy(np.tile(np.eye(10)[4], (7, 1))) == 0.0


def test_class_histogram_entropy_uniform_is_ln_10():
    uniform = np.repeat(np.arange(10), 3)
    assert metrics.class_histogram_entropy(uniform) == pytest.approx(math.log(10))
    one_hot = np.eye(10)[uniform]
    assert metrics.class_histogram_entropy(one_hot) == pytest.approx(math.log(10))


def test_class_histogram_entropy_two_classes():
    half_half = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    assert metrics.class_histogram_entropy(half_half, num_classes=2) == (
        pytest.approx(math.log(2))
    )
    # 1 vs 3: -(1/4 ln 1/4 + 3/4 ln 3/4)
    assert metrics.class_histogram_entropy(np.array([0, 1, 1, 1]), 2) == (
        pytest.approx(0.5623351446188083)
    )


@pytest.mark.parametrize(
    "values, num_classes, match",
    [
        (np.zeros((4, 3)), 10, r"probabilities_or_predictions.shape=\(4, 3\)"),
        (np.array([0, 10]), 10, "probabilities_or_predictions in"),
        (np.array([0.0, 1.0]), 10, "probabilities_or_predictions.dtype"),
        (np.zeros((0,), np.int64), 10, "probabilities_or_predictions.shape"),
        (np.array([0, 1]), 0, "num_classes=0"),
    ],
)
def test_class_histogram_entropy_rejects_bad_input(values, num_classes, match):
    with pytest.raises(ValueError, match=match):
        metrics.class_histogram_entropy(values, num_classes)


# --- confident_fraction ------------------------------------------------------


def test_confident_fraction():
    probabilities = np.array([[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.5, 0.5]])
    assert metrics.confident_fraction(probabilities) == 0.5
    assert metrics.confident_fraction(probabilities, threshold=0.55) == 0.75
    assert metrics.confident_fraction(probabilities, threshold=1.0) == 0.0


@pytest.mark.parametrize("threshold", [0.0, 1.5, True, "0.9"])
def test_confident_fraction_rejects_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold="):
        metrics.confident_fraction(np.eye(2), threshold=threshold)


def test_confident_fraction_rejects_bad_shape():
    with pytest.raises(ValueError, match=r"probabilities.shape=\(3,\)"):
        metrics.confident_fraction(np.ones(3))


# --- label_accuracy and digit_report with a hand-built classifier ------------


def test_label_accuracy_exact_values():
    classifier = _brightness_classifier()
    images = _striped_digits()  # read as 0, 1, 0, 1
    assert metrics.label_accuracy(images, [0, 1, 0, 1], classifier) == 1.0
    assert metrics.label_accuracy(images, [0, 1, 1, 1], classifier) == 0.75
    assert metrics.label_accuracy(images, [1, 0, 1, 0], classifier) == 0.0


def test_uint8_and_float_images_agree():
    classifier = _brightness_classifier()
    images = _striped_digits()
    unit = images.astype(np.float32) / 127.5 - 1.0  # (4, 28, 28) in [-1, 1]
    expected = metrics.digit_probabilities(images, classifier)
    assert expected.shape == (4, 3) and expected.dtype == np.float64
    np.testing.assert_array_equal(expected.argmax(-1), [0, 1, 0, 1])
    for same in (unit, unit[..., None], unit.astype(np.float64), keras.ops.array(unit)):
        np.testing.assert_allclose(
            metrics.digit_probabilities(same, classifier, batch_size=3),
            expected,
            rtol=1e-4,
            atol=1e-7,
        )
        assert metrics.label_accuracy(same, [0, 1, 1, 1], classifier) == 0.75


def test_digit_report_exact_values():
    report = metrics.digit_report(
        _striped_digits(), np.array([0, 1, 1, 1]), _brightness_classifier()
    )
    assert report == {
        "num_images": 4,
        "class_entropy": pytest.approx(math.log(2)),
        "confident_fraction": 1.0,
        "class_histogram": [2, 2, 0],
        "label_accuracy": 0.75,
        "per_class_accuracy": [1.0, pytest.approx(2 / 3), None],
    }
    json.dumps(report)
    unlabelled = metrics.digit_report(_striped_digits(), None, _brightness_classifier())
    assert set(unlabelled) == {
        "num_images",
        "class_entropy",
        "confident_fraction",
        "class_histogram",
    }


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((2, 32, 32, 1), np.uint8), r"resize.*images.shape=\(2, 32, 32, 1\)"),
        (np.zeros((2, 28, 28, 3), np.uint8), r"images.shape=\(2, 28, 28, 3\)"),
        (np.zeros((28, 28), np.uint8), r"images.shape=\(28, 28\)"),
        (np.zeros((0, 28, 28), np.uint8), r"images.shape=\(0, 28, 28\)"),
        (
            np.full((2, 28, 28), 255.0, np.float32),
            r"Float `images` must be in \[-1, 1\]",
        ),
        (np.full((2, 28, 28), np.nan, np.float32), "`images` must be finite"),
        (np.full((2, 28, 28), -3, np.int16), r"Integer `images`.*\[0, 255\]"),
        (np.zeros((2, 28, 28), bool), "images.dtype=bool"),
    ],
)
def test_bad_images_are_rejected(images, match):
    labels = np.zeros(len(images), np.int64)
    with pytest.raises(ValueError, match=match):
        metrics.label_accuracy(images, labels, _brightness_classifier())


@pytest.mark.parametrize(
    "labels, match",
    [
        (np.array([0, 1, 0]), r"4 images.*labels.shape=\(3,\)"),
        (np.zeros((4, 1), np.int64), r"labels.shape=\(4, 1\)"),
        (np.array([0.0, 1.0, 0.0, 1.0]), "labels.dtype=float64"),
        (np.array([0, 1, 5, 1]), r"labels in \[0, 5\]"),
        (np.array([0, -1, 0, 1]), r"labels in \[-1, 1\]"),
    ],
)
def test_bad_labels_are_rejected(labels, match):
    classifier = _brightness_classifier()
    with pytest.raises(ValueError, match=match):
        metrics.label_accuracy(_striped_digits(), labels, classifier)
    with pytest.raises(ValueError, match=match):
        metrics.digit_report(_striped_digits(), labels, classifier)


@pytest.mark.parametrize("batch_size", [0, 2.5, None, True])
def test_bad_batch_size_is_rejected(batch_size):
    with pytest.raises(ValueError, match="batch_size="):
        metrics.digit_probabilities(
            _striped_digits(), _brightness_classifier(), batch_size=batch_size
        )


# --- Fréchet distance ------------------------------------------------------------


def _psd_sqrt(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def _closed_form_fd(m1, c1, m2, c2):
    """|m1 - m2|^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2), by eigendecomposition."""
    root = _psd_sqrt(c1)
    cross = _psd_sqrt(root @ c2 @ root)
    diff = np.subtract(m1, m2)
    return diff @ diff + np.trace(c1) + np.trace(c2) - 2 * np.trace(cross)


def test_frechet_distance_diagonal_gaussians_exact():
    # |m1 - m2|^2 + sum (sqrt(s1) - sqrt(s2))^2 = (1 + 4) + (1 - 2)^2 + (3 - 1)^2
    distance = metrics.frechet_distance_from_moments(
        [0.0, 0.0], np.diag([1.0, 9.0]), [1.0, 2.0], np.diag([4.0, 1.0])
    )
    assert distance == pytest.approx(10.0, abs=1e-12)


def test_frechet_distance_general_gaussians_match_closed_form():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 6, 6))
    c1, c2 = a @ a.T + 0.1 * np.eye(6), b @ b.T + 0.1 * np.eye(6)  # do not commute
    m1, m2 = rng.normal(size=(2, 6))
    distance = metrics.frechet_distance_from_moments(m1, c1, m2, c2)
    assert distance == pytest.approx(_closed_form_fd(m1, c1, m2, c2), rel=1e-9)
    assert metrics.frechet_distance_from_moments(m1, c1, m1, c1) == pytest.approx(
        0.0, abs=1e-9
    )


def test_frechet_distance_of_samples_estimates_the_gaussians():
    rng = np.random.default_rng(1)
    c1, c2 = np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([[1.0, -0.3], [-0.3, 0.5]])
    m1, m2 = np.array([0.0, 1.0]), np.array([1.0, -1.0])
    x = rng.multivariate_normal(m1, c1, size=20000)
    y = rng.multivariate_normal(m2, c2, size=20000)
    expected = _closed_form_fd(m1, c1, m2, c2)
    assert metrics.frechet_distance(x, y) == pytest.approx(expected, rel=0.03)
    # exactly the distance of the samples' own moments
    mean, cov = metrics.feature_moments(x)
    np.testing.assert_allclose(cov, np.cov(x, rowvar=False), rtol=1e-10)
    np.testing.assert_allclose(mean, x.mean(0), rtol=1e-12)


def test_frechet_distance_of_a_set_with_itself_is_zero_and_shift_adds_its_norm():
    x = np.random.default_rng(2).normal(size=(300, 16))
    assert metrics.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-9)
    shift = np.arange(16) / 8.0
    assert metrics.frechet_distance(x, x + shift) == pytest.approx(shift @ shift)


def test_frechet_distance_with_fewer_samples_than_features_is_finite():
    rng = np.random.default_rng(3)
    distance = metrics.frechet_distance(
        rng.normal(size=(5, 20)), rng.normal(size=(6, 20))
    )
    assert np.isfinite(distance) and distance > 0


@pytest.mark.parametrize(
    "real, fake, match",
    [
        (np.zeros((4, 3)), np.zeros((4, 2)), r"real.shape=\(4, 3\), fake.shape"),
        (np.zeros((1, 3)), np.zeros((4, 3)), r"n >= 2.*features.shape=\(1, 3\)"),
        (np.zeros((4,)), np.zeros((4, 3)), r"extractor=.*real.shape=\(4,\)"),
        (np.full((4, 3), np.nan), np.zeros((4, 3)), "real` must be finite"),
    ],
)
def test_frechet_distance_rejects_bad_features(real, fake, match):
    with pytest.raises(ValueError, match=match):
        metrics.frechet_distance(real, fake)


def test_frechet_distance_from_moments_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"cov2.*cov2.shape=\(3, 3\)"):
        metrics.frechet_distance_from_moments(
            np.zeros(2), np.eye(2), np.zeros(2), np.eye(3)
        )


def test_streaming_frechet_distance_equals_batch():
    rng = np.random.default_rng(4)
    real, fake = rng.normal(size=(1000, 8)) * 3.0 + 5.0, rng.normal(size=(700, 8))
    metric = metrics.FrechetDistance()
    assert isinstance(metric, keras.metrics.Metric)
    for start in range(0, 1000, 128):
        metric.update_state(real=real[start : start + 128])
    for start in range(0, 700, 100):
        metric.update_state(fake=fake[start : start + 100])
    assert metric.counts == {"real": 1000, "fake": 700}
    expected = metrics.frechet_distance(real, fake)
    assert metric.result() == pytest.approx(expected, rel=1e-10)
    metric.reset_fake_state()  # the real statistics stay
    metric.update_state(None, real[:500])
    assert metric.result() == pytest.approx(metrics.frechet_distance(real, real[:500]))
    metric.reset_state()
    with pytest.raises(ValueError, match="at least 2 `real` samples. Received: 0"):
        metric.result()
    with pytest.raises(ValueError, match="Pass `real`, `fake` or both"):
        metric.update_state()


def test_streaming_frechet_distance_with_an_extractor():
    classifier = _brightness_classifier()
    extractor = metrics.DigitFeatures(classifier)  # features: the flat image
    images = _striped_digits()
    metric = metrics.FrechetDistance(extractor)
    metric.update_state(images[:2], images[2:])
    flat = images.reshape(4, -1).astype(np.float64) / 127.5 - 1.0
    assert metric.result() == pytest.approx(
        metrics.frechet_distance(flat[:2], flat[2:])
    )


# --- KID --------------------------------------------------------------------------


def _kid_by_loops(x, y):
    """Unbiased MMD^2 with k(a, b) = (a.b / d + 1)^3, written out."""
    d, m = x.shape[1], len(x)

    def k(a, b):
        return (a @ b / d + 1.0) ** 3

    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m))
    return (xx + yy) / (m * (m - 1)) - 2 * xy / m**2


def test_kid_exact_on_tiny_sets():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(2, 6, 3))
    mean, std = metrics.kernel_inception_distance(x, y, num_subsets=3, subset_size=6)
    assert mean == pytest.approx(_kid_by_loops(x, y), rel=1e-10)
    assert std == pytest.approx(0.0, abs=1e-12)  # every subset is the whole set


def test_kid_identical_sets_near_zero_shifted_sets_positive():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(1000, 16))
    same_mean, same_std = metrics.kernel_inception_distance(x, x, subset_size=200)
    shifted_mean, shifted_std = metrics.kernel_inception_distance(
        x, x + 0.5, subset_size=200
    )
    # Not exactly 0: a point drawn into both subsets adds k(x, x) to the
    # cross term (about 40 of the 200 x 200 pairs here).
    assert abs(same_mean) < 0.03 and same_std < 0.05
    assert shifted_mean > 0.5 and shifted_mean > 10 * shifted_std
    independent = rng.normal(size=(1000, 16))  # same distribution, other points
    mean, std = metrics.kernel_inception_distance(x, independent, subset_size=200)
    assert abs(mean) < 0.02 and abs(mean) < 3 * std


def test_streaming_kid_equals_batch_and_keeps_a_capped_reservoir():
    rng = np.random.default_rng(7)
    real = rng.normal(size=(300, 4)).astype(np.float32)  # exact in the float32 store
    fake = (rng.normal(size=(250, 4)) + 0.3).astype(np.float32)
    metric = metrics.KernelInceptionDistance(num_subsets=5, subset_size=100)
    for start in range(0, 300, 64):  # the last fake batches are empty: no-ops
        metric.update_state(real[start : start + 64], fake[start : start + 64])
    mean, std = metrics.kernel_inception_distance(
        real, fake, num_subsets=5, subset_size=100
    )
    assert metric.result() == {
        "kid": pytest.approx(mean),
        "kid_std": pytest.approx(std),
    }
    capped = metrics.KernelInceptionDistance(max_samples=50, seed=3)
    rows = np.arange(1000, dtype=np.float32)[:, None]  # the row index as feature
    for start in range(0, 1000, 99):
        capped.update_state(real=rows[start : start + 99])
    kept = capped._samples["real"].values("real", 2)[:, 0]
    assert kept.shape == (50,) and len(np.unique(kept)) == 50
    assert 300 < kept.mean() < 700  # a uniform sample of 0..999, not the first 50


# --- Inception Score ----------------------------------------------------------------


def test_inception_score_one_hot_uniform_is_the_number_of_classes():
    one_hot = np.tile(np.eye(10), (20, 1))  # (200, 10), every class 20 times
    for splits in (1, 10):
        mean, std = metrics.inception_score(one_hot, splits=splits)
        assert mean == pytest.approx(10.0) and std == pytest.approx(0.0, abs=1e-12)
    mean, _ = metrics.inception_score(np.tile(np.eye(10)[3], (50, 1)), splits=1)
    assert mean == pytest.approx(1.0)  # one class only
    mean, _ = metrics.inception_score(np.full((50, 10), 0.1), splits=1)
    assert mean == pytest.approx(1.0)  # no confidence


def test_inception_score_hand_computed_two_classes():
    # p(y) = (0.75, 0.25); KL rows: ln(4/3) and 0.5 ln(2/3) + 0.5 ln 2
    p = np.array([[1.0, 0.0], [0.5, 0.5]])
    expected = math.exp(
        (math.log(4 / 3) + 0.5 * math.log(2 / 3) + 0.5 * math.log(2)) / 2
    )
    assert metrics.inception_score(p, splits=1) == (pytest.approx(expected), 0.0)


def test_inception_score_rejects_non_probabilities_and_bad_splits():
    with pytest.raises(ValueError, match="non-negative rows summing to 1"):
        metrics.inception_score(np.ones((4, 3)))
    with pytest.raises(ValueError, match="splits=5"):
        metrics.inception_score(np.eye(4), splits=5)
    with pytest.raises(ValueError, match="splits=0"):
        metrics.inception_score(np.eye(4), splits=0)


def test_streaming_inception_score_equals_batch():
    p = np.random.default_rng(8).dirichlet(np.ones(5) * 0.3, size=120)
    metric = metrics.InceptionScore(splits=4)
    for start in range(0, 120, 50):
        metric.update_state(p[start : start + 50])
    mean, std = metrics.inception_score(p, splits=4)
    assert metric.result() == {
        "inception_score": pytest.approx(mean),
        "inception_score_std": pytest.approx(std),
    }


# --- precision / recall -------------------------------------------------------------


def test_precision_recall_on_hand_built_points():
    real = np.arange(10.0)[:, None]  # 0..9; k=3 radii: 3 at the ends, 2 inside
    fake = np.array([[-2.5], [4.5], [12.5], [20.0]])
    # -2.5 is within 3 of 0, 4.5 within 2 of 4; 12.5 is 3.5 from 9, 20 far away.
    # The fakes' own radii (3rd nearest fake) are >= 15: they cover all of 0..9.
    assert metrics.precision_recall(real, fake) == {"precision": 0.5, "recall": 1.0}
    cluster = np.array([[0.0], [0.1], [0.2], [0.3], [0.4]])  # radii <= 0.3
    # all five lie within 3 of the real 0; only the real 0 lies in their balls
    assert metrics.precision_recall(real, cluster) == {"precision": 1.0, "recall": 0.1}
    # k = 1: radius 1 everywhere; 4.5 is within 1 of 4, -2.5 is not
    assert metrics.precision_recall(real, fake, k=1)["precision"] == 0.25


def test_precision_recall_blocks_do_not_change_the_result():
    rng = np.random.default_rng(9)
    real, fake = rng.normal(size=(200, 5)), rng.normal(0.5, size=(150, 5))
    expected = metrics.precision_recall(real, fake)
    assert metrics.precision_recall(real, fake, batch_size=7) == expected
    assert 0.0 < expected["precision"] < 1.0 and 0.0 < expected["recall"] < 1.0
    metric = metrics.PrecisionRecall()
    metric.update_state(real[:100], fake[:100])
    metric.update_state(real[100:], fake[100:])
    assert metric.result() == pytest.approx(expected)
    with pytest.raises(ValueError, match="more than k=3"):
        metrics.precision_recall(real, fake[:3])


# --- digit features and the TF-GAN-style digit metrics ------------------------------


def test_digit_features_are_the_penultimate_layer(test_digits):
    images = test_digits[0][:64]
    extractor = metrics.DigitFeatures()
    features, probabilities = extractor.features_and_probabilities(images)
    assert extractor.num_features == 128 and extractor.num_classes == 10
    assert features.shape == (64, 128) and features.dtype == np.float64
    classifier = metrics.load_digit_classifier()
    pooled = keras.Model(
        classifier.inputs, classifier.get_layer("with_rejection").input
    )  # global average pooling -> dropout (identity at inference)
    x = (images.astype(np.float32) / 127.5 - 1.0)[..., None]
    np.testing.assert_allclose(
        features, pooled.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    raw = metrics.digit_probabilities(images)
    np.testing.assert_allclose(
        probabilities, raw / raw.sum(-1, keepdims=True), atol=1e-6
    )
    np.testing.assert_allclose(metrics.digit_features(images), features, atol=1e-6)


def test_digit_metrics_on_real_and_degraded_digits(test_digits):
    images = test_digits[0]  # the 1000 held-out digits
    real_a, real_b = images[:500], images[500:]
    noisy = np.clip(
        real_b.astype(np.int16)
        + np.random.default_rng(0).integers(-90, 90, real_b.shape),
        0,
        255,
    ).astype(np.uint8)
    extractor = metrics.DigitFeatures()
    real_vs_real = metrics.digit_frechet_distance(real_a, real_b, extractor)
    real_vs_noisy = metrics.digit_frechet_distance(real_a, noisy, extractor)
    assert 0.0 < real_vs_real < 1.5  # 1.06: 500 vs 500 (0.19 at 2500 vs 2500)
    assert real_vs_noisy > 20 * real_vs_real  # 44
    assert metrics.digit_frechet_distance(real_a, real_a, extractor) == pytest.approx(
        0.0, abs=1e-6
    )
    assert metrics.digit_score(images, extractor) > 9.0  # confident and balanced
    assert metrics.digit_score(np.repeat(images[:1], 50, axis=0), extractor) == (
        pytest.approx(1.0)
    )


# --- InceptionV3 --------------------------------------------------------------------


def test_inception_weights_missing_error_names_the_path_and_url(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    expected = (
        tmp_path / "models" / "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    assert metrics.inception_weights_path() == str(expected)
    with pytest.raises(FileNotFoundError) as error:
        metrics.InceptionFeatures()
    assert str(expected) in str(error.value)
    assert metrics.INCEPTION_WEIGHTS[False][1] in str(error.value)
    with pytest.raises(FileNotFoundError, match="weights=.*no_such.h5"):
        metrics.InceptionFeatures(weights=str(tmp_path / "no_such.h5"))
    with pytest.raises(ValueError, match="weights=3"):
        metrics.InceptionFeatures(weights=3)


def test_inception_weights_are_read_from_the_keras_cache(tmp_path, monkeypatch):
    calls = []

    def fake_inception_v3(include_top, weights, input_shape, pooling=None):
        calls.append(dict(include_top=include_top, weights=weights, pooling=pooling))
        inputs = keras.Input(input_shape)
        pooled = keras.layers.GlobalAveragePooling2D(name="avg_pool")(inputs)
        if not include_top:
            return keras.Model(inputs, pooled)
        return keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(pooled))

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.applications, "InceptionV3", fake_inception_v3)
    for include_top in (False, True):
        path = metrics.inception_weights_path(include_top)
        pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(path).touch()
        extractor = metrics.InceptionFeatures(include_top=include_top, batch_size=2)
        assert calls[-1]["weights"] == path
        images = np.zeros((3, 28, 28), np.uint8)
        images[1] = 255
        features, probabilities = extractor.features_and_probabilities(images)
        # average of the resized [-1, 1] image over 3 identical channels
        np.testing.assert_allclose(features[:, 0], [-1.0, 1.0, -1.0], atol=1e-6)
        assert (probabilities is None) == (not include_top)
    assert calls[0]["pooling"] == "avg"


def test_inception_preprocess_protocol():
    rng = np.random.default_rng(10)
    grey = rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    x = metrics.inception_preprocess(grey)
    assert x.shape == (2, 299, 299, 3) and x.dtype == np.float32
    assert x.min() >= -1.0 and x.max() <= 1.0
    np.testing.assert_array_equal(x[..., 0], x[..., 2])  # grey -> 3 equal channels
    unit = grey.astype(np.float32)[..., None] / 127.5 - 1.0
    resized = keras.ops.image.resize(unit, (299, 299), interpolation="bilinear")
    np.testing.assert_allclose(
        x[..., :1], keras.ops.convert_to_numpy(resized), atol=1e-6
    )
    np.testing.assert_allclose(metrics.inception_preprocess(unit), x, atol=1e-6)
    rgb = rng.uniform(-1, 1, (1, 299, 299, 3)).astype(np.float32)
    np.testing.assert_array_equal(metrics.inception_preprocess(rgb), rgb)  # no resize
    with pytest.raises(ValueError, match=r"images.shape=\(2, 28, 28, 2\)"):
        metrics.inception_preprocess(np.zeros((2, 28, 28, 2), np.uint8))


@pytest.mark.large  # builds InceptionV3 twice: about 10 s on 2 CPU cores
def test_inception_v3_random_weights_give_2048_features():
    extractor = metrics.InceptionFeatures(weights=None)
    features = extractor(np.zeros((1, 28, 28, 1), np.float32))
    assert features.shape == (1, 2048) and np.all(np.isfinite(features))
    with pytest.raises(ValueError, match="include_top=True"):
        extractor.probabilities(np.zeros((1, 28, 28), np.uint8))
    with_head = metrics.InceptionFeatures(weights=None, include_top=True)
    features, probabilities = with_head.features_and_probabilities(
        np.zeros((1, 32, 32, 3), np.uint8)
    )
    assert features.shape == (1, 2048) and probabilities.shape == (1, 1000)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-4)


def test_get_extractor_rejects_unknown_names():
    with pytest.raises(ValueError, match="extractor='vgg'"):
        metrics.frechet_distance(np.zeros((2, 2)), np.zeros((2, 2)), extractor="vgg")
