"""Tests for `NeuralStyleTransfer` (Gatys et al. 2016), its losses, the VGG19
feature extractor and its offline weights logic, the deprecated module
path, and the recipe.

Everything runs with random VGG weights (`vgg_weights=None`) or a weights
file written here, on 32x32 images: nothing is downloaded."""

import importlib
import importlib.util
import json
import pathlib
import sys

import h5py
import keras
import model_test_case as mtc
import numpy as np
import pytest
from keras import ops
from keras.src.legacy.saving import legacy_h5_format

from keras_gans import NeuralStyleTransfer
from keras_gans.models import style as st

RECIPES = pathlib.Path(__file__).resolve().parents[1] / "recipes"
SIZE = 32
# Shallow layers make cheaper graphs for tests that do not need the paper's.
SHALLOW = {
    "content_layer": "block2_conv2",
    "style_layers": ["block1_conv1", "block2_conv1"],
}


def _np(x):
    return ops.convert_to_numpy(x)


def _images(seed=0, n=2, size=SIZE):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0, 255, (size, size, 3)).astype("float32") for _ in range(n)]


def _model(**kw):
    kw = {"image_size": SIZE, "vgg_weights": None, "seed": 3, **kw}
    model = NeuralStyleTransfer(**kw)
    model.set_images(*_images())
    return model


@pytest.fixture(scope="module")
def vgg_file(tmp_path_factory):
    """A random VGG19 (no top) saved in the legacy `.h5` format of the real
    Keras weights file, and the kernels it holds."""
    vgg = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    path = tmp_path_factory.mktemp("vgg") / st.VGG19_WEIGHTS_FILE
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, vgg)
    kernels = {
        name: _np(vgg.get_layer(name).kernel)
        for name in ("block1_conv1", "block2_conv1", "block4_conv2")
    }
    return path, kernels


# ------------------------------------------------------------------- losses
def test_gram_matrix_hand_computed():
    # One image, 2x1 positions, 2 filters: F = [[1, 2], [3, 4]] (rows: positions).
    f = np.array([1.0, 2.0, 3.0, 4.0], "float32").reshape(1, 2, 1, 2)
    np.testing.assert_allclose(_np(st.gram_matrix(f)), [[[10.0, 14.0], [14.0, 20.0]]])
    # A batch: each image has its own Gram matrix.
    batch = np.stack([f[0], 2 * f[0]])  # (2, 2, 1, 2)
    grams = _np(st.gram_matrix(batch))
    np.testing.assert_allclose(grams[1], 4 * grams[0])
    assert _np(st.num_positions(np.zeros((1, 3, 5, 2)))) == 15.0


def test_style_layer_loss_is_the_papers_normalisation():
    # E = sum (G - A)^2 / (4 N^2 M^2) with N = 2 filters, M = 3 positions.
    g = np.array([[[10.0, 14.0], [14.0, 20.0]]], "float32")
    a = np.array([[[8.0, 14.0], [11.0, 20.0]]], "float32")
    expected = (2.0**2 + 3.0**2) / (4 * 2**2 * 3**2)  # 13 / 144
    np.testing.assert_allclose(_np(st.style_layer_loss(g, a, 3)), [expected], rtol=1e-6)
    # Feature maps -> E_l of eq. 4 end to end.
    f = np.array([1.0, 2.0, 3.0, 4.0, 0.0, 1.0], "float32").reshape(1, 3, 1, 2)
    t = np.array([0.0, 1.0, 1.0, 1.0, 2.0, 0.0], "float32").reshape(1, 3, 1, 2)
    G = np.array([[10.0, 14.0], [14.0, 21.0]])  # F^T F
    A = np.array([[5.0, 1.0], [1.0, 2.0]])
    expected = ((G - A) ** 2).sum() / (4 * 4 * 9)
    loss = st.style_layer_loss(st.gram_matrix(f), st.gram_matrix(t), 3)
    np.testing.assert_allclose(_np(loss), [expected], rtol=1e-6)


def test_content_and_total_variation_losses_hand_computed():
    f = np.array([1.0, 2.0, 3.0, 4.0], "float32").reshape(1, 2, 2, 1)
    p = np.array([0.0, 2.0, 5.0, 4.0], "float32").reshape(1, 2, 2, 1)
    np.testing.assert_allclose(_np(st.content_loss(f, p)), [0.5 * (1 + 4)])
    # Image [[1, 2], [3, 4]]: vertical diffs 2, 2; horizontal 1, 1.
    np.testing.assert_allclose(_np(st.total_variation_loss(f)), [4 + 4 + 1 + 1])
    np.testing.assert_allclose(
        _np(st.total_variation_loss(np.ones((2, 3, 3, 3)))), [0, 0]
    )


def test_vgg_preprocess_matches_keras():
    x = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    expected = keras.applications.vgg19.preprocess_input(x.copy())
    np.testing.assert_allclose(_np(st.vgg_preprocess(x)), expected, rtol=1e-6)


def test_perceptual_loss_is_zero_at_its_own_targets():
    """An image is its own exact content and style target."""
    loss = st.PerceptualLoss(
        vgg_weights=None, content_layer="block1_conv2", style_layers=["block1_conv1"]
    )
    image = _images(n=1)[0][None]  # (1, 32, 32, 3)
    losses = loss(image, loss.content_features(image), loss.style_targets(image))
    for name in ("loss", "content_loss", "style_loss"):
        assert _np(losses[name]).tolist() == [0.0]
    assert _np(losses["tv_loss"])[0] > 0  # not weighted: tv_weight = 0
    assert loss.get_config()["style_layer_weights"] == [1.0]


# ------------------------------------------------------- extractor, weights
def test_extractor_shapes_and_truncation():
    names = [st.CONTENT_LAYER, *st.STYLE_LAYERS]
    net = st.vgg19_feature_extractor(names, weights=None, pooling="max")
    features = net(np.zeros((1, SIZE, SIZE, 3), "float32"))
    shapes = {name: tuple(features[name].shape) for name in names}
    assert shapes == {
        "block4_conv2": (1, 4, 4, 512),
        "block1_conv1": (1, 32, 32, 64),
        "block2_conv1": (1, 16, 16, 128),
        "block3_conv1": (1, 8, 8, 256),
        "block4_conv1": (1, 4, 4, 512),
        "block5_conv1": (1, 2, 2, 512),
    }
    layer_names = [layer.name for layer in net.layers]
    assert layer_names[-1] == "block5_conv1"  # cut after the deepest layer
    assert not net.trainable_weights


def test_avg_pooling_reuses_the_weights(vgg_file):
    path, kernels = vgg_file
    names = ["block1_conv1", "block2_conv1", "block4_conv2"]
    nets = {
        p: st.vgg19_feature_extractor(names, path, pooling=p) for p in ("max", "avg")
    }
    for pooling, net in nets.items():
        for name, kernel in kernels.items():
            np.testing.assert_array_equal(_np(net.get_layer(name).kernel), kernel)
        pools = [type(layer) for layer in net.layers if "pool" in layer.name]
        expected = (
            keras.layers.AveragePooling2D
            if pooling == "avg"
            else keras.layers.MaxPooling2D
        )
        assert pools == [expected] * 3
    x = np.random.default_rng(0).uniform(-100, 100, (1, 16, 16, 3)).astype("float32")
    out = {p: net(x) for p, net in nets.items()}
    np.testing.assert_allclose(
        _np(out["max"]["block1_conv1"]), _np(out["avg"]["block1_conv1"]), rtol=1e-6
    )  # before any pooling
    assert not np.allclose(
        _np(out["max"]["block2_conv1"]), _np(out["avg"]["block2_conv1"])
    )


def test_weights_come_from_the_keras_cache_or_fail_clearly(
    tmp_path, monkeypatch, vgg_file
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    expected = tmp_path / "keras_home" / "models" / st.VGG19_WEIGHTS_FILE
    assert st.cached_vgg19_weights_path() == str(expected)
    with pytest.raises(FileNotFoundError) as error:
        st.resolve_vgg_weights("imagenet")
    assert str(expected) in str(error.value) and st.VGG19_WEIGHTS_URL in str(
        error.value
    )
    with pytest.raises(FileNotFoundError, match="VGG19 ImageNet weights not found"):
        NeuralStyleTransfer(image_size=SIZE)  # vgg_weights="imagenet"
    with pytest.raises(FileNotFoundError, match="`vgg_weights` file not found"):
        st.resolve_vgg_weights(str(tmp_path / "missing.h5"))
    with pytest.raises(ValueError, match="`vgg_weights` must be"):
        st.resolve_vgg_weights(3)
    assert st.resolve_vgg_weights(None) is None
    # Once the file is in the cache, "imagenet" finds it and loads it.
    expected.parent.mkdir(parents=True)
    expected.symlink_to(vgg_file[0])
    assert st.resolve_vgg_weights("imagenet") == str(expected)
    net = st.vgg19_feature_extractor(["block1_conv1"], "imagenet")
    np.testing.assert_array_equal(
        _np(net.get_layer("block1_conv1").kernel), vgg_file[1]["block1_conv1"]
    )


# -------------------------------------------------------------------- model
def test_content_loss_is_zero_at_the_content_image():
    model = _model(**SHALLOW)
    np.testing.assert_array_equal(_np(model.image), _np(model.content_image))
    losses = model.compute_losses()
    assert float(losses["content_loss"]) == 0.0
    assert float(losses["style_loss"]) > 0.0
    # Style loss is 0 when the style image is the content image.
    content, _ = _images()
    model.set_images(content, content)
    assert float(model.compute_losses()["style_loss"]) == 0.0


@pytest.fixture(scope="module")
def optimized():
    """A model with the paper's layers after 9 steps in 3 chunks, with the
    loss before, the history and snapshots, and its frozen weights before."""
    keras.utils.set_random_seed(1234)  # module fixtures run before conftest's seeding
    model = _model(tv_weight=1e-6)
    model.compile()
    frozen = [_np(w).copy() for w in model.non_trainable_weights]
    start = float(model.compute_losses()["loss"])
    history, snapshots = model.optimize(steps=9, progress_every=3, verbose=0)
    return model, start, history, snapshots, frozen


def test_steps_lower_the_loss_and_change_only_the_image(optimized):
    model, start, history, snapshots, frozen = optimized
    losses = history["loss"]
    assert len(losses) == 3 and [step for step, _ in snapshots] == [3, 6, 9]
    assert (
        start
        > losses[0]
        > losses[1]
        > losses[2]
        > float(model.compute_losses()["loss"])
    )
    assert (
        len(model.trainable_weights) == 1 and model.trainable_weights[0] is model.image
    )
    for before, w in zip(frozen, model.non_trainable_weights):
        np.testing.assert_array_equal(before, _np(w), err_msg=w.path)
    image = _np(model.image)
    assert image.min() >= 0.0 and image.max() <= 255.0
    assert not np.allclose(image, _np(model.content_image))
    assert snapshots[-1][1].dtype == np.uint8
    np.testing.assert_array_equal(snapshots[-1][1], model.generated_image())


def test_noise_init_is_seeded_white_noise():
    a, b = _model(init="noise", **SHALLOW), _model(init="noise", **SHALLOW)
    image = _np(a.image)
    np.testing.assert_array_equal(image, _np(b.image))
    a.reset_image()  # the seed generator moved on: new noise
    assert not np.allclose(image, _np(a.image))
    assert (
        0.0 <= image.min() and image.max() <= 255.0 and abs(image.mean() - 127.5) < 10
    )
    assert float(a.compute_losses()["content_loss"]) > 0.0


class TestNeuralStyleTransfer(mtc.ModelTestCase):
    """The `.keras` round trip, with the shared check."""

    def test_keras_round_trip_keeps_image_targets_vgg_and_optimizer(
        self, optimized, tmp_path
    ):
        model = optimized[0]
        restored = self.run_model_saving_test(
            model, tmp_path, lambda m: m.compute_losses()
        )
        # Adam's moments and step count: a resumed run continues the same way.
        assert int(restored.optimizer.iterations) == 9


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pooling": "min"}, "`pooling` must be one of"),
        ({"init": "style"}, "`init` must be one of"),
        ({"image_size": 8}, "`image_size` must be an int >= 16"),
        (
            {"content_weight": -1.0},
            r"`content_weight` must be a finite number in \[0.0, inf\]",
        ),
        ({"style_layers": ["block1_conv1", "fc1"]}, "Unknown VGG19 layer"),
        ({"style_layer_weights": [1.0]}, "`style_layer_weights` must have one weight"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        NeuralStyleTransfer(**{"image_size": SIZE, "vgg_weights": None, **kwargs})


def test_set_images_checks_the_size():
    model = NeuralStyleTransfer(image_size=SIZE, vgg_weights=None)
    with pytest.raises(ValueError, match="`content` must be 32x32"):
        model.set_images(np.zeros((16, 16, 3)), np.zeros((32, 32, 3)))
    with pytest.raises(ValueError, match="`steps` must be an int >= 1"):
        model.optimize(0)


def test_style_image_of_another_size():
    """Style targets are per-position Gram matrices, so a style image of
    another size gives the same E_l as the paper's formula at equal sizes
    once A is rescaled by M / M_style."""
    content, style = _images()
    model = NeuralStyleTransfer(
        image_size=SIZE, style_size=(24, 20), vgg_weights=None, **SHALLOW
    )
    model.set_images(content, style[:24, :20])
    assert [tuple(g.shape) for g in model.style_grams] == [(1, 64, 64), (1, 128, 128)]
    features = model.perceptual.features(style[None, :24, :20])
    A = _np(st.gram_matrix(features["block1_conv1"]))
    np.testing.assert_allclose(_np(model.style_grams[0]), A / (24 * 20), rtol=1e-5)


def test_stylize_is_the_one_call_path():
    """`stylize` resizes both images, compiles, optimises and reports."""
    content, style = _images(n=2, size=40)  # resized to the model's 32x32
    model = NeuralStyleTransfer(image_size=SIZE, vgg_weights=None, seed=3, **SHALLOW)
    result = model.stylize(content, style, steps=3, progress_every=2, verbose=0)
    assert result.model is model and model.optimizer is not None
    assert result.image.shape == (SIZE, SIZE, 3) and result.image.dtype == np.uint8
    assert [step for step, _ in result.snapshots] == [2, 3]
    assert len(result.history["loss"]) == 2
    np.testing.assert_array_equal(result.image, model.generated_image())
    with pytest.raises(ValueError, match="`steps` must be an int >= 1"):
        model.stylize(content, style, steps=0)
    # The module-level function is the same path with a fresh model.
    again = st.stylize(
        content,
        style,
        steps=3,
        image_size=SIZE,
        vgg_weights=None,
        verbose=0,
        seed=3,
        **SHALLOW,
    )
    assert again.image.shape == (SIZE, SIZE, 3)


def test_old_module_path_warns_and_reexports():
    sys.modules.pop("keras_gans.models.style_transfer", None)
    with pytest.warns(DeprecationWarning, match="keras_gans.models.style"):
        old = importlib.import_module("keras_gans.models.style_transfer")
    # No shim module: the old path is the style package itself.
    assert old is st and old.__name__ == "keras_gans.models.style"
    assert old.NeuralStyleTransfer is NeuralStyleTransfer
    assert old.PerceptualLoss is st.PerceptualLoss and old.stylize is st.stylize
    assert old.INITS and old.VGG19_CONV_LAYERS and old.POOLINGS  # its constants too
    assert set(old.__all__) <= set(dir(old))


# ------------------------------------------------------------------- recipe
def _load_recipe(name):
    spec = importlib.util.spec_from_file_location(name, RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recipe_smoke_run_writes_its_outputs(tmp_path, monkeypatch):
    content, style = (np.clip(x, 0, 255).astype("uint8") for x in _images(n=2, size=40))
    keras.utils.save_img(tmp_path / "content.png", content)
    keras.utils.save_img(tmp_path / "style.jpg", style)
    out = tmp_path / "run" / "out.png"
    args = [
        "--content",
        str(tmp_path / "content.png"),
        "--style",
        str(tmp_path / "style.jpg"),
    ]
    args += [
        "--out",
        str(out),
        "--steps",
        "4",
        "--progress-every",
        "2",
        "--image-size",
        "32",
    ]
    args += [
        "--vgg-weights",
        "none",
        "--init",
        "noise",
        "--tv-weight",
        "1e-6",
        "--verbose",
        "0",
    ]
    metrics = _load_recipe("style_transfer").main(args)
    assert keras.utils.img_to_array(keras.utils.load_img(out)).shape == (32, 32, 3)
    strip = keras.utils.img_to_array(
        keras.utils.load_img(tmp_path / "run" / "out_progress.png")
    )
    assert strip.shape == (32, 3 * 32 + 2 * 2, 3)  # content + 2 snapshots, padding 2
    assert (tmp_path / "run" / "out_losses.png").is_file()
    losses = json.loads((tmp_path / "run" / "out_losses.json").read_text())
    assert losses["step"] == [2, 4] and len(losses["loss"]) == 2
    assert json.loads((tmp_path / "run" / "out_metrics.json").read_text()) == metrics
    assert metrics["steps"] == 4 and metrics["vgg_weights"] is None
    # Without --vgg-weights and no cached file: the clear error, no download.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match=st.VGG19_WEIGHTS_FILE):
        _load_recipe("style_transfer").main(args[:10])


def test_images_in_the_wrong_range_are_refused():
    """Issue 30, case 6: the style models' pixels are [0, 255]; float images
    in [0, 1] (or [-1, 1]) would be near-black pictures, so they are named
    errors at every image entry point (arrays and files alike go through
    `load_image`)."""
    model = NeuralStyleTransfer(image_size=SIZE, vgg_weights=None, **SHALLOW)
    content, style = _images()
    with pytest.raises(ValueError, match=r"looks like a \[0, 1\] image"):
        model.set_images(content / 255.0, style)
    with pytest.raises(ValueError, match=r"\(x \+ 1\) \* 127.5"):
        model.set_images(content, style / 127.5 - 1.0)
    with pytest.raises(ValueError, match=r"must be in \[0, 255\]"):
        model.stylize(content * 2.0, style, steps=1)
    model.set_images(content.astype(np.uint8), style)  # uint8 [0, 255] is fine
