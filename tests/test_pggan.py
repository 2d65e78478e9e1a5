"""`ProgressiveGAN`: fade-in paths, phases, the schedule, resume, export, recipes."""

import importlib.util
import json
import pathlib
import time
import warnings

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import ProgressiveGAN
from keras_gans._keras_compat import flatten_layers
from keras_gans.models.pggan import (
    ProgressiveDiscriminator,
    ProgressiveGenerator,
    num_features,
)

RECIPES = pathlib.Path(__file__).resolve().parents[1] / "recipes"
TINY = dict(image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8)


def _model(**kwargs):
    keras.utils.set_random_seed(5)
    model = ProgressiveGAN(**{**TINY, **kwargs}, seed=3)
    model.compile()
    return model


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _images(n=8, size=8, seed=0):
    return (
        np.random.default_rng(seed).uniform(-1, 1, (n, size, size, 1)).astype("float32")
    )


def _set(layer, kernel=None, bias=None):
    """Sets an equalized layer's *effective* weights (stored / runtime scale)."""
    if kernel is not None:
        layer.kernel.assign(np.broadcast_to(kernel, layer.kernel.shape) / layer.scale)
    if bias is not None:
        layer.bias.assign(np.broadcast_to(bias, layer.bias.shape))


# --------------------------------------------------------------- architecture
def test_feature_maps_follow_the_paper():
    # Karras et al. 2018, table 2: 512 maps up to 32x32, then halving.
    assert [num_features(r - 1) for r in range(2, 11)] == [
        512,
        512,
        512,
        512,
        256,
        128,
        64,
        32,
        16,
    ]
    g = ProgressiveGenerator(
        image_size=16, channels=3, latent_dim=4, fmap_base=64, fmap_max=16
    )
    assert [c.filters for c in g.convs] == [16, 16, 16, 8, 8]  # 4x4, 8x8 x2, 16x16 x2
    assert g.dense.units == 16 * 16 and [t.filters for t in g.to_rgb] == [3, 3, 3]
    d = ProgressiveDiscriminator(image_size=16, channels=3, fmap_base=64, fmap_max=16)
    assert [f.filters for f in d.from_rgb] == [16, 16, 8]
    assert [c.filters for c in d.convs] == [16, 16, 8, 16]  # 8x8: 16, 16; 16x16: 8, 16
    assert d.conv_4x4_valid.kernel_size == (4, 4) and d.logit.units == 1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(image_size=48), "image_size"),
        (dict(image_size=4), "image_size"),
        (dict(image_size=2048), "image_size"),
        (dict(image_size=(16, 8)), "image_size"),
        (dict(image_size=8.0), "image_size"),
        (dict(fmap_max=0), "fmap_max"),
        (dict(channels=True), "channels"),
        (dict(mbstd_group_size=-1), "mbstd_group_size"),
    ],
)
def test_bad_arguments_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        ProgressiveGAN(**{**TINY, **kwargs})


def test_phases_resolutions_and_output_shapes():
    model = _model(image_size=16)
    assert model.num_phases == 5
    z = np.zeros((2, 8), "float32")
    seen = []
    for phase in range(model.num_phases):
        model.set_phase(phase, alpha=0.5)
        r = model.resolution
        seen.append((r, model.fading, model.alpha))
        assert model.generate(2, seed=0).shape == (2, r, r, 1)
        assert _np(model.ema_generator(z)).shape == (2, r, r, 1)
        assert _np(model.discriminator(_images(2, r))).shape == (2, 1)
    assert seen == [
        (4, False, 1.0),
        (8, True, 0.5),
        (8, False, 1.0),
        (16, True, 0.5),
        (16, False, 1.0),
    ]
    for bad in (-1, 5, 1.0):
        with pytest.raises(ValueError, match="phase"):
            model.set_phase(bad)
    with pytest.raises(ValueError, match="alpha"):
        model.set_alpha(1.5)


def test_generator_output_is_clipped_only_outside_training():
    g = ProgressiveGenerator(**TINY)
    _set(g.to_rgb[-1], kernel=0.0, bias=3.0)
    z = np.ones((2, 8), "float32")
    np.testing.assert_allclose(_np(g(z, training=True)), 3.0)
    np.testing.assert_allclose(_np(g(z)), 1.0)


# ------------------------------------------------------------------- fade-in
@pytest.mark.parametrize("alpha, expected", [(0.0, -0.6), (0.5, -0.1), (1.0, 0.4)])
def test_generator_fade_blends_the_two_to_rgb_outputs(alpha, expected):
    g = ProgressiveGenerator(**TINY)
    g.set_phase(1, fading=True)
    g.fade.alpha.assign(alpha)
    _set(g.to_rgb[0], kernel=0.0, bias=-0.6)  # old path: -0.6 everywhere
    _set(g.to_rgb[1], kernel=0.0, bias=0.4)  # new path: 0.4 everywhere
    out = _np(g(np.ones((2, 8), "float32"), training=True))
    np.testing.assert_allclose(out, np.full((2, 8, 8, 1), expected), atol=1e-6)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_generator_fade_equals_upsampled_old_and_new_outputs(alpha):
    g = ProgressiveGenerator(**TINY)
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    g.set_phase(0, fading=False)
    old = _np(g(z, training=True))  # (3, 4, 4, 1)
    old = old.repeat(2, axis=1).repeat(2, axis=2)  # nearest-neighbour upsampling
    g.set_phase(1, fading=False)
    new = _np(g(z, training=True))  # (3, 8, 8, 1)
    g.set_phase(1, fading=True)
    g.fade.alpha.assign(alpha)
    faded = _np(g(z, training=True))
    np.testing.assert_allclose(faded, (1 - alpha) * old + alpha * new, atol=1e-5)


def _linear_discriminator():
    """D whose logit is the mean feature entering the 4x4 block, by hand:
    from_rgb[0] = 2 * avgpool(x) (old path), the 8x8 block outputs 3 (new
    path), the 4x4 block passes its input through and averages it."""
    d = ProgressiveDiscriminator(**TINY, mbstd_group_size=0)
    c = d.nf(1)
    _set(d.from_rgb[0], kernel=2.0, bias=0.0)
    _set(d.convs[0], kernel=0.0, bias=0.0)
    _set(d.convs[1], kernel=0.0, bias=3.0)
    identity = np.zeros((3, 3, c, c), "float32")
    identity[1, 1] = np.eye(c)
    _set(d.conv_4x4, kernel=identity, bias=0.0)
    _set(d.conv_4x4_valid, kernel=1.0 / (16 * c), bias=0.0)
    _set(d.logit, kernel=1.0 / d.nf(0), bias=0.0)
    return d


@pytest.mark.parametrize("alpha, expected", [(0.0, 0.5), (0.5, 1.75), (1.0, 3.0)])
def test_discriminator_fade_blends_the_two_from_rgb_paths(alpha, expected):
    d = _linear_discriminator()
    d.set_phase(1, fading=True)
    d.fade.alpha.assign(alpha)
    x = np.full((2, 8, 8, 1), 0.25, "float32")  # old path: 2 * 0.25 = 0.5
    np.testing.assert_allclose(_np(d(x)), np.full((2, 1), expected), rtol=1e-5)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_discriminator_fade_equals_blend_of_old_and_new_networks(alpha):
    d = ProgressiveDiscriminator(**TINY, mbstd_group_size=0)  # linear in the fade
    for layer in d.convs + d.from_rgb + [d.conv_4x4, d.conv_4x4_valid]:
        layer.bias.assign(np.full(layer.bias.shape, 2.0, "float32"))  # keep it positive
        layer.kernel.assign(np.abs(_np(layer.kernel)))
    x = np.abs(_images(3))
    d.set_phase(1, fading=True)
    d.fade.alpha.assign(alpha)
    faded = _np(d(x))
    # With all features positive LReLU is linear, so the logit is linear in the blend.
    d.set_phase(0, fading=False)
    old = _np(d(x.reshape(3, 4, 2, 4, 2, 1).mean(axis=(2, 4))))
    d.set_phase(1, fading=False)
    new = _np(d(x))
    np.testing.assert_allclose(faded, (1 - alpha) * old + alpha * new, rtol=1e-4)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_real_images_fade_between_resolutions(alpha):
    model = _model()
    model.set_phase(1, alpha=alpha)
    block = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")  # 2x2 mean 0.5
    x = np.tile(block, (4, 4))[None, :, :, None]  # (1, 8, 8, 1)
    faded = _np(model.prepare_reals(tf.constant(x)))
    np.testing.assert_allclose(faded, alpha * x + (1 - alpha) * 0.5, atol=1e-6)
    model.set_phase(0)  # 4x4: the 2x2 means
    np.testing.assert_allclose(_np(model.prepare_reals(tf.constant(x))), 0.5)


# ------------------------------------------------------------------ API
def test_numpy_ints_and_square_pairs_are_accepted():
    model = ProgressiveGAN(
        image_size=np.int64(8),
        channels=np.int32(1),
        latent_dim=np.int64(8),
        fmap_base=16,
        fmap_max=np.int64(8),
        mbstd_group_size=np.int64(2),
    )
    assert model.image_size == 8 and type(model.image_size) is int
    assert type(model.channels) is int and model.discriminator.mbstd_group_size == 2
    assert ProgressiveGAN(**{**TINY, "image_size": (8, 8)}).image_size == 8
    model.set_phase(np.int64(1), batch_size=np.int32(2))
    assert (model.phase, model.phase_batch_size) == (1, 2)


def test_sample_shape_follows_the_phase():
    model = _model(image_size=16)
    assert model.sample_shape == (4, 4, 1)
    model.set_phase(3, alpha=0.5)
    assert model.sample_shape == (16, 16, 1) == model.generate(1, seed=0).shape[1:]


def test_max_resolution_still_works_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="image_size=8"):
        model = ProgressiveGAN(**{**TINY, "image_size": None}, max_resolution=8)
    assert model.image_size == 8 == model.max_resolution
    for cls in (ProgressiveGenerator, ProgressiveDiscriminator):
        with pytest.warns(DeprecationWarning, match="max_resolution"):
            network = cls(max_resolution=8, channels=1, fmap_base=16, fmap_max=8)
        assert network.image_size == 8 == network.max_resolution
    with pytest.raises(ValueError, match="image_size"):
        ProgressiveGAN(image_size=8, max_resolution=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ProgressiveGAN(**TINY)  # the new name does not warn


def test_mixed_bfloat16_reaches_every_layer_and_trains():
    model = ProgressiveGAN(**TINY, seed=0, dtype="mixed_bfloat16")
    model.compile()
    networks = [model.generator, model.discriminator, model.ema_generator]
    layers = [layer for net in networks for layer in flatten_layers(net)]
    kinds = {type(layer).__name__ for layer in layers}
    assert {
        "EqualizedDense",
        "EqualizedConv2D",
        "PixelNorm",
        "MinibatchStdDev",
        "WeightedSum",
    } <= kinds
    for layer in layers:
        assert layer.dtype_policy.name == "mixed_bfloat16", layer.path
        assert layer.compute_dtype == "bfloat16" and layer.variable_dtype == "float32"
    assert ProgressiveGAN.from_config(model.get_config()).generator.compute_dtype == (
        "bfloat16"
    )
    model.set_phase(1, alpha=0.5)
    before = [_np(v) for v in model.generator.trainable_variables]
    ds = tf.data.Dataset.from_tensor_slices((_images(4),)).batch(4)
    history = model.fit(ds, epochs=1, verbose=0, shuffle=False)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert any(
        not np.array_equal(b, _np(v))
        for b, v in zip(before, model.generator.trainable_variables)
    )
    images = model.generate(2, seed=0)
    assert images.shape == (2, 8, 8, 1) and images.dtype == np.float32


# ---------------------------------------------------------------- train step
def _changed(before, variables):
    return {v.path for v, b in zip(variables, before) if not np.array_equal(_np(v), b)}


def test_train_step_updates_only_the_active_layers():
    model = _model()
    model.compile(run_eagerly=True)  # the same step, without tracing it
    model.set_phase(1, alpha=0.5, batch_size=4)
    g, d = model.generator, model.discriminator
    before = {
        n: [_np(v) for v in net.weights]
        for n, net in [("g", g), ("d", d), ("ema", model.ema_generator)]
    }
    ds = tf.data.Dataset.from_tensor_slices((_images(8),)).batch(8)
    model.fit(ds, epochs=1, verbose=0, shuffle=False)
    assert model.images_seen == 4  # the first 4 images of the batch of 8
    g_changed = _changed(before["g"], g.weights)
    assert g_changed == {v.path for v in g.active_trainable_variables()}
    assert {layer.name for layer in g.active_layers()} == {
        "dense_4x4",
        "conv_4x4",
        "conv0_8x8",
        "conv1_8x8",
        "to_rgb_4x4",
        "to_rgb_8x8",
    }
    d_changed = _changed(before["d"], d.weights)
    assert d_changed == {v.path for v in d.active_trainable_variables()}
    assert len(d_changed) == len(d.trainable_weights)  # every D layer is in use
    assert _changed(before["ema"], model.ema_generator.weights)
    model.set_phase(2, batch_size=4)  # stable 8x8: the 4x4 to_rgb rests
    assert "to_rgb_4x4" not in {layer.name for layer in g.active_layers()}


def test_optimizer_reset_keeps_the_learning_rate():
    model = _model()
    for optimizer in (model.g_optimizer, model.d_optimizer):
        for v in optimizer.variables:
            if "learning_rate" not in v.path:
                v.assign(np.ones(v.shape, v.dtype))
    model.reset_optimizers()
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert int(optimizer.iterations.numpy()) == 0
        assert all(
            not np.any(_np(v))
            for v in optimizer.variables
            if "learning_rate" not in v.path
        )
        np.testing.assert_allclose(float(_np(optimizer.learning_rate)), 1e-3)


# ------------------------------------------------ the shared model properties
class TestProgressiveGAN(mtc.ModelTestCase):
    """Export, preset and `.keras` round trip, with the shared checks."""

    def test_export_serves_the_final_ema_generator(self, tmp_path):
        model = _model()
        model.set_phase(model.num_phases - 1)
        for w in model.ema_generator.trainable_weights:  # outputs across [-1, 1]
            w.assign(
                np.random.default_rng(0).normal(0.0, 1.0, w.shape).astype("float32")
            )
        assert model.sample_shape == (8, 8, 1)
        self.run_export_test(model, tmp_path)

    def test_preset_loads_and_samples(self):
        self.run_preset_test(
            ProgressiveGAN, "pggan_digits", expected_shape=(2, 32, 32, 1)
        )

    def test_old_configs_with_max_resolution_still_load(self, tmp_path):
        model = _model()
        config = model.get_config()
        assert config["image_size"] == 8 and "max_resolution" not in config
        old = {k: v for k, v in config.items() if k != "image_size"}
        old["max_resolution"] = 8
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            restored = ProgressiveGAN.from_config(old)
            g = ProgressiveGenerator.from_config(
                {
                    **model.generator.get_config(),
                    "image_size": None,
                    "max_resolution": 8,
                }
            )
        assert restored.image_size == 8 and restored.ema_generator is not None
        assert g.image_size == 8
        loaded = self.run_model_saving_test(model, tmp_path)
        assert loaded.image_size == 8


# ------------------------------------------------------------------- recipes
def _load(name):
    spec = importlib.util.spec_from_file_location(name, RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TINY_FLAGS = [
    "--fmap-base",
    "16",
    "--fmap-max",
    "8",
    "--latent-dim",
    "8",
    "--batch-size",
    "8",
    "--epochs",
    "1",
    "--steps-per-epoch",
    "2",
]


def test_digits_recipe_smoke_run(tmp_path):
    results = _load("pggan_digits").main(
        TINY_FLAGS
        + ["--kimg-per-phase", "0.008", "--eval-every", "1", "--out", str(tmp_path)]
    )
    assert results["steps"] == 2 and results["images_seen"] == 16
    # --eval-every: the recipe's own figures, logged after the epoch.
    assert results["val_images_seen"] == 16 and results["val_resolution"] == 8
    assert 0.0 <= results["val_confident_fraction"] <= 1.0
    assert results["resolution"] == 8  # 4x4 for one step, then fading in 8x8
    assert (tmp_path / "phases" / "phase_00_4x4_stable.png").is_file()
    assert (tmp_path / "samples" / "samples_epoch_001.png").is_file()
    assert (tmp_path / "losses.png").is_file() and (tmp_path / "model.keras").is_file()
    assert (tmp_path / "saved_model" / "1" / "saved_model.pb").is_file()
    assert json.loads((tmp_path / "metrics.json").read_text()) == results
    assert results["num_images"] == 1000 and sum(results["class_histogram"]) == 1000


def test_celeba_recipe_smoke_run_on_mock_tfds(tmp_path):
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=8):
        results = _load("pggan_celeba").main(
            TINY_FLAGS
            + [
                "--max-resolution",
                "8",
                "--kimg-per-phase",
                "0.008",
                "--batch-size",
                "4",
                "--out",
                str(tmp_path),
            ]
        )
    assert results["steps"] == 2 and results["resolution"] == 4
    assert (tmp_path / "model.keras").is_file()
    assert (tmp_path / "saved_model" / "1" / "saved_model.pb").is_file()
    assert (tmp_path / "phases" / "phase_00_4x4_stable.png").is_file()


@pytest.mark.large
def test_digits_recipe_reaches_32x32_with_all_digits_within_20_minutes(tmp_path):
    start = time.perf_counter()
    results = _load("pggan_digits").main(["--out", str(tmp_path)])
    seconds = time.perf_counter() - start
    assert results["resolution"] == 32 and results["alpha"] == 1.0, results
    assert results["class_entropy"] >= 2.2, results
    assert results["confident_fraction"] >= 0.7, results
    assert seconds <= 20 * 60, seconds
