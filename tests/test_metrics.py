"""Tests for `keras_gans.metrics`: the shipped digit classifier and the metrics."""

import json
import math

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
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, atol=1e-5)
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
