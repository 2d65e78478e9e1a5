"""Tests for `FastStyleTransfer` (Johnson et al. 2016): the transformation
network's layout, a few training steps on tiny random images, the `.keras`
round trip, `translate` (and the deprecated `stylize`), the dtype policy,
the SavedModel export served by plain TensorFlow, the deprecated module
path, and the recipe. Random VGG weights (`vgg_weights=None`), nothing downloaded."""

import importlib
import importlib.util
import json
import os
import pathlib
import sys

import keras
import model_test_case as mtc
import numpy as np
import pytest
from keras import ops

from keras_gans import FastStyleTransfer
from keras_gans.models.style import transformation_network

RECIPES = pathlib.Path(__file__).resolve().parents[1] / "recipes"
# Shallow loss layers keep the VGG graph small; the losses are the shared
# `PerceptualLoss`, tested with the paper's layers in test_style_transfer.py.
SHALLOW = {
    "content_layer": "block2_conv2",
    "style_layers": ["block1_conv1", "block2_conv1"],
}


def _np(x):
    return ops.convert_to_numpy(x)


def _model(**kw):
    kw = {"filters": 4, "num_residual_blocks": 1, "vgg_weights": None, **SHALLOW, **kw}
    model = FastStyleTransfer(**kw)
    style = np.random.default_rng(9).uniform(0, 255, (24, 28, 3))
    model.set_style(style)
    return model


def _content(n=4, size=16, seed=0):
    return (
        np.random.default_rng(seed).uniform(-1, 1, (n, size, size, 3)).astype("float32")
    )


def _of_type(net, cls):
    return [layer for layer in net.layers if type(layer) is cls]


def test_transformation_network_layout():
    net = transformation_network()  # the paper's sizes
    convs = _of_type(net, keras.layers.Conv2D)
    assert [(c.filters, c.kernel_size, c.strides) for c in convs[:3]] == [
        (32, (9, 9), (1, 1)),
        (64, (3, 3), (2, 2)),
        (128, (3, 3), (2, 2)),
    ]
    assert [(c.filters, c.kernel_size) for c in convs[3:-1]] == [(128, (3, 3))] * 10
    assert (convs[-1].filters, convs[-1].kernel_size) == (3, (9, 9))
    ups = _of_type(net, keras.layers.Conv2DTranspose)
    assert [(u.filters, u.strides) for u in ups] == [(64, (2, 2)), (32, (2, 2))]
    assert len(_of_type(net, keras.layers.Add)) == 5
    norms = _of_type(net, keras.layers.GroupNormalization)
    assert len(norms) == 15  # after every conv but the last
    assert all(n.groups == n.gamma.shape[0] for n in norms)  # one group per channel
    small = transformation_network(filters=4, num_residual_blocks=1)
    for shape in [(2, 16, 16, 3), (1, 20, 12, 3)]:  # any size, multiples of 4
        out = _np(small(np.random.default_rng(0).uniform(-1, 1, shape)))
        assert out.shape == shape and np.abs(out).max() <= 1.0
    with pytest.raises(ValueError, match="`filters` must be an int >= 1"):
        transformation_network(filters=0)


@pytest.fixture(scope="module")
def trained():
    """A tiny model after 6 steps on 4 random 16x16 images, with its eager
    losses before and after, and its weights before."""
    keras.utils.set_random_seed(1234)  # module fixtures run before conftest's seeding
    model = _model(pooling="avg", tv_weight=1e-6)
    model.compile()  # Adam(1e-3), the paper's
    images = _content()
    weights = [_np(w).copy() for w in model.weights]
    before = model.compute_losses(images, model(images))
    history = model.fit(images, batch_size=4, epochs=6, verbose=0).history
    after = model.compute_losses(images, model(images))
    return model, images, weights, before, history, after


def test_training_steps_change_only_the_transformer_and_lower_the_loss(trained):
    model, images, weights, before, history, after = trained
    assert set(history) == {"loss", "content_loss", "style_loss", "tv_loss"}
    assert float(after["loss"]) < float(before["loss"]), (before, after)
    transformer = {id(w) for w in model.transformer.weights}
    assert {id(w) for w in model.trainable_weights} <= transformer
    for w, old in zip(model.weights, weights):
        changed = not np.array_equal(_np(w), old)
        assert changed == (id(w) in transformer), w.path
    pixels = ((images[:3] + 1) * 127.5).astype("uint8")
    with pytest.warns(DeprecationWarning, match="use `translate"):
        stylized = model.stylize(pixels, batch_size=2)
    assert stylized.shape == (3, 16, 16, 3) and stylized.dtype == np.uint8
    expected = np.rint((_np(model(pixels / 127.5 - 1.0)) + 1) * 127.5)
    assert np.abs(stylized - expected).max() <= 1


def test_translate_takes_and_returns_unit_range(trained):
    model, images = trained[:2]
    out = model.translate(images, batch_size=3)
    assert out.shape == images.shape and out.dtype == np.float32
    # Batches of 3 and of 4 may take different conv kernels: ~1e-6 apart.
    np.testing.assert_allclose(out, _np(model(images)), atol=1e-5)
    assert np.abs(out).max() <= 1.0
    # uint8 pixels are mapped to [-1, 1] first.
    pixels = ((images + 1) * 127.5).round().astype("uint8")
    np.testing.assert_allclose(
        model.translate(pixels), _np(model(pixels / 127.5 - 1.0)), atol=1e-5
    )
    # The deprecated alias keeps its uint8 -> uint8 contract on the same network.
    with pytest.warns(DeprecationWarning):
        stylized = model.stylize(pixels[0])  # one (H, W, 3) image
    assert stylized.shape == (1, 16, 16, 3) and stylized.dtype == np.uint8
    with pytest.raises(ValueError, match=r"Float `images` must be in \[-1, 1\]"):
        model.translate(images * 255.0)
    with pytest.raises(ValueError, match="multiples of 4"):
        model.translate(images[:, :14, :14])
    with pytest.raises(ValueError, match=r"shape \(n, H, W, 3\)"):
        model.translate(images[0])


def test_seed_fixes_the_transformer_weights():
    a, b = (_model(seed=5) for _ in range(2))
    for wa, wb in zip(a.transformer.weights, b.transformer.weights):
        np.testing.assert_array_equal(_np(wa), _np(wb), err_msg=wa.path)
    c = _model(seed=6)
    assert not np.allclose(_np(a.transformer.weights[0]), _np(c.transformer.weights[0]))
    assert a.get_config()["seed"] == 5


class TestFastStyleTransfer(mtc.ModelTestCase):
    """Dtype policy, `.keras` and export, with the shared checks."""

    def test_dtype_reaches_the_transformer(self):
        model = _model(dtype="mixed_bfloat16")
        self.assert_dtype_policy(model, "mixed_bfloat16", networks=(model.transformer,))
        model.compile()
        history = model.fit(_content(n=2), batch_size=2, epochs=1, verbose=0).history
        assert np.isfinite(history["loss"][0])
        assert model.translate(_content(n=1)).dtype == np.float32

    def test_keras_round_trip(self, trained, tmp_path):
        model, images = trained[:2]
        restored = self.run_model_saving_test(model, tmp_path, lambda m: m(images))
        assert int(restored.optimizer.iterations) == 6

    def test_export_is_served_by_plain_tensorflow(self, trained, tmp_path):
        model = trained[0]
        images = _content(n=2, size=20)
        expected = _np(model(images))
        assert np.abs(expected).mean() > 0.1
        bad_size = np.zeros((1, 18, 20, 3), "float32")
        served = self.run_export_test(
            model,
            tmp_path,
            requests={
                "images": ("serving_default", {"image": images}),
                "bad_size": ("serving_default", {"image": bad_size}),
            },
            expected={"images": expected},
        )
        assert served.path == os.path.join(str(tmp_path / "export"), "1")
        assert "height and width must be multiples of 4" in served.errors["bad_size"]
        assert served.signatures["serving_default"] == {
            "inputs": {"image": [[None, None, None, 3], "float32"]},
            "outputs": ["images"],
        }


def test_old_module_path_warns_and_reexports():
    sys.modules.pop("keras_gans.models.fast_style", None)
    with pytest.warns(DeprecationWarning, match="keras_gans.models.style"):
        old = importlib.import_module("keras_gans.models.fast_style")
    assert old.FastStyleTransfer is FastStyleTransfer
    assert old.transformation_network is transformation_network
    assert set(old.__all__) <= set(dir(old))


# ------------------------------------------------------------------- recipe
def test_recipe_smoke_run_writes_its_outputs(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "fst", RECIPES / "fast_style_train.py"
    )
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    rng = np.random.default_rng(0)
    (tmp_path / "content" / "sub").mkdir(parents=True)
    for i in range(5):
        folder = tmp_path / "content" / ("sub" if i % 2 else "")
        keras.utils.save_img(folder / f"{i}.png", rng.integers(0, 256, (20, 24, 3)))
    keras.utils.save_img(tmp_path / "style.png", rng.integers(0, 256, (30, 30, 3)))
    out = tmp_path / "run"
    results = recipe.main(
        [
            "--content-dir",
            str(tmp_path / "content"),
            "--style",
            str(tmp_path / "style.png"),
        ]
        + [
            "--out",
            str(out),
            "--epochs",
            "1",
            "--steps-per-epoch",
            "2",
            "--batch-size",
            "2",
        ]
        + ["--image-size", "16", "--filters", "4", "--residual-blocks", "1"]
        + ["--vgg-weights", "none", "--verbose", "0", "--content-layer", "block2_conv2"]
        + ["--style-layers", "block1_conv1", "block2_conv1"]
    )
    assert results["steps"] == 2
    grid = keras.utils.img_to_array(
        keras.utils.load_img(out / "samples" / "samples_epoch_001.png")
    )
    assert grid.shape == (2 * 16 + 2, 2 * 16 + 2, 3)  # 2 content images over 2 stylized
    assert (out / "losses.png").is_file() and (out / "model.keras").is_file()
    assert (out / "saved_model" / "1" / "saved_model.pb").is_file()
    assert not (out / "backup").exists()
    assert json.loads((out / "metrics.json").read_text()) == results
    with pytest.raises(ValueError, match="`--image-size` must be a multiple of 4"):
        recipe.main(
            ["--content-dir", "x", "--style", "y", "--out", "z", "--image-size", "30"]
        )
