"""Mode coverage, the collapse monitor, and a judge that noise cannot fool."""

import logging
import pathlib

import keras
import numpy as np
import pytest

from keras_gans import coverage, metrics
from keras_gans.data import load_digits_sample
from keras_gans.metrics import outliers

# 128 samples of the collapsed `gan_digits` preset shipped before issue 25.
COLLAPSED = pathlib.Path(__file__).parent / "data" / "collapsed_gan_samples.npz"


def _test_digits(n=500):
    images, labels = load_digits_sample(subset="test")
    return images[:n], labels[:n]


def _unit(images):
    return (images.astype("float32") / 127.5 - 1.0)[..., None]


# ------------------------------------------------------------------ coverage
def test_real_digits_cover_every_class():
    digits, _ = _test_digits()
    report = coverage.sample_coverage(digits)
    assert report["classes_covered"] == 10
    assert report["class_entropy"] > 2.25
    assert report["confident_fraction"] > 0.9
    assert not coverage.is_collapsed(report)


def test_one_digit_repeated_is_collapsed():
    digits, labels = _test_digits()
    sevens = np.repeat(digits[labels == 7][:1], 200, axis=0)
    report = coverage.sample_coverage(sevens)
    assert report["classes_covered"] == 1
    assert report["class_entropy"] == 0.0
    assert coverage.is_collapsed(report)


def test_padded_32x32_digits_are_cropped_for_the_classifier():
    digits, _ = _test_digits(200)
    padded = np.pad(_unit(digits), ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1)
    np.testing.assert_allclose(
        coverage.sample_coverage(padded)["class_entropy"],
        coverage.sample_coverage(digits)["class_entropy"],
    )


def test_feature_diversity_against_real_images():
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (64, 16, 16, 3)).astype("float32")
    varied = rng.uniform(-1, 1, (64, 16, 16, 3)).astype("float32")
    same = np.repeat(varied[:1], 64, axis=0) + rng.normal(0, 0.01, (64, 16, 16, 3))
    good = coverage.sample_coverage(varied, reference=real)
    bad = coverage.sample_coverage(np.clip(same, -1, 1), reference=real)
    assert good["diversity_is_ratio"] and 0.8 < good["diversity"] < 1.2
    assert bad["diversity"] < 0.1
    assert coverage.is_collapsed(bad) and not coverage.is_collapsed(good)
    # Without real images the raw diversity is reported and never judged.
    raw = coverage.sample_coverage(varied)
    assert raw["diversity_is_ratio"] is False and not coverage.is_collapsed(raw)


def test_sample_coverage_rejects_bad_images():
    with pytest.raises(ValueError, match="at least 2 images"):
        coverage.sample_coverage(np.zeros((1, 28, 28, 1), "float32"))
    with pytest.raises(ValueError, match="images"):
        coverage.sample_coverage(np.full((4, 28, 28, 1), 3.0, "float32"))


class _FixedSampler(keras.Model):
    """A stand-in model whose `generate` returns prepared images."""

    num_classes = None

    def __init__(self, images):
        super().__init__()
        self.images = images

    def generate(self, n, labels=None, seed=None):
        return self.images[:n]


def test_collapse_monitor_logs_and_warns_once(caplog):
    digits, labels = _test_digits()
    collapsed = np.repeat(digits[labels == 3][:1], 100, axis=0)
    monitor = coverage.CollapseMonitor(num_samples=100, every=1)
    model = _FixedSampler(_unit(collapsed))
    monitor.set_model(model)
    with caplog.at_level(logging.WARNING, logger="keras_gans"):
        for epoch in range(3):
            logs = {}
            monitor.on_epoch_end(epoch, logs)
    assert logs["coverage_collapsed"] == 1.0
    assert logs["coverage_class_entropy"] == 0.0
    assert logs["coverage_classes_covered"] == 1.0
    assert monitor.history["epoch"] == [1, 2, 3]
    warnings = [r for r in caplog.records if "Mode collapse" in r.getMessage()]
    assert len(warnings) == 1 and "epoch 1" in warnings[0].getMessage()
    # Recovery is said once too, and a healthy model logs 0.
    model.images = _unit(digits)
    with caplog.at_level(logging.WARNING, logger="keras_gans"):
        logs = {}
        monitor.on_epoch_end(3, logs)
    assert logs["coverage_collapsed"] == 0.0
    assert any("recovered at epoch 4" in r.getMessage() for r in caplog.records)


def test_collapse_monitor_can_stop_training():
    digits, labels = _test_digits()
    model = _FixedSampler(_unit(np.repeat(digits[:1], 50, axis=0)))
    monitor = coverage.CollapseMonitor(num_samples=50, stop_on_collapse=True)
    monitor.set_model(model)
    monitor.on_epoch_end(0, {})
    assert model.stop_training


def test_collapse_monitor_flags_the_old_collapsed_gan_digits():
    """Samples of the collapsed `gan_digits` preset that shipped before the
    quality issue: nearly all read as one class."""
    old = np.load(COLLAPSED)["images"]
    report = coverage.sample_coverage(old)
    assert coverage.is_collapsed(report)


@pytest.mark.parametrize(
    "kwargs", [{"num_samples": 5}, {"every": 0}, {"min_class_entropy": -1.0}]
)
def test_collapse_monitor_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        coverage.CollapseMonitor(**kwargs)


# ------------------------------------------------------- the judge and noise
@pytest.mark.parametrize("kind", outliers.OUTLIER_KINDS)
def test_outlier_sets_are_images_in_range(kind):
    digits, _ = _test_digits(50)
    x = outliers.outlier_images(kind, 8, seed=1, digits=_unit(digits))
    assert x.shape == (8, 28, 28, 1) and x.dtype == np.float32
    assert x.min() >= -1.0 and x.max() <= 1.0
    again = outliers.outlier_images(kind, 8, seed=1, digits=_unit(digits))
    np.testing.assert_array_equal(x, again)


def test_digit_outlier_kinds_need_digits():
    with pytest.raises(ValueError, match="digits"):
        outliers.outlier_images("inverted", 4)
    with pytest.raises(ValueError, match="kind"):
        outliers.outlier_images("clouds", 4)


@pytest.mark.parametrize("kind", outliers.OUTLIER_KINDS)
def test_the_shipped_classifier_is_not_confident_on_non_digits(kind):
    """Outlier exposure: fresh non-digits (a seed never trained on) read
    with a confident fraction of at most 0.05."""
    digits, _ = _test_digits(1000)
    x = outliers.outlier_images(kind, 400, seed=424242, digits=_unit(digits))
    assert metrics.confident_fraction(metrics.digit_probabilities(x)) <= 0.05


def test_the_shipped_classifier_is_not_fooled_by_collapsed_gan_blobs():
    old = np.load(COLLAPSED)["images"]
    assert metrics.confident_fraction(metrics.digit_probabilities(old)) <= 0.05


def test_the_shipped_classifier_still_reads_real_digits():
    digits, labels = _test_digits(1000)
    probabilities = metrics.digit_probabilities(digits)
    assert np.mean(probabilities.argmax(-1) == labels) >= 0.97
    assert metrics.confident_fraction(probabilities) >= 0.9


def _one_digit_model(digit):
    """An `AdversarialModel` whose generator draws `digit` for every z."""
    from keras_gans.models import AdversarialModel

    pixels = np.clip(_unit(digit[None])[0].reshape(-1), -0.999, 0.999)
    g = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(784, activation="tanh", kernel_initializer="zeros"),
            keras.layers.Reshape((28, 28, 1)),
        ]
    )
    g.layers[0].bias.assign(np.arctanh(pixels))
    d = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    model = AdversarialModel(g, d, seed=0)
    model.compile()
    return model


def test_cli_evaluate_warns_on_a_collapsed_model(tmp_path, capsys):
    from keras_gans import cli

    digits, labels = _test_digits()
    path = tmp_path / "collapsed.keras"
    _one_digit_model(digits[labels == 4][0]).save(path)
    assert cli.main(["evaluate", str(path), "--num", "200"]) == 0
    captured = capsys.readouterr()
    assert '"collapsed": true' in captured.out
    assert '"classes_covered": 1' in captured.out
    assert "looks collapsed" in captured.err and "1 of 10 classes" in captured.err
