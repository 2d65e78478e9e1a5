"""Tests for `keras_gans.callbacks`, run through `model.fit` on a fake model."""

import json

import keras
import matplotlib.image
import numpy as np
import pytest

from keras_gans import plotting
from keras_gans.callbacks import LossCurves, SampleGrid, TranslationGrid


class FakeGAN(keras.Model):
    """Seeded noise images, plus a per-class shift; records `generate` calls.

    `train_step` only counts steps and logs `d_loss = step`, `g_loss = -step`.
    With `drift=True` each step also moves every image by 0.1 (so grids change).
    """

    def __init__(self, num_classes=None, drift=False, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.drift = drift
        self.step = keras.Variable(0.0, trainable=False, name="step")
        self.offset = keras.Variable(0.0, trainable=False, name="offset")
        self.built = True
        self.generate_calls = []

    def generate(self, n, labels=None, seed=None):
        self.generate_calls.append(
            (n, None if labels is None else np.asarray(labels).tolist(), seed)
        )
        x = keras.random.uniform((n, 5, 4, 1), -0.5, 0.5, seed=seed)  # (n,5,4,1)
        if labels is not None:
            shift = np.asarray(labels, "float32") / self.num_classes - 0.25
            x = x + shift[:, None, None, None]
        return keras.ops.clip(x + self.offset, -1.0, 1.0)

    def train_step(self, data):
        self.step.assign_add(1.0)
        if self.drift:
            self.offset.assign_add(0.1)
        return {"d_loss": self.step * 1.0, "g_loss": -self.step}


def _fit(model, callbacks, epochs=2):
    model.compile()
    x = np.zeros((4, 1), "float32")
    return model.fit(x, batch_size=2, epochs=epochs, callbacks=callbacks, verbose=0)


def _png(path):
    return np.rint(matplotlib.image.imread(path) * 255).astype(np.uint8)


# --- SampleGrid --------------------------------------------------------------


def test_sample_grid_unconditional_two_epochs_same_seed_same_grid(tmp_path):
    model = FakeGAN()
    grids = SampleGrid(tmp_path / "out", num_samples=6, seed=7)
    _fit(model, [grids], epochs=2)

    names = ["samples_epoch_001.png", "samples_epoch_002.png"]
    assert grids.paths == [str(tmp_path / "out" / name) for name in names]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names
    assert model.generate_calls == [(6, None, 7), (6, None, 7)]

    first, second = _png(grids.paths[0]), _png(grids.paths[1])
    np.testing.assert_array_equal(first, second)
    expected = plotting.image_grid(model.generate(6, seed=7))  # 2 rows x 3 cols
    assert expected.shape == (2 * 5 + 2, 3 * 4 + 2 * 2)
    np.testing.assert_array_equal(first[..., 0], expected)


def test_sample_grid_shows_a_changing_model(tmp_path):
    grids = SampleGrid(tmp_path, num_samples=4)
    _fit(FakeGAN(drift=True), [grids], epochs=2)
    assert not np.array_equal(_png(grids.paths[0]), _png(grids.paths[1]))


def test_sample_grid_per_class_one_row_per_class(tmp_path):
    model = FakeGAN(num_classes=3)
    grids = SampleGrid(tmp_path, num_samples=10, labels="per_class", seed=1)
    _fit(model, [grids], epochs=2)

    per_class = [0, 0, 0, 1, 1, 1, 2, 2, 2]  # 10 // 3 = 3 columns
    assert model.generate_calls == [(9, per_class, 1), (9, per_class, 1)]
    png = _png(grids.paths[1])
    expected = plotting.image_grid(
        model.generate(9, labels=per_class, seed=1), rows=3, cols=3
    )
    np.testing.assert_array_equal(png[..., 0], expected)
    np.testing.assert_array_equal(_png(grids.paths[0]), png)


def test_sample_grid_per_class_at_least_one_column(tmp_path):
    model = FakeGAN(num_classes=5)
    grids = SampleGrid(tmp_path, num_samples=2, labels="per_class")
    _fit(model, [grids], epochs=1)
    assert model.generate_calls == [(5, [0, 1, 2, 3, 4], 0)]
    assert _png(grids.paths[0]).shape[:2] == (5 * 5 + 4 * 2, 4)


def test_sample_grid_per_class_on_unconditional_model_passes_no_labels(tmp_path):
    model = FakeGAN()
    _fit(model, [SampleGrid(tmp_path, num_samples=4, labels="per_class")], epochs=1)
    assert model.generate_calls == [(4, None, 0)]


def test_sample_grid_explicit_labels_rows_every_and_filename(tmp_path):
    model = FakeGAN(num_classes=2)
    grids = SampleGrid(
        tmp_path,
        num_samples=4,
        labels=[1, 0, 1, 0],
        seed=None,
        every=2,
        filename="e{epoch}.png",
        rows=4,
    )
    _fit(model, [grids], epochs=5)
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["e2.png", "e4.png"]
    assert model.generate_calls == [(4, [1, 0, 1, 0], None)] * 2
    assert _png(grids.paths[0]).shape[:2] == (4 * 5 + 3 * 2, 4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_samples": 0}, r"`num_samples` must be an int >= 1.*num_samples=0"),
        ({"every": 0}, r"`every` must be an int >= 1.*every=0"),
        ({"rows": -1}, r"`rows` must be.*rows=-1"),
        ({"seed": 1.5}, r"`seed` must be an int or None.*seed=1.5"),
        ({"labels": "random"}, r"labels='random'"),
        ({"labels": [0.5, 1.0]}, r"1-D int array.*dtype=float64"),
        ({"labels": [0, 1]}, r"must have `num_samples`=64 entries.*2 labels"),
        ({"labels": "per_class", "rows": 2}, r"`rows` cannot be set.*rows=2"),
        ({"filename": "s_{step}.png"}, r"`filename` must be.*s_\{step\}.png"),
    ],
)
def test_sample_grid_rejects_bad_args(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        SampleGrid(tmp_path, **kwargs)


@pytest.mark.parametrize(
    "num_classes, kwargs, message",
    [
        (3, {}, r"conditional \(num_classes=3\)"),
        (None, {"num_samples": 2, "labels": [0, 1]}, "unconditional"),
    ],
)
def test_sample_grid_checks_labels_against_the_model(
    tmp_path, num_classes, kwargs, message
):
    model = FakeGAN(num_classes=num_classes)
    with pytest.raises(ValueError, match=message):
        _fit(model, [SampleGrid(tmp_path, **kwargs)], epochs=1)
    assert model.generate_calls == []


def test_sample_grid_needs_generate(tmp_path):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    x = np.zeros((2, 1), "float32")
    with pytest.raises(ValueError, match="needs a model with a `generate"):
        model.fit(x, x, epochs=1, verbose=0, callbacks=[SampleGrid(tmp_path)])


def test_translation_grid_needs_translate(tmp_path):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    x = np.zeros((2, 1), "float32")
    images = np.zeros((2, 4, 4, 1), "float32")
    grid = TranslationGrid(tmp_path, images, images)
    with pytest.raises(ValueError, match="needs an image-to-image model"):
        model.fit(x, x, epochs=1, verbose=0, callbacks=[grid])


# --- LossCurves --------------------------------------------------------------


def test_loss_curves_through_fit(tmp_path):
    curves = LossCurves(tmp_path / "run" / "losses.png")
    history = _fit(FakeGAN(), [curves], epochs=3)

    with open(tmp_path / "run" / "losses.json") as f:
        saved = json.load(f)
    # Two steps per epoch; the epoch logs are those of its last step.
    assert saved == {
        "epoch": [1, 2, 3],
        "d_loss": [2.0, 4.0, 6.0],
        "g_loss": [-2.0, -4.0, -6.0],
    }
    assert saved["d_loss"] == history.history["d_loss"]
    assert curves.json_path == str(tmp_path / "run" / "losses.json")
    assert matplotlib.image.imread(curves.path).shape == (500, 800, 4)
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        "losses.json",
        "losses.png",
    ]


def test_loss_curves_writes_after_each_epoch_and_aligns_series(tmp_path):
    curves = LossCurves(tmp_path / "losses.png")
    curves.on_epoch_end(0, {"d_loss": 1.0, "g_loss": np.float32(2.0), "tag": "x"})
    # Written already: an interrupted run keeps its curves.
    assert matplotlib.image.imread(curves.path).shape == (500, 800, 4)
    curves.on_epoch_end(1, {"d_loss": float("nan"), "g_loss": 1.5, "val_fid": 30.0})
    curves.on_epoch_end(2, {"d_loss": 0.5, "g_loss": 1.25, "vec": np.zeros(3)})

    expected = {
        "epoch": [1, 2, 3],
        "d_loss": [1.0, None, 0.5],  # NaN is written as null
        "g_loss": [2.0, 1.5, 1.25],
        "val_fid": [None, 30.0, None],  # null where an epoch did not log it
    }
    with open(curves.json_path) as f:
        assert json.load(f) == expected
    assert np.isnan(curves.history["d_loss"][1])
    assert matplotlib.image.imread(curves.path).shape == (500, 800, 4)


def test_loss_curves_every_and_train_end(tmp_path):
    curves = LossCurves(tmp_path / "c.png", every=2)
    curves.on_epoch_end(0, {"loss": 3.0})
    assert not (tmp_path / "c.json").exists()
    curves.on_epoch_end(1, {"loss": 2.0})
    with open(tmp_path / "c.json") as f:
        assert json.load(f)["loss"] == [3.0, 2.0]
    curves.on_epoch_end(2, {"loss": 1.0})
    curves.on_train_end()
    with open(tmp_path / "c.json") as f:
        assert json.load(f) == {"epoch": [1, 2, 3], "loss": [3.0, 2.0, 1.0]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.png"]


def test_loss_curves_without_numeric_logs_writes_json_only(tmp_path):
    curves = LossCurves(tmp_path / "c.png")
    curves.on_epoch_end(0, {})
    with open(tmp_path / "c.json") as f:
        assert json.load(f) == {"epoch": [1]}
    assert not (tmp_path / "c.png").exists()


def test_loss_curves_rejects_bad_every(tmp_path):
    with pytest.raises(ValueError, match=r"`every` must be an int >= 1.*every=0"):
        LossCurves(tmp_path / "c.png", every=0)
