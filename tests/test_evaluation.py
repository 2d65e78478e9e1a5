"""Tests for `keras_gans.evaluate`, `Evaluator` and the `Evaluate` callback."""

import importlib.util
import json
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import evaluation, metrics
from keras_gans.callbacks import Evaluate, LossCurves
from keras_gans.data import load_digits_sample

RECIPES = pathlib.Path(__file__).resolve().parents[1] / "recipes"


@pytest.fixture(scope="module")
def digits():
    """The 1000 held-out digits (uint8) and their labels."""
    return load_digits_sample(subset="test")


class DigitEcho(keras.Model):
    """A stand-in generator that "draws" held-out digits.

    Conditional (`num_classes=10`): `generate(n, labels)` returns, for each
    label, the next held-out digit of that class; unconditional: the first n
    digits. `darken` moves every pixel towards black by that much, per
    `train_step`, so metrics change during `fit`. Records `generate` calls.
    """

    def __init__(self, images, labels, num_classes=None, **kwargs):
        super().__init__(**kwargs)
        self.images = images.astype(np.float32) / 127.5 - 1.0
        self.image_labels = labels
        self.num_classes = num_classes
        self.darkness = keras.Variable(0.0, trainable=False, name="darkness")
        self.calls = []
        self.built = True

    def generate(self, n, labels=None, seed=None):
        self.calls.append((n, seed))
        if labels is None:
            picked = self.images[np.arange(n) % len(self.images)]
        else:
            labels = np.asarray(labels)
            picked = np.empty((n, 28, 28), np.float32)
            for c in np.unique(labels):
                pool = self.images[self.image_labels == c]
                where = np.flatnonzero(labels == c)
                picked[where] = pool[np.arange(len(where)) % len(pool)]
        darkness = float(keras.ops.convert_to_numpy(self.darkness))
        return np.clip(picked - darkness, -1.0, 1.0)[..., None]

    def train_step(self, data):
        self.darkness.assign_add(0.05)
        return {"loss": self.darkness * 1.0}


class StubInception:
    """A cheap stand-in for `metrics.InceptionFeatures`: 4 pooled features
    (mean of each image quadrant) and softmax probabilities over them."""

    def features_and_probabilities(self, images):
        x = np.asarray(images, np.float64)
        x = x / 127.5 - 1.0 if np.asarray(images).dtype == np.uint8 else x
        x = x.reshape(len(x), 28, 28)
        features = np.stack(
            [x[:, :14, :14], x[:, :14, 14:], x[:, 14:, :14], x[:, 14:, 14:]], 1
        ).mean(axis=(2, 3))
        e = np.exp(4 * features)
        return features, e / e.sum(1, keepdims=True)

    def __call__(self, images):
        return self.features_and_probabilities(images)[0]


def test_evaluate_digit_metrics_match_the_metric_functions(digits):
    images, labels = digits
    real = images[:500]
    model = DigitEcho(images[500:], labels[500:], num_classes=10)
    names = ["digit_fd", "label_accuracy", "class_entropy", "digit_score"]
    results = keras_gans.evaluate(model, real, names, num_samples=400, batch_size=150)
    assert set(results) == set(names) | {"num_samples", "num_real_samples"}
    assert (results.pop("num_samples"), results.pop("num_real_samples")) == (400, 400)
    assert all(type(v) is float for v in results.values())
    wanted = np.arange(400) % 10  # the default labels
    # the same three chunks of at most 150 that `evaluate` drew, seeds 0, 1, 2
    assert model.calls == [(150, 0), (150, 1), (100, 2)]
    fake = np.concatenate(
        [model.generate(len(c), labels=c) for c in np.split(wanted, [150, 300])]
    )
    assert results["digit_fd"] == pytest.approx(
        metrics.digit_frechet_distance(real[:400], fake), rel=1e-6
    )
    assert results["label_accuracy"] == metrics.label_accuracy(fake, wanted)
    assert results["label_accuracy"] >= 0.95
    report = metrics.digit_report(fake)
    assert results["class_entropy"] == pytest.approx(report["class_entropy"])
    assert results["digit_score"] == pytest.approx(metrics.digit_score(fake), rel=1e-6)


def test_evaluate_reads_datasets_and_arrays_alike(digits):
    images, labels = digits
    fake = images[500:800]
    dataset = tf.data.Dataset.from_tensor_slices(
        (images[:500].astype(np.float32) / 127.5 - 1.0, labels[:500])
    ).batch(64)
    names = ["digit_fd", "digit_kid", "digit_precision_recall"]
    from_dataset = keras_gans.evaluate(fake, dataset, names, num_samples=300)
    from_array = keras_gans.evaluate(fake, images[:300], names, num_samples=300)
    assert set(from_array) == {
        "digit_fd",
        "digit_kid",
        "digit_kid_std",
        "digit_precision",
        "digit_recall",
        "num_samples",
        "num_real_samples",
    }
    assert from_dataset == pytest.approx(from_array, rel=1e-5, abs=1e-6)
    assert from_array["digit_fd"] == pytest.approx(
        metrics.digit_frechet_distance(images[:300], fake), rel=1e-6
    )
    assert 0.5 < from_array["digit_precision"] <= 1.0


def test_evaluator_keeps_the_real_statistics_between_calls(digits):
    images, labels = digits
    real = tf.data.Dataset.from_tensor_slices(images[:300]).batch(100)
    evaluator = evaluation.Evaluator(real, ["digit_fd"], num_samples=200)
    first = evaluator(images[300:500])
    second = evaluator(images[500:700])
    assert evaluator.num_real_seen == 200  # num_real_samples defaults to num_samples
    assert first == {
        "digit_fd": pytest.approx(
            metrics.digit_frechet_distance(images[:200], images[300:500]), rel=1e-6
        ),
        "num_samples": 200,
        "num_real_samples": 200,
    }
    assert second["digit_fd"] == pytest.approx(
        metrics.digit_frechet_distance(images[:200], images[500:700]), rel=1e-6
    )


def test_evaluate_a_plain_generator_model_is_seeded():
    inputs = keras.Input((8,))
    x = keras.layers.Dense(28 * 28, activation="tanh")(inputs)
    generator = keras.Model(inputs, keras.layers.Reshape((28, 28, 1))(x))
    real = np.zeros((50, 28, 28), np.uint8)
    a = keras_gans.evaluate(generator, real, ["digit_fd", "class_entropy"], 50, seed=3)
    b = keras_gans.evaluate(generator, real, ["digit_fd", "class_entropy"], 50, seed=3)
    c = keras_gans.evaluate(generator, real, ["digit_fd", "class_entropy"], 50, seed=4)
    assert a == b and a["digit_fd"] != c["digit_fd"]


def test_evaluate_inception_metrics_with_a_stub_extractor(digits):
    images, _ = digits
    real, fake = images[:200], images[200:400]
    stub = StubInception()
    names = ["fid", "kid", "precision_recall", "inception_score"]
    results = keras_gans.evaluate(
        fake, real, names, num_samples=200, extractors={"inception": stub}
    )
    assert set(results) == {
        "fid",
        "kid",
        "kid_std",
        "precision",
        "recall",
        "inception_score",
        "inception_score_std",
        "num_samples",
        "num_real_samples",
        "protocol",
    }
    assert results["protocol"]["backbone"] == "keras_inception_v3"
    assert results["protocol"]["num_real_samples"] == 200
    assert results["fid"] == pytest.approx(metrics.frechet_distance(real, fake, stub))
    mean, std = metrics.kernel_inception_distance(real, fake, stub)
    assert (results["kid"], results["kid_std"]) == pytest.approx((mean, std), rel=1e-5)
    assert results["inception_score"] == pytest.approx(
        metrics.inception_score(stub.features_and_probabilities(fake)[1])[0]
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(metrics=["fdi"]), "metrics=\\['fdi'\\]"),
        (dict(metrics=["digit_fd"], real_dataset=None), "real_dataset=None"),
        (dict(num_samples=0), "num_samples=0"),
        (dict(labels=np.zeros(3, np.int64)), r"labels.shape=\(3,\)"),
        (dict(extractors={"vgg": None}), "'vgg'"),
    ],
)
def test_evaluator_rejects_bad_arguments(kwargs, match):
    arguments = dict(real_dataset=np.zeros((4, 28, 28), np.uint8), num_samples=4)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        evaluation.Evaluator(**arguments)


def test_label_accuracy_needs_a_conditional_model(digits):
    images, labels = digits
    model = DigitEcho(images, labels)  # unconditional
    with pytest.raises(ValueError, match="`label_accuracy` needs labels"):
        keras_gans.evaluate(model, None, ["label_accuracy"], num_samples=10)
    with pytest.raises(ValueError, match="generator_or_model.*str"):
        keras_gans.evaluate("model", None, ["class_entropy"], num_samples=10)


def _fit(model, callbacks, epochs):
    model.compile()
    return model.fit(
        np.zeros((4, 1), "float32"),
        batch_size=2,
        epochs=epochs,
        callbacks=callbacks,
        verbose=0,
    )


def test_evaluate_callback_logs_history_and_checkpoints(digits, tmp_path):
    images, labels = digits
    model = DigitEcho(images[200:], labels[200:], num_classes=10)
    evaluate = Evaluate(
        images[:200], ["digit_fd", "label_accuracy"], num_samples=200, every=1
    )
    checkpoint = keras.callbacks.ModelCheckpoint(
        tmp_path / "best.weights.h5",
        monitor="val_digit_fd",
        mode="min",
        save_best_only=True,
        save_weights_only=True,
    )
    curves = LossCurves(tmp_path / "losses.png")
    history = _fit(model, [evaluate, checkpoint, curves], epochs=3)
    fd = history.history["val_digit_fd"]
    assert len(fd) == 3 and fd[0] < fd[1] < fd[2]  # the digits darken each epoch
    assert history.history["val_label_accuracy"][0] >= 0.9
    assert evaluate.history["epoch"] == [1, 2, 3]
    assert evaluate.history["val_digit_fd"] == fd
    assert (tmp_path / "best.weights.h5").is_file()  # saved at epoch 1, the best
    assert checkpoint.best == fd[0]
    assert json.loads((tmp_path / "losses.json").read_text())["val_digit_fd"] == fd


def test_evaluate_callback_every_n_epochs(digits):
    images, labels = digits
    model = DigitEcho(images, labels)
    evaluate = Evaluate(images[:100], ["class_entropy"], every=2, num_samples=100)
    history = _fit(model, [evaluate], epochs=4)
    assert evaluate.history["epoch"] == [2, 4]
    assert "val_class_entropy" in history.history  # Keras pads the missing epochs
    with pytest.raises(ValueError, match="every=0"):
        Evaluate(images[:100], every=0)


def test_evaluate_callback_passes_the_backbone_to_its_evaluator(digits):
    images, _ = digits
    evaluate = Evaluate(
        images[:10], ["fid"], backbone="inception_2015", allow_small_sets=True
    )
    assert evaluate.evaluator.backbone == "inception_2015"  # nothing built yet
    with pytest.raises(ValueError, match="backbone='nope'"):
        Evaluate(images[:10], ["fid"], backbone="nope")


def test_cgan_recipe_eval_every_reports_digit_fd_and_label_accuracy(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "cgan_mnist", RECIPES / "cgan_mnist.py"
    )
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    results = recipe.main(
        [
            "--epochs",
            "1",
            "--steps-per-epoch",
            "2",
            "--eval-every",
            "1",
            "--out",
            str(tmp_path),
        ]
    )
    for key in ("digit_fd", "label_accuracy", "val_digit_fd", "val_label_accuracy"):
        assert np.isfinite(results[key]), key
    assert results["digit_fd"] > 0 and results["eval_seconds"] > 0
    curves = json.loads((tmp_path / "losses.json").read_text())
    assert curves["val_digit_fd"] == [results["val_digit_fd"]]


def test_evaluate_callback_takes_a_function_instead_of_metrics(digits):
    images, _ = digits
    with pytest.raises(ValueError, match="`evaluate_fn` must be callable"):
        Evaluate(evaluate_fn="digit_fd")
    with pytest.raises(ValueError, match="either `evaluate_fn` or `real_dataset`"):
        Evaluate(images[:10], evaluate_fn=lambda model: {})
    evaluate = Evaluate(evaluate_fn=lambda model: {"a": 1.5, "b": [1], "c": True})
    assert evaluate.evaluator(None) == {"a": 1.5}
    assert evaluate.evaluator.last_seconds >= 0
    # Keys that already carry the prefix are not prefixed twice.
    evaluate = Evaluate(evaluate_fn=lambda model: {"val_l1": 0.25, "n": 3})
    evaluate.set_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]))
    logs = {}
    evaluate.on_epoch_end(0, logs)
    assert logs == {"val_l1": 0.25, "val_n": 3}


def test_fewer_images_than_asked_is_an_error_naming_the_argument(digits):
    """pytorch-fid#74/#70: a figure on fewer samples than asked is not the
    figure asked for; the count is reported, a shortfall refused."""
    images, _ = digits
    real = images[:300]
    with pytest.raises(ValueError, match="100 generated images .* num_samples=250"):
        keras_gans.evaluate(images[300:400], real, ["digit_fd"], num_samples=250)
    with pytest.raises(
        ValueError, match="holds 50 images, fewer than num_real_samples=200"
    ):
        keras_gans.evaluate(
            images[300:500], images[:50], ["digit_fd"], 200, num_real_samples=200
        )
    results = keras_gans.evaluate(
        images[300:400], real, ["digit_fd"], num_samples=250, allow_fewer=True
    )
    assert results["num_samples"] == 100 and results["num_real_samples"] == 250


def test_too_few_samples_for_kid_names_num_samples():
    with pytest.raises(ValueError, match="`num_samples` must be >= 2 .*digit_kid"):
        keras_gans.evaluate(
            np.zeros((4, 28, 28), np.uint8),
            np.zeros((4, 28, 28), np.uint8),
            ["digit_kid"],
            num_samples=1,
        )
